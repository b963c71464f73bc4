import { defineMigrationRule } from '../migration-types.js';
import { isConcurrentReindex } from '../statement-locks.js';

/** The statement's CONCURRENTLY form, if it has one PostgreSQL refuses inside a transaction block. */
function concurrentForm(type: string, n: any): string | undefined {
  switch (type) {
    case 'IndexStmt':
      return n.concurrent ? 'CREATE INDEX CONCURRENTLY' : undefined;
    case 'DropStmt':
      return n.concurrent ? 'DROP INDEX CONCURRENTLY' : undefined;
    case 'ReindexStmt':
      return isConcurrentReindex(n) ? 'REINDEX CONCURRENTLY' : undefined;
    case 'AlterTableStmt':
      return (n.cmds ?? []).some((c: any) => c.AlterTableCmd?.subtype === 'AT_DetachPartition' && c.AlterTableCmd.def?.PartitionCmd?.concurrent)
        ? 'DETACH PARTITION CONCURRENTLY'
        : undefined;
    default:
      return undefined;
  }
}

export default defineMigrationRule({
  id: 'ban-concurrent-index-in-transaction',
  meta: {
    category: 'migrations',
    severity: 'error',
    description: 'CONCURRENTLY index and partition operations inside a transaction, where PostgreSQL refuses them',
    rationale: `\`CREATE INDEX CONCURRENTLY\`, \`DROP INDEX CONCURRENTLY\`, \`REINDEX … CONCURRENTLY\` and
\`ALTER TABLE … DETACH PARTITION … CONCURRENTLY\` commit several transactions of their own, so
PostgreSQL refuses them inside a transaction block: *ERROR: CREATE INDEX CONCURRENTLY cannot run
inside a transaction block*. The migration fails on deploy.

A file is inside a transaction when it opens one with \`BEGIN\`, or when the migration tool runs it in
one: Flyway, dbmate, drizzle and most numbered-file tools wrap each migration; golang-migrate and
Prisma send a file as one multi-statement query, which PostgreSQL runs as one implicit transaction
when the file holds more than one statement. Put the statement in a migration of its own that runs
outside a transaction: dbmate \`-- migrate:up transaction:false\`, Flyway \`executeInTransaction=false\`
in \`V…sql.conf\`, goose \`-- +goose NO TRANSACTION\`, or a golang-migrate file holding only that statement.`,
    invalid: [
      `CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);
---
BEGIN;
CREATE INDEX CONCURRENTLY idx_orders_customer_id ON orders (customer_id); -- flagged
COMMIT;`,
      `CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);
CREATE INDEX idx_orders_customer_id ON orders (customer_id);
---
ALTER TABLE orders ADD COLUMN note text;
DROP INDEX CONCURRENTLY idx_orders_customer_id; -- flagged`,
      {
        sql: `CREATE TABLE events (id bigint, at date) PARTITION BY RANGE (at);
CREATE TABLE events_2020 PARTITION OF events FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
---
BEGIN;
ALTER TABLE events DETACH PARTITION events_2020 CONCURRENTLY; -- flagged
REINDEX TABLE CONCURRENTLY events_2020; -- flagged
COMMIT;`,
        transactional: false,
      },
    ],
    valid: [
      { sql: `CREATE INDEX CONCURRENTLY idx_orders_customer_id ON orders (customer_id);`, transactional: false },
      `CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint);
CREATE INDEX idx_orders_customer_id ON orders (customer_id);`,
      {
        sql: `BEGIN;
ALTER TABLE orders ADD COLUMN note text;
COMMIT;
CREATE INDEX CONCURRENTLY idx_orders_note ON orders (note);`,
        transactional: false,
      },
    ],
  },
  check({ statement, inTransaction, inExplicitTransaction, report }) {
    const form = concurrentForm(statement.type, statement.node);
    if (!form || !inTransaction) return;
    const where = inExplicitTransaction ? 'inside BEGIN … COMMIT' : 'in a file the migration tool runs in one transaction';
    report({
      message: `${form} cannot run inside a transaction block, and this statement is ${where}: the migration fails`,
      help: `PostgreSQL refuses it with "cannot run inside a transaction block". Move it to a migration of its own that runs outside a transaction (dbmate transaction:false, Flyway executeInTransaction=false, goose NO TRANSACTION, a golang-migrate or Prisma file holding only this statement)${inExplicitTransaction ? ', or end the BEGIN block before it' : ''}.`,
    });
  },
});
