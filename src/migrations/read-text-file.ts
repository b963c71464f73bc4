import { readFileSync } from 'node:fs';
import { SchemawiseError } from '../errors.js';

/** The heuristic git and grep use: a NUL byte early on means the file is binary. */
const SNIFF_BYTES = 8192;

export function readTextFile(file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file (or a broken link)' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (code ?? String(error));
    throw new SchemawiseError(`cannot read ${file}: ${why}`);
  }
  if (bytes.subarray(0, SNIFF_BYTES).includes(0)) throw new SchemawiseError(`${file} is not a text file`);
  // Editors on Windows start UTF-8 files with a byte order mark; PostgreSQL's parser would choke on it.
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
