/**
 * Splits a SQL script into statements the way psql does, without parsing them.
 *
 * Why not hand the whole file to the parser: scripts hold psql meta-commands (`\c db`,
 * `\set`, `\copy`) and `COPY ... FROM stdin` data blocks, which are not SQL and make the
 * PostgreSQL parser fail; and dumps hold thousands of INSERTs that we want to count and
 * skip without building their parse trees.
 */

export interface Chunk {
  kind: 'sql' | 'meta';
  /** Statement text without its terminating `;` (for `meta`, the whole line). */
  text: string;
  /** Offset (UTF-16 code units) of the statement's first character in the script. */
  start: number;
}

// Character-code tests: this loop visits every character of multi-megabyte dumps.
const isIdentCode = (c: number) =>
  (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c >= 128;
const isIdentStartCode = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c >= 128;
const isIdentChar = (c: string | undefined) => c !== undefined && isIdentCode(c.charCodeAt(0));
const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f';

/** Splits `text` into SQL statements and psql meta-command lines. */
export function splitSql(text: string): Chunk[] {
  const chunks: Chunk[] = [];
  const n = text.length;
  let i = 0;
  let start = -1; // first significant character of the statement in progress
  let parenDepth = 0;
  // SQL-standard function bodies (`BEGIN ATOMIC ... END`) contain `;`: inside CREATE
  // FUNCTION/PROCEDURE psql counts BEGIN/CASE against END, and so do we.
  let blockDepth = 0;
  let isRoutine: boolean | null = null;

  const finish = (end: number) => {
    if (start >= 0) {
      const stmt = text.slice(start, end);
      chunks.push({ kind: 'sql', text: stmt, start });
      // COPY ... FROM stdin is followed by data lines up to a line holding `\.`.
      if (/^copy\b/i.test(stmt) && /\bfrom\s+stdin\b/i.test(stmt)) {
        const lineEnd = text.indexOf('\n', end);
        const terminator = lineEnd < 0 ? -1 : text.indexOf('\n\\.', lineEnd - 1);
        if (terminator >= 0) {
          const after = text.indexOf('\n', terminator + 1);
          i = after < 0 ? n : after;
        } else {
          i = n;
        }
      }
    }
    start = -1;
    parenDepth = 0;
    blockDepth = 0;
    isRoutine = null;
  };

  while (i < n) {
    const c = text[i];
    const next = text[i + 1];

    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === '-' && next === '-') {
      const eol = text.indexOf('\n', i);
      i = eol < 0 ? n : eol + 1;
      continue;
    }
    if (c === '/' && next === '*') {
      // Block comments nest in PostgreSQL.
      let depth = 1;
      i += 2;
      while (i < n && depth > 0) {
        if (text[i] === '/' && text[i + 1] === '*') { depth++; i += 2; }
        else if (text[i] === '*' && text[i + 1] === '/') { depth--; i += 2; }
        else i++;
      }
      continue;
    }
    if (c === '\\' && start < 0) {
      const eol = text.indexOf('\n', i);
      const end = eol < 0 ? n : eol;
      chunks.push({ kind: 'meta', text: text.slice(i, end).replace(/\r$/, ''), start: i });
      i = end;
      continue;
    }
    if (start < 0) start = i;

    if (c === ';' && parenDepth <= 0 && blockDepth <= 0) {
      finish(i);
      i++;
      continue;
    }
    if (c === '(') { parenDepth++; i++; continue; }
    if (c === ')') { parenDepth--; i++; continue; }
    if (c === "'") {
      // E'...' strings take backslash escapes; standard strings only double quotes.
      const escapes = (text[i - 1] === 'E' || text[i - 1] === 'e') && !isIdentChar(text[i - 2]);
      i++;
      while (i < n) {
        if (escapes && text[i] === '\\') { i += 2; continue; }
        if (text[i] === "'") {
          if (text[i + 1] === "'") { i += 2; continue; }
          break;
        }
        i++;
      }
      i++;
      continue;
    }
    if (c === '"') {
      const close = text.indexOf('"', i + 1);
      i = close < 0 ? n : close + 1;
      while (i < n && text[i] === '"') { // "" inside a quoted identifier
        const again = text.indexOf('"', i + 1);
        i = again < 0 ? n : again + 1;
      }
      continue;
    }
    if (c === '$' && !isIdentChar(text[i - 1])) {
      let j = i + 1;
      if (j < n && isIdentStartCode(text.charCodeAt(j))) {
        j++;
        while (j < n && isIdentCode(text.charCodeAt(j)) && text[j] !== '$') j++;
      }
      if (text[j] === '$') {
        const tag = text.slice(i, j + 1);
        const close = text.indexOf(tag, i + tag.length);
        i = close < 0 ? n : close + tag.length;
        continue;
      }
    }
    if (isIdentStartCode(c.charCodeAt(0)) && !isIdentChar(text[i - 1])) {
      let j = i + 1;
      while (j < n && isIdentCode(text.charCodeAt(j))) j++;
      if (isRoutine === null) {
        isRoutine = /^create\s+(or\s+replace\s+)?(function|procedure)\b/i.test(text.slice(start, start + 64));
      }
      if (isRoutine && parenDepth === 0) {
        // As psql: BEGIN opens a body outside parentheses (a parameter may be named begin),
        // CASE nests only inside one, END closes either.
        const word = text.slice(i, j).toLowerCase();
        if (word === 'begin' || (word === 'case' && blockDepth > 0)) blockDepth++;
        else if (word === 'end' && blockDepth > 0) blockDepth--;
      }
      i = j;
      continue;
    }
    i++;
  }
  finish(n);
  return chunks;
}
