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
in the same migration is not flagged: nobody else can be writing to it.

A partitioned table cannot be indexed concurrently: build the index on each partition with
\`CREATE INDEX CONCURRENTLY\`, create it \`ON ONLY\` the parent (instant, invalid at first), then
\`ALTER INDEX … ATTACH PARTITION\` each partition's index; the parent's index becomes valid with the last.`,
    invalid: [
      `CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);
---
CREATE INDEX idx_orders_customer_id ON orders (customer_id); -- flagged`,
      `CREATE TABLE events (id bigint, at timestamptz) PARTITION BY RANGE (at);
---
CREATE INDEX idx_events_at ON events (at); -- flagged`,
    ],
    valid: [
      `CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);
CREATE INDEX idx_orders_customer_id ON orders (customer_id);`,
      `CREATE INDEX CONCURRENTLY idx_orders_customer_id ON orders (customer_id);`,
      `CREATE TABLE events (id bigint, at timestamptz) PARTITION BY RANGE (at);
---
CREATE INDEX idx_events_at ON ONLY events (at);`,
    ],
  },
  check({ statement, qualify, isNew, table: tableOf, report }) {
    const n = statement.node;
    if (statement.type !== 'IndexStmt' || n.concurrent) return;
    const table = qualify(n.relation);
    // ON ONLY a partitioned parent builds nothing: the index is empty and invalid until partitions attach.
    if (isNew(table) || (!n.relation.inh && tableOf(table)?.partitioning)) return;
    const name = qualifiedName(table.schema, table.name);
    const object = `${table.schema}.${table.name}`;
    if (tableOf(table)?.partitioning) {
      report({
        message: `CREATE INDEX on the partitioned table ${name} blocks writes to every partition while each is indexed`,
        object,
        table: object,
        help: 'takes a SHARE lock on every partition: INSERT, UPDATE and DELETE wait for the whole build. CONCURRENTLY is not supported on a partitioned table: CREATE INDEX CONCURRENTLY on each partition, CREATE INDEX … ON ONLY the parent, then ALTER INDEX parent_index ATTACH PARTITION each partition\'s index.',
      });
      return;
    }
    report({
      message: `CREATE INDEX on ${name} blocks writes to it while the index is built`,
      object,
      table: object,
      help: 'takes a SHARE lock: INSERT, UPDATE and DELETE wait for the whole build. Use CREATE INDEX CONCURRENTLY (in a migration of its own, outside a transaction).',
      fix: { title: 'build the index concurrently', sql: `${statement.text.trim().replace(/^create\s+(unique\s+)?index\b/i, (m) => `${m} CONCURRENTLY`).replace(/;?$/, ';')}` },
    });
  },
});
