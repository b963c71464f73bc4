import { quoteIdent } from '../../model/quote-ident.js';
import { columnOf, indexesOf, tablesOf } from '../model-walk.js';
import { defineRule } from '../types.js';

export default defineRule({
  id: 'require-primary-key',
  meta: {
    category: 'integrity',
    severity: 'error',
    description: 'Every table has a primary key.',
    rationale: `Without a primary key a row has no stable identity: duplicates creep in, UPDATE and DELETE by
key are impossible, logical replication cannot replicate UPDATE/DELETE (\`REPLICA IDENTITY\` falls back to
the whole row, or fails), and ORMs and tools such as pg_repack refuse the table. Choose an identity
\`bigint\` or a uuid (v7) surrogate, or promote an existing unique NOT NULL key.`,
    invalid: [
      `CREATE TABLE events ( -- flagged
  occurred_at timestamptz NOT NULL,
  payload jsonb NOT NULL
);`,
      `CREATE TABLE tags ( -- flagged
  name text NOT NULL
);
CREATE UNIQUE INDEX idx_tags_name ON tags (name);`,
    ],
    valid: [
      `CREATE TABLE events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  occurred_at timestamptz NOT NULL
);`,
      `CREATE TABLE measurements (
  sensor_id bigint NOT NULL,
  taken_at timestamptz NOT NULL,
  PRIMARY KEY (sensor_id, taken_at)
) PARTITION BY RANGE (taken_at);
CREATE TABLE measurements_2026 PARTITION OF measurements FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');`,
    ],
  },
  check({ database, report }) {
    for (const t of tablesOf(database)) {
      if (t.table.primaryKey) continue;
      // A unique, non-partial, plain-column index over NOT NULL columns can become the key in place.
      const candidate = indexesOf(t.table).find(
        (ix) => ix.unique && !ix.where && ix.method === 'btree' && !ix.constraint && ix.plain.every(Boolean) && ix.columns.every((c) => columnOf(t.table, c)?.notNull),
      );
      report({
        message: `Table ${t.name} has no primary key`,
        object: t.name,
        table: t.name,
        span: t.table.span,
        help: candidate
          ? `The unique index ${candidate.name} on NOT NULL columns (${candidate.columns.join(', ')}) can become the primary key without a rebuild.`
          : 'Add a surrogate key (bigint GENERATED ALWAYS AS IDENTITY, or uuid) or declare the natural key as PRIMARY KEY.',
        ...(candidate && {
          fix: {
            title: `Promote ${candidate.name} to the primary key`,
            // USING INDEX reuses the built index: a brief ACCESS EXCLUSIVE lock, no scan.
            sql: `ALTER TABLE ${t.sql} ADD CONSTRAINT ${quoteIdent(`${t.table.name}_pkey`)} PRIMARY KEY USING INDEX ${quoteIdent(candidate.name)};`,
          },
        }),
      });
    }
  },
});
