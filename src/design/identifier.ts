import { createHash } from 'node:crypto';
import { byteLength, MAX_IDENTIFIER_BYTES, truncateIdentifier } from '../lint/naming.js';

/**
 * A generated name that fits PostgreSQL's 63 bytes and stays distinct: a longer one keeps its
 * first 54 bytes and gets 8 characters of its hash (`…_check` and `…_check2` cut at 63 bytes
 * would be one name, and PostgreSQL truncates silently).
 */
export function identifier(name: string): string {
  if (byteLength(name) <= MAX_IDENTIFIER_BYTES) return name;
  return `${truncateIdentifier(name, MAX_IDENTIFIER_BYTES - 9)}_${createHash('sha1').update(name).digest('hex').slice(0, 8)}`;
}
