import { truncateIdentifier } from '../lint/naming.js';

/** A name within PostgreSQL's 63 bytes; a truncated one gets a short hash of the whole so two long names stay apart. */
export function uniqueName(full: string): string {
  const cut = truncateIdentifier(full);
  if (cut === full) return full;
  let hash = 0;
  for (const ch of full) hash = (hash * 31 + ch.codePointAt(0)!) >>> 0;
  return `${truncateIdentifier(full, 54)}_${hash.toString(36).padStart(7, '0').slice(0, 7)}`;
}
