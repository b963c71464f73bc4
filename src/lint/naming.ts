/** PostgreSQL truncates identifiers to NAMEDATALEN - 1 = 63 bytes. */
export const MAX_IDENTIFIER_BYTES = 63;

export const byteLength = (s: string) => Buffer.byteLength(s, 'utf8');

/** Cuts `name` to 63 bytes without splitting a character. */
export function truncateIdentifier(name: string): string {
  if (byteLength(name) <= MAX_IDENTIFIER_BYTES) return name;
  let out = '';
  for (const ch of name) {
    if (byteLength(out + ch) > MAX_IDENTIFIER_BYTES) break;
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
