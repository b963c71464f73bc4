import { qualifiedName } from '../../model/quote-ident.js';
import { defineMigrationRule } from '../migration-types.js';
import { indexTable, isConcurrentReindex } from '../statement-locks.js';

const KIND: Record<string, string> = {
  REINDEX_OBJECT_INDEX: 'INDEX',
  REINDEX_OBJECT_TABLE: 'TABLE',
  REINDEX_OBJECT_SCHEMA: 'SCHEMA',
  REINDEX_OBJECT_DATABASE: 'DATABASE',
};

export default defineMigrationRule({
  id: 'require-concurrent-reindex',
  meta: {
    category: 'migrations',
    severity: 'warning',
    description: 'REINDEX without CONCURRENTLY on PostgreSQL 12 and later',
    rationale: `\`REINDEX\` takes an ACCESS EXCLUSIVE lock on each index it rebuilds and a SHARE lock on its
table: writes wait for the whole rebuild, and so do reads — the planner locks every index of a
table it plans a query on, so even queries that would not use the index block. From PostgreSQL 12,
\`REINDEX … CONCURRENTLY\` builds a replacement alongside under SHARE UPDATE EXCLUSIVE and swaps it in:
reads and writes go on. It cannot run inside a transaction block, and an interrupted run leaves an
invalid \`…_ccnew\` index to drop.

Before PostgreSQL 12 there is no \`CONCURRENTLY\` form, so nothing is flagged there: the non-blocking
way is \`CREATE INDEX CONCURRENTLY\` of a copy, \`DROP INDEX CONCURRENTLY\` of the old one, and a
rename. \`REINDEX SYSTEM\` cannot run concurrently and is not flagged; indexes and tables created
earlier in the same migration are not either.`,
    invalid: [
      `CREATE TABLE orders (id bigint PRIMARY KEY, status text);
CREATE INDEX idx_orders_status ON orders (status);
---
REINDEX INDEX idx_orders_status; -- flagged
REINDEX TABLE orders; -- flagged`,
    ],
    valid: [
      `CREATE TABLE orders (id bigint PRIMARY KEY, status text);
CREATE INDEX idx_orders_status ON orders (status);
---
REINDEX INDEX CONCURRENTLY idx_orders_status;`,
      {
        sql: `CREATE TABLE orders (id bigint PRIMARY KEY, status text);
CREATE INDEX idx_orders_status ON orders (status);
---
REINDEX INDEX idx_orders_status;`,
        pgVersion: 11,
      },
      `CREATE TABLE orders (id bigint PRIMARY KEY, status text);
REINDEX TABLE orders;`,
    ],
  },
  check({ statement, pgVersion, qualify, isNew, database, report }) {
    const n = statement.node;
    if (statement.type !== 'ReindexStmt' || pgVersion < 12 || isConcurrentReindex(n) || !KIND[n.kind]) return;
    const target = n.relation ? qualify(n.relation) : undefined;
    const table = target && (n.kind === 'REINDEX_OBJECT_INDEX' ? indexTable(database, target) : target);
    if ((target && isNew(target)) || (table && isNew(table))) return;
    const what = target ? qualifiedName(target.schema, target.name) : (n.name ?? 'the current database');
    const on = table ? qualifiedName(table.schema, table.name) : what;
    report({
      message: `REINDEX ${KIND[n.kind]} ${what} blocks reads and writes of ${on} while it rebuilds`,
      object: target ? `${target.schema}.${target.name}` : what,
      ...(table && { table: `${table.schema}.${table.name}` }),
      help: `takes ACCESS EXCLUSIVE on each index rebuilt and SHARE on its table: writes wait, and reads too (the planner locks every index of the table). Use REINDEX ${KIND[n.kind]} CONCURRENTLY (PostgreSQL 12+), outside a transaction block.`,
      fix: { title: 'rebuild concurrently', sql: `${statement.text.trim().replace(/^reindex\s*(\([^)]*\)\s*)?(index|table|schema|database)\b/i, (m) => `${m} CONCURRENTLY`).replace(/;?$/, ';')}` },
    });
  },
});
