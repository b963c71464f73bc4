import { qualifiedName } from '../../model/quote-ident.js';
import { defineMigrationRule } from '../migration-types.js';

export default defineMigrationRule({
  id: 'require-concurrent-index-creation',
  meta: {
    category: 'migrations',
    severity: 'warning',
    description: 'CREATE INDEX on an existing table without CONCURRENTLY',
    rationale: `\`CREATE INDEX\` takes a SHARE lock on the table for the whole build: reads go on, but every
INSERT, UPDATE and DELETE waits until the index is built, which on a large table is minutes.
\`CREATE INDEX CONCURRENTLY\` takes SHARE UPDATE EXCLUSIVE instead (writes continue) at the price of
two table scans and of not running inside a transaction block. An index on a table created earlier
in the same migration is not flagged: nobody else can be writing to it.`,
    invalid: [
      `CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);
---
CREATE INDEX idx_orders_customer_id ON orders (customer_id); -- flagged`,
    ],
    valid: [
      `CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);
CREATE INDEX idx_orders_customer_id ON orders (customer_id);`,
      `CREATE INDEX CONCURRENTLY idx_orders_customer_id ON orders (customer_id);`,
    ],
  },
  check({ statement, qualify, isNew, report }) {
    if (statement.type !== 'IndexStmt' || statement.node.concurrent) return;
    const table = qualify(statement.node.relation);
    if (isNew(table)) return;
    report({
      message: `CREATE INDEX on ${qualifiedName(table.schema, table.name)} blocks writes to it while the index is built`,
      object: qualifiedName(table.schema, table.name),
      help: 'takes a SHARE lock: INSERT, UPDATE and DELETE wait for the whole build. Use CREATE INDEX CONCURRENTLY (in a migration of its own, outside a transaction).',
      fix: { title: 'build the index concurrently', sql: `${statement.text.trim().replace(/^create\s+(unique\s+)?index\b/i, (m) => `${m} CONCURRENTLY`).replace(/;?$/, ';')}` },
    });
  },
});
