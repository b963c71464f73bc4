import { quoteIdent } from '../../model/quote-ident.js';
import { describeShape, dropIndexSql, duplicateGroups, indexShapes, type IndexShape } from '../index-compare.js';
import { tablesOf } from '../model-walk.js';
import { defineRule } from '../types.js';

const enforces = (s: IndexShape) => (s.constraint ? `${s.constraint} constraint` : s.unique ? 'unique index' : 'index');

export default defineRule({
  id: 'duplicate-index',
  meta: {
    category: 'indexes',
    severity: 'warning',
    description: 'No two indexes of a table are built the same way.',
    rationale: `Two indexes with the same access method, the same keys (columns or expressions, operator classes,
collations, sort order and NULLS placement), the same predicate and the same INCLUDE columns hold the same
entries: every INSERT, and every UPDATE that is not HOT, writes both; both take disk, cache and VACUUM time;
the planner uses either. PostgreSQL does not stop you creating them: a \`UNIQUE\` constraint on a primary
key's columns, or a \`CREATE INDEX\` on columns a constraint already indexes, are the usual sources.

Constraint-backed indexes (PRIMARY KEY, UNIQUE, EXCLUDE) count. The one kept is the one that enforces the
most: the primary key, then a unique index (NULLS NOT DISTINCT first, DEFERRABLE last: foreign keys and
ON CONFLICT cannot use a deferrable one), a constraint over a plain index, then the first by name; each other member of a group of identical indexes is reported once. Uniqueness is
not part of the comparison: a plain index with a unique one's definition adds nothing. INCLUDE columns are
compared as a set. The fix is \`DROP INDEX CONCURRENTLY\` (no lock against reads or writes); a duplicate
that backs a UNIQUE constraint is dropped with \`ALTER TABLE ... DROP CONSTRAINT\` (a brief ACCESS EXCLUSIVE
lock), which fails safely if a foreign key depends on it; an exclusion constraint is never the one dropped.`,
    invalid: [
      `CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL
);
CREATE UNIQUE INDEX users_email_key ON users (email);
CREATE INDEX idx_users_email ON users (email); -- flagged`,
      `CREATE TABLE orders (
  id bigint PRIMARY KEY,
  placed_at timestamptz NOT NULL
);
ALTER TABLE orders ADD CONSTRAINT orders_id_key UNIQUE (id); -- flagged
CREATE INDEX orders_id_idx ON orders (id); -- flagged`,
      `CREATE TABLE tasks (
  id bigint PRIMARY KEY,
  owner_id bigint NOT NULL,
  done_at timestamptz
);
CREATE INDEX tasks_open_owner ON tasks (owner_id DESC) WHERE done_at IS NULL;
CREATE INDEX tasks_owner_open ON tasks (owner_id DESC) WHERE (done_at IS NULL); -- flagged`,
      `CREATE TABLE readings (
  sensor_id bigint NOT NULL,
  taken_at timestamptz NOT NULL,
  value double precision NOT NULL
) PARTITION BY RANGE (taken_at);
CREATE TABLE readings_2026 PARTITION OF readings FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE INDEX readings_sensor_taken ON readings (sensor_id, taken_at);
CREATE INDEX readings_sensor_time ON readings (sensor_id, taken_at); -- flagged`,
    ],
    valid: [
      `CREATE TABLE line_items (
  order_id bigint NOT NULL,
  product_id bigint NOT NULL,
  PRIMARY KEY (order_id, product_id)
);
CREATE INDEX line_items_product_order ON line_items (product_id, order_id);`,
      `CREATE TABLE users (
  id bigint PRIMARY KEY,
  email text NOT NULL,
  deleted_at timestamptz
);
CREATE UNIQUE INDEX users_email_live ON users (email) WHERE deleted_at IS NULL;
CREATE INDEX users_email_prefix ON users (email text_pattern_ops);
CREATE INDEX users_email_all ON users (email);
CREATE INDEX users_email_hash ON users USING hash (email);`,
      `CREATE TABLE events (
  id bigint PRIMARY KEY,
  account_id bigint NOT NULL,
  kind text NOT NULL
);
CREATE INDEX events_account ON events (account_id);
CREATE INDEX events_account_covering ON events (account_id) INCLUDE (kind);
CREATE INDEX events_account_desc ON events (account_id DESC);`,
    ],
  },
  check({ database, report }) {
    for (const t of tablesOf(database)) {
      for (const [keep, ...others] of duplicateGroups(indexShapes(t.table))) {
        for (const dup of others) {
          if (dup.constraint === 'exclusion' || dup.constraint === 'primary key') continue;
          const sql =
            dup.constraint === 'unique'
              ? `-- Fails, changing nothing, if a foreign key depends on this constraint's index.\nSET lock_timeout = '5s';\nALTER TABLE ${t.sql} DROP CONSTRAINT ${quoteIdent(dup.name)};\nRESET lock_timeout;`
              : dup.unique
                ? `-- Fails, changing nothing, if a foreign key depends on this unique index.\n${dropIndexSql(t, dup.name)}`
                : dropIndexSql(t, dup.name);
          report({
            message: `Index ${dup.name} duplicates ${keep.name}: both are ${describeShape(keep)}`,
            object: `${t.schema.name}.${dup.name}`,
            table: t.name,
            span: dup.span,
            help: `${keep.name} (${enforces(keep)}) holds the same entries; ${dup.name} (${enforces(dup)}) only doubles the write and storage cost. Drop ${dup.name}${dup.constraint ? ' (a constraint: ON CONFLICT ON CONSTRAINT clauses naming it must move to the other)' : ''}.`,
            fix: { title: `Drop ${dup.name}`, sql },
          });
        }
      }
    }
  },
});
