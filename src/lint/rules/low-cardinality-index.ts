import { quoteIdent } from '../../model/quote-ident.js';
import { indexShapes, type IndexShape } from '../index-compare.js';
import { columnOf, tablesOf } from '../model-walk.js';
import { resolveType } from '../type-layout.js';
import type { Database, Table } from '../../model/types.js';
import { defineRule } from '../types.js';
import { mentionsColumn } from '../sql-text.js';

/** `boolean`, or `enum (n values)`, when the column's type has few values; null otherwise. */
function fewValues(db: Database, table: Table, column: string, maxEnumValues: number): string | null {
  const c = columnOf(table, column);
  if (!c) return null;
  const t = resolveType(db, c.type);
  if (t.array) return null;
  if (t.kind === 'builtin' && t.base === 'boolean') return 'boolean';
  if (t.kind === 'enum' && t.enum && t.enum.values.length <= maxEnumValues) return `enum ${t.base}, ${t.enum.values.length} values`;
  return null;
}

export default defineRule({
  id: 'low-cardinality-index',
  meta: {
    category: 'indexes',
    severity: 'info',
    description: 'No btree or hash index is led by a boolean or a few-valued enum column.',
    rationale: `A column with two or a handful of values (a \`boolean\`, or an enum or a domain over one) splits an
index into a few huge runs of equal keys. As the only key, it finds a large fraction of the table, which a
sequential scan reads faster; the planner will rarely use it, yet every write maintains it. As the
leading key of a multicolumn index it makes the index useless for queries that do not fix its value
(PostgreSQL 18's skip scan softens that, at a cost per distinct value) and adds its width to every entry.

The usual intent, finding the few rows in one state (unprocessed jobs, active sessions), is what a partial
index is for: \`CREATE INDEX ... ON jobs (created_at) WHERE NOT processed\` holds only those rows, stays
small as the others accumulate, and is used when the query repeats the predicate. Otherwise put the column
after a selective one. An index whose predicate already restricts the column is not reported, nor is an
enum with more than \`maxEnumValues\` values. There is no fix: which value is the rare one is not in the schema.`,
    invalid: [
      `CREATE TABLE jobs (
  id bigint PRIMARY KEY,
  processed boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL
);
CREATE INDEX jobs_processed ON jobs (processed); -- flagged
CREATE INDEX jobs_processed_created ON jobs (processed, created_at); -- flagged`,
      `CREATE TYPE order_status AS ENUM ('pending', 'paid', 'shipped', 'cancelled');
CREATE DOMAIN active_flag AS boolean;
CREATE TABLE orders (
  id bigint PRIMARY KEY,
  status order_status NOT NULL,
  active active_flag NOT NULL,
  customer_id bigint NOT NULL
);
CREATE INDEX orders_status_customer ON orders (status, customer_id); -- flagged
CREATE INDEX orders_active ON orders USING hash (active); -- flagged`,
    ],
    valid: [
      `CREATE TABLE jobs (
  id bigint PRIMARY KEY,
  processed boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL
);
CREATE INDEX jobs_pending ON jobs (created_at) WHERE NOT processed;
CREATE INDEX jobs_created_processed ON jobs (created_at, processed);
CREATE INDEX jobs_pending_flag ON jobs (processed) WHERE processed = false;`,
      `CREATE TYPE country AS ENUM ('AT', 'BE', 'CH', 'DE', 'DK', 'ES', 'FI', 'FR', 'IE', 'IT', 'NL', 'NO', 'PL', 'PT', 'SE');
CREATE TABLE customers (
  id bigint PRIMARY KEY,
  country country NOT NULL,
  flags boolean[] NOT NULL DEFAULT '{}'
);
CREATE INDEX customers_country ON customers (country);
CREATE INDEX customers_flags ON customers USING gin (flags);`,
    ],
    options: { maxEnumValues: 10 },
    optionDocs: { maxEnumValues: 'An enum with more values than this is selective enough to lead an index.' },
  },
  check({ database, options, report }) {
    for (const t of tablesOf(database)) {
      for (const ix of indexShapes(t.table)) {
        if (ix.method !== 'btree' && ix.method !== 'hash') continue;
        const lead = ix.keys[0];
        if (!lead?.plain || (ix.where && mentionsColumn(ix.where, lead.target))) continue;
        const kind = fewValues(database, t.table, lead.target, options.maxEnumValues);
        if (!kind) continue;
        report({
          message: `Index ${ix.name} is led by ${lead.target} (${kind}), a column with few distinct values`,
          object: `${t.schema.name}.${ix.name}`,
          table: t.name,
          span: ix.span,
          help: advice(ix, lead.target),
        });
      }
    }
  },
});

function advice(ix: IndexShape, column: string): string {
  const rest = ix.keys.slice(1).map((k) => k.target);
  const constraint = ix.constraint ? ` (it backs a ${ix.constraint} constraint: reordering its columns keeps what it enforces)` : '';
  if (!rest.length) {
    return `Each value of ${column} matches a large share of the rows, so the planner prefers a sequential scan. To find the rare rows, index a selective column WHERE ${quoteIdent(column)} = <rare value> instead, or drop ${ix.name}${constraint}.`;
  }
  return `Queries not fixing ${column} cannot use ${ix.name} well. Make it a partial index, (${rest.join(', ')}) WHERE ${quoteIdent(column)} = <rare value>, or move ${column} after ${rest[0]}${constraint}.`;
}
