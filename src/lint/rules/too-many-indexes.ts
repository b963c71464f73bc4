import { globToRegExp } from '../../model/filter-model.js';
import { indexShapes } from '../index-compare.js';
import { tablesOf } from '../model-walk.js';
import { defineRule } from '../types.js';

export default defineRule({
  id: 'too-many-indexes',
  meta: {
    category: 'indexes',
    severity: 'warning',
    description: 'A table has no more indexes than its write load can afford.',
    rationale: `Every index is written on every INSERT and on every UPDATE that is not HOT, and an UPDATE can only be
HOT (a new row version on the same page with no index writes) when it changes no column that any index
mentions, in its keys, expressions, predicate or INCLUDE list (BRIN-only columns excepted from PostgreSQL 16).
So each extra index multiplies write I/O and WAL, shrinks the share of HOT updates, adds to VACUUM's work
and competes for shared buffers; the planner also spends more time choosing. Indexes behind PRIMARY KEY,
UNIQUE and EXCLUDE constraints count.

Append-mostly tables such as logs, events and audit trails are read rarely and written constantly, so
they get a lower limit: a table whose name matches one of \`writeHeavyTables\` (globs on \`name\` or
\`schema.name\`) may have at most \`writeHeavyMax\`. There is no fix: which index can go depends on usage;
look at \`pg_stat_user_indexes.idx_scan\` (since the last statistics reset) and at \`duplicate-index\` and
\`redundant-index\`, and consider folding several single-column indexes into one multicolumn index.`,
    invalid: [
      `CREATE TABLE products ( -- flagged
  id bigint PRIMARY KEY,
  sku text NOT NULL UNIQUE,
  name text NOT NULL,
  brand text,
  category text,
  color text,
  size text,
  price numeric(10,2),
  created_at timestamptz NOT NULL
);
CREATE INDEX products_name ON products (name);
CREATE INDEX products_brand ON products (brand);
CREATE INDEX products_category ON products (category);
CREATE INDEX products_color ON products (color);
CREATE INDEX products_size ON products (size);
CREATE INDEX products_price ON products (price);
CREATE INDEX products_created_at ON products (created_at);`,
      `CREATE TABLE audit_log ( -- flagged
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  actor_id bigint NOT NULL,
  action text NOT NULL,
  target text NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_actor ON audit_log (actor_id);
CREATE INDEX audit_log_action ON audit_log (action);
CREATE INDEX audit_log_target ON audit_log (target);
CREATE INDEX audit_log_at ON audit_log (at);`,
    ],
    valid: [
      `CREATE TABLE products (
  id bigint PRIMARY KEY,
  sku text NOT NULL UNIQUE,
  name text NOT NULL,
  brand text,
  category text,
  price numeric(10,2),
  created_at timestamptz NOT NULL
);
CREATE INDEX products_name ON products (name);
CREATE INDEX products_brand_category ON products (brand, category);
CREATE INDEX products_price ON products (price);
CREATE INDEX products_created_at ON products (created_at);`,
      `CREATE TABLE audit_log (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  actor_id bigint NOT NULL,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_actor_at ON audit_log (actor_id, at);
CREATE INDEX audit_log_at ON audit_log USING brin (at);`,
    ],
    options: {
      max: 8,
      writeHeavyMax: 4,
      writeHeavyTables: ['log', 'logs', '*_log', '*_logs', 'event', 'events', '*_event', '*_events', '*audit*', '*history', '*_histories', '*journal', '*outbox', '*metrics', '*measurements', '*telemetry'],
    },
    optionDocs: {
      max: 'Most indexes (constraint-backed ones included) a table may have.',
      writeHeavyMax: 'Most indexes on a table that matches writeHeavyTables.',
      writeHeavyTables: 'Globs on `name` or `schema.name` of append-heavy tables (logs, events, audit trails, history).',
    },
  },
  check({ database, options, report }) {
    const heavy = options.writeHeavyTables.map(globToRegExp);
    for (const t of tablesOf(database)) {
      const isHeavy = heavy.some((re) => re.test(t.table.name) || re.test(t.name));
      const limit = isHeavy ? options.writeHeavyMax : options.max;
      const indexes = indexShapes(t.table);
      if (indexes.length <= limit) continue;
      report({
        message: `Table ${t.name} has ${indexes.length} indexes, more than ${limit}${isHeavy ? ' for a write-heavy table' : ''}`,
        object: t.name,
        table: t.name,
        span: t.table.span,
        help: `Each index (${indexes.map((ix) => ix.name).join(', ')}) is written on every insert and blocks HOT updates of the columns it covers. Drop the ones pg_stat_user_indexes shows unused, and merge single-column indexes into multicolumn ones.`,
      });
    }
  },
});
