import { globToRegExp } from '../../model/filter-model.js';
import { qualifiedName } from '../../model/quote-ident.js';
import { defineRule } from '../types.js';

export default defineRule({
  id: 'unlogged-table',
  meta: {
    category: 'scale',
    severity: 'warning',
    description: 'Tables are logged, unless they only hold data that can be rebuilt.',
    rationale: `An UNLOGGED table skips the write-ahead log: writes are faster, but after a crash or an immediate
shutdown PostgreSQL truncates it (its contents are not recoverable), it is not streamed to physical
replicas (they see it empty, and cannot read it) nor backed up by WAL-based tools, and it cannot be
published for logical replication. That is the right trade-off for data that can be rebuilt: caches,
staging tables of a bulk load, materialized scratch results. For anything else it is silent data loss
waiting for the next crash or failover.

Tables whose name matches \`allowTables\` (globs on \`name\` or \`schema.name\`; caches, staging, temporary
work) are not reported; partitions are checked one by one, as each has its own persistence. There is no
fix: \`ALTER TABLE ... SET LOGGED\` rewrites the whole table into the WAL under an ACCESS EXCLUSIVE lock,
so schedule it (or create a logged copy and swap).`,
    invalid: [
      `CREATE UNLOGGED TABLE orders ( -- flagged
  id bigint PRIMARY KEY,
  total numeric(12,2) NOT NULL
);`,
      `CREATE TABLE readings (
  taken_at timestamptz NOT NULL,
  value double precision NOT NULL
) PARTITION BY RANGE (taken_at);
CREATE UNLOGGED TABLE readings_2026 PARTITION OF readings FOR VALUES FROM ('2026-01-01') TO ('2027-01-01'); -- flagged`,
    ],
    valid: [
      `CREATE UNLOGGED TABLE session_cache (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE UNLOGGED TABLE staging_orders (id bigint, total numeric);
CREATE TABLE orders (id bigint PRIMARY KEY);`,
    ],
    options: { allowTables: ['*cache*', '*staging*', 'stg_*', 'tmp_*', '*_tmp', 'temp_*', '*_temp', '*scratch*'] },
    optionDocs: { allowTables: 'Globs on `name` or `schema.name` of tables that may be UNLOGGED (data that can be rebuilt).' },
  },
  check({ database, options, report }) {
    const allowed = options.allowTables.map(globToRegExp);
    for (const schema of database.schemas) {
      for (const table of schema.tables) {
        if (!table.unlogged) continue;
        const name = `${schema.name}.${table.name}`;
        if (allowed.some((re) => re.test(table.name) || re.test(name))) continue;
        report({
          message: `Table ${name} is UNLOGGED: a crash empties it and replicas do not have it`,
          object: name,
          table: name,
          span: table.span,
          help: `Fine for a cache or staging data that can be rebuilt; otherwise run ALTER TABLE ${qualifiedName(schema.name, table.name)} SET LOGGED in a maintenance window (it rewrites the table into the WAL under an ACCESS EXCLUSIVE lock).`,
        });
      }
    }
  },
});
