import { readFileSync } from 'node:fs';
import { SchemawiseError } from '../errors.js';

/** The heuristic git and grep use: a NUL byte early on means the file is binary. */
const SNIFF_BYTES = 8192;

export function readTextFile(file: string): string {
  const bytes = readFileSync(file);
  if (bytes.subarray(0, SNIFF_BYTES).includes(0)) throw new SchemawiseError(`${file} is not a text file`);
  return bytes.toString('utf8');
}
