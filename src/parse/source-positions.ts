import type { Span } from '../model/types.js';

/**
 * Maps offsets in a source text to 1-based line and column. Columns count code points,
 * so a line holding `é` or an emoji reports the column an editor shows.
 */
export class SourcePositions {
  private readonly lineStarts: number[] = [0];
  constructor(readonly file: string, private readonly text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
  }

  /** `offset` in UTF-16 code units. */
  span(offset: number): Span {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    let column = 1;
    for (let i = this.lineStarts[lo]; i < offset; i++) {
      const code = this.text.charCodeAt(i);
      if (code < 0xdc00 || code > 0xdfff) column++; // a low surrogate finishes a code point already counted
    }
    return { file: this.file, line: lo + 1, column };
  }
}

/**
 * libpg_query reports node locations as byte offsets into the UTF-8 text it parsed.
 * Returns a function mapping such an offset to a UTF-16 offset into `text`.
 */
export function byteOffsetMapper(text: string): (byteOffset: number) => number {
  // Pure ASCII (the common case): bytes and code units coincide.
  if (!/[^\x00-\x7f]/.test(text)) return (b) => b;
  const charAtByte: number[] = [];
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.codePointAt(i)!;
    const len = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    for (let k = 0; k < len; k++) charAtByte[bytes + k] = i;
    bytes += len;
    if (code > 0xffff) i++;
  }
  return (b) => (b >= bytes ? text.length : charAtByte[b]);
}
