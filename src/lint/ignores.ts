import { splitSql } from '../parse/split-sql.js';
import type { Span } from '../model/types.js';

/**
 * Inline suppressions in SQL files:
 *   `-- schemawise-ignore rule-a, rule-b`       the next statement (between statements), the
 *                                              statement it ends the line of (`...; -- ...`),
 *                                              or its own line and the next (inside one)
 *   `-- schemawise-ignore-file rule-a`          every finding located in the file
 * Ids end at `--`, so a reason can follow: `-- schemawise-ignore no-char-n -- ISO codes`.
 * No ids means every rule.
 */
export interface Ignore {
  file: string;
  /** Where the comment is: an ignore that matched nothing is reported there. */
  span: Span;
  /** Rule ids; empty means all. */
  rules: string[];
  /** Lines it covers, inclusive; the whole file for `-file`. */
  fromLine: number;
  toLine: number;
  used: Set<string>;
}

const DIRECTIVE = /--[ \t]*schemawise-ignore(-file)?(?=[ \t\r\n]|$)([^\n]*)/g;

function ruleIds(rest: string): string[] {
  const cut = rest.indexOf('--');
  return (cut >= 0 ? rest.slice(0, cut) : rest)
    .split(/[\s,]+/)
    .filter(Boolean);
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function lineAt(starts: number[], offset: number): number {
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

/**
 * Offsets of the `--` that start real line comments: not inside a string, a quoted identifier,
 * a dollar-quoted body or a block comment, where a directive is text, not a directive.
 */
function lineCommentStarts(text: string): Set<number> {
  const starts = new Set<number>();
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '-' && text[i + 1] === '-') {
      starts.add(i);
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end + 1;
    } else if (c === '/' && text[i + 1] === '*') {
      let depth = 1; // block comments nest in PostgreSQL
      i += 2;
      while (i < text.length && depth > 0) {
        if (text[i] === '/' && text[i + 1] === '*') (depth++, (i += 2));
        else if (text[i] === '*' && text[i + 1] === '/') (depth--, (i += 2));
        else i++;
      }
    } else if (c === "'" || c === '"') {
      // a doubled quote inside is an escaped quote: the loop steps over both
      i++;
      while (i < text.length && !(text[i] === c && text[i + 1] !== c)) i += text[i] === c ? 2 : 1;
      i++;
    } else if (c === '$' && !/[\w$]/.test(text[i - 1] ?? '')) {
      const tag = /^\$(?:[A-Za-z_\u0080-\uffff][\w\u0080-\uffff]*)?\$/.exec(text.slice(i, i + 64));
      if (!tag) {
        i++;
        continue;
      }
      const end = text.indexOf(tag[0], i + tag[0].length);
      i = end < 0 ? text.length : end + tag[0].length;
    } else i++;
  }
  return starts;
}

/** The ignore directives of one script. Files without the word are not split at all. */
export function collectIgnores(file: string, text: string): Ignore[] {
  if (!text.includes('schemawise-ignore')) return [];
  const starts = lineStarts(text);
  const chunks = splitSql(text).filter((c) => c.kind === 'sql');
  const ignores: Ignore[] = [];
  const comments = lineCommentStarts(text);
  for (const match of text.matchAll(DIRECTIVE)) {
    const offset = match.index!;
    if (!comments.has(offset)) continue;
    const line = lineAt(starts, offset);
    // Columns count code points, as every span does.
    const span = { file, line, column: [...text.slice(starts[line - 1], offset)].length + 1 };
    const rules = ruleIds(match[2]);
    const base = { file, span, rules, used: new Set<string>() };
    if (match[1]) {
      ignores.push({ ...base, fromLine: 1, toLine: starts.length });
      continue;
    }
    // Inside a statement: this line and the next. Between statements: the next statement.
    const inside = chunks.find((c) => c.start <= offset && offset < c.start + c.text.length);
    if (inside) {
      ignores.push({ ...base, fromLine: line, toLine: line + 1 });
      continue;
    }
    // After a statement on its own line (`...; -- schemawise-ignore x`): that statement.
    const previous = chunks.filter((c) => c.start + c.text.length <= offset).pop();
    if (previous && lineAt(starts, previous.start + previous.text.length) === line) {
      ignores.push({ ...base, fromLine: lineAt(starts, previous.start), toLine: line });
      continue;
    }
    const next = chunks.find((c) => c.start > offset);
    if (!next) {
      ignores.push({ ...base, fromLine: line, toLine: line });
      continue;
    }
    ignores.push({ ...base, fromLine: lineAt(starts, next.start), toLine: lineAt(starts, next.start + next.text.length) });
  }
  return ignores;
}

/** The ignore that suppresses a finding of `ruleId` at `span`, marking it used. */
export function matchIgnore(ignores: Ignore[], ruleId: string, span: Span | undefined): boolean {
  if (!span) return false;
  let matched = false;
  for (const ignore of ignores) {
    if (ignore.file !== span.file || span.line < ignore.fromLine || span.line > ignore.toLine) continue;
    if (ignore.rules.length && !ignore.rules.includes(ruleId)) continue;
    ignore.used.add(ruleId);
    matched = true;
  }
  return matched;
}
