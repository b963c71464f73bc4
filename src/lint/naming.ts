/** PostgreSQL truncates identifiers to NAMEDATALEN - 1 = 63 bytes. */
export const MAX_IDENTIFIER_BYTES = 63;

export const byteLength = (s: string) => Buffer.byteLength(s, 'utf8');

/** Cuts `name` to `max` bytes (63 by default) without splitting a character. */
export function truncateIdentifier(name: string, max = MAX_IDENTIFIER_BYTES): string {
  if (byteLength(name) <= max) return name;
  let out = '';
  let bytes = 0;
  for (const ch of name) {
    bytes += byteLength(ch);
    if (bytes > max) break;
    out += ch;
  }
  return out;
}

/** Fills a naming pattern: `idx_{table}_{columns}` → `idx_orders_customer_id_placed_at`. */
export function fillPattern(pattern: string, values: Record<string, string>): string {
  return truncateIdentifier(pattern.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole));
}

/** Column names of a key, for names: expressions reduced to their identifiers. */
export function nameParts(columns: string[]): string {
  return columns
    .map((c) => c.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, ''))
    .filter(Boolean)
    .join('_');
}
