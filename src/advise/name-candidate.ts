import { relationNames } from '../lint/model-walk.js';
import { byteLength, fillPattern, MAX_IDENTIFIER_BYTES, nameParts, truncateIdentifier } from '../lint/naming.js';
import type { Database } from '../model/types.js';
import type { CandidateIndex } from './candidate-index.js';

/**
 * The name a recommended index gets: `idx_{table}_{columns}` (the convention the review's
 * index-name-convention rule checks), a partial index's predicate as a qualifier
 * (`idx_orders_placed_at_status_paid`), `_2`… when the schema or another recommendation
 * already has the name. `taken` collects the names given.
 */
export function nameCandidate(db: Database, c: CandidateIndex, taken: Set<string>, pattern = 'idx_{table}_{columns}'): string {
  const columns = nameParts(c.keys.map((k) => k.target.column ?? k.target.sql));
  const stem = fillPattern(pattern, { table: c.table, columns, schema: c.schema });
  // A predicate's words that would be cut at 63 bytes say less than none: the first predicate's, or none.
  const qualifiers = c.where ? [predicateWords(c.where), predicateWords(c.where.split(/\s+AND\s+/i)[0])].map((q) => `_${q}`) : [];
  const base = [...qualifiers.map((q) => stem + q), stem].find((n) => byteLength(n) <= MAX_IDENTIFIER_BYTES - 2) ?? stem;
  const schema = db.schemas.find((s) => s.name === c.schema);
  const existing = schema ? relationNames(schema) : new Set<string>();
  const used = (name: string) => existing.has(name) || taken.has(`${c.schema}.${name}`);
  let name = truncateIdentifier(base);
  for (let n = 2; used(name); n++) name = `${truncateIdentifier(base, 63 - String(n).length - 1)}_${n}`;
  taken.add(`${c.schema}.${name}`);
  return name;
}

/**
 * A partial index's predicate in a few words: `status = 'paid'` → `paid`, `deleted_at IS NULL` →
 * `deleted_at_null`, `status IN ('new', 'open')` → `new_open`, `NOT archived` → `not_archived`.
 */
function predicateWords(where: string): string {
  const words = where.split(/\s+AND\s+/i).map((part) => {
    const literal = /=\s*'([^']*)'/.exec(part) ?? /\bIN\s*\((.*)\)/i.exec(part);
    if (literal) return literal[1].replace(/'/g, '');
    return part.replace(/\bIS\s+NOT\s+NULL\b/gi, 'not_null').replace(/\bIS\s+NULL\b/gi, 'null').replace(/::[\w ]+/g, '');
  });
  return nameParts(words);
}
