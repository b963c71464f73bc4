/**
 * PostgreSQL's rules for the names it invents (makeObjectName / ChooseRelationName /
 * ChooseConstraintName in src/backend/commands/indexcmds.c and catalog/pg_constraint.c),
 * so that a statically loaded model names `PRIMARY KEY` `users_pkey` and `UNIQUE (email)`
 * `users_email_key` exactly as the server does.
 */

/** NAMEDATALEN - 1: identifiers are silently truncated to 63 bytes. */
export const MAX_IDENTIFIER_BYTES = 63;

const byteLength = (s: string) => Buffer.byteLength(s, 'utf8');

/** Cuts `s` to at most `bytes` UTF-8 bytes without splitting a character (pg_mbcliplen). */
export function clipBytes(s: string, bytes: number): string {
  if (byteLength(s) <= bytes) return s;
  let out = '';
  let used = 0;
  for (const ch of s) {
    const len = byteLength(ch);
    if (used + len > bytes) break;
    out += ch;
    used += len;
  }
  return out;
}

/** `name1_name2_label`, shortening the longer of name1/name2 until it fits in 63 bytes. */
export function makeObjectName(name1: string, name2: string | null, label: string | null): string {
  const overhead = (label ? byteLength(label) + 1 : 0) + (name2 ? 1 : 0);
  const avail = MAX_IDENTIFIER_BYTES - overhead;
  let n1 = byteLength(name1);
  let n2 = name2 ? byteLength(name2) : 0;
  while (n1 + n2 > avail) {
    if (n1 > n2) n1--;
    else n2--;
  }
  let name = clipBytes(name1, n1);
  if (name2) name += '_' + clipBytes(name2, n2);
  if (label) name += '_' + label;
  return name;
}

/**
 * The first of `name1_name2_label`, `..._label1`, `..._label2`, ... that `taken` does not hold.
 * Relations (indexes, sequences) must be unique in their schema; auto-named constraints too.
 */
export function chooseName(name1: string, name2: string | null, label: string, taken: (name: string) => boolean): string {
  let modLabel = label;
  for (let pass = 1; ; pass++) {
    const name = makeObjectName(name1, name2, modLabel);
    if (!taken(name)) return name;
    modLabel = `${label}${pass}`;
  }
}

/**
 * The column part of an index or constraint name: column names joined by `_`, stopping
 * once 63 bytes are reached (ChooseIndexNameAddition). A name that repeats gets a number
 * first, as ChooseIndexColumnNames makes index column names unique: `(a, b) INCLUDE (b)`
 * gives `a_b_b1`.
 */
export function columnsAddition(columns: string[]): string {
  const unique: string[] = [];
  for (const col of columns) {
    let name = col;
    for (let i = 1; unique.includes(name); i++) name = clipBytes(col, MAX_IDENTIFIER_BYTES - String(i).length) + i;
    unique.push(name);
  }
  let buf = '';
  for (const col of unique) {
    if (buf) buf += '_';
    buf += col;
    if (byteLength(buf) >= MAX_IDENTIFIER_BYTES) break;
  }
  return clipBytes(buf, MAX_IDENTIFIER_BYTES);
}
