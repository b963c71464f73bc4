import { qualifiedName } from '../../model/quote-ident.js';
import { defineMigrationRule } from '../migration-types.js';
import { droppedName, indexTable } from '../statement-locks.js';

export default defineMigrationRule({
  id: 'require-concurrent-index-deletion',
  meta: {
    category: 'migrations',
    severity: 'warning',
    description: 'DROP INDEX of an existing index without CONCURRENTLY',
    rationale: `\`DROP INDEX\` takes an ACCESS EXCLUSIVE lock on the index's table. The drop itself is quick,
but the lock must first wait for every transaction using the table to finish, and while it waits
every new query on the table (reads included: the planner locks all of a table's indexes) queues
behind it. \`DROP INDEX CONCURRENTLY\` takes SHARE UPDATE EXCLUSIVE and waits for those transactions
without blocking anyone. It drops one index per statement, takes no CASCADE and cannot run inside a
transaction block. An index created earlier in the same migration is not flagged, nor one whose table
the migration's transaction already holds ACCESS EXCLUSIVE on (an earlier \`ALTER TABLE\` took it, and
keeps it until commit): that drop waits for no one. Nor is \`DROP INDEX IF EXISTS\` of an index the
earlier migrations never created (a guard for databases that drifted): on the schema they build it
drops nothing and takes no lock.`,
    invalid: [
      `CREATE TABLE orders (id bigint PRIMARY KEY, placed_at timestamptz);
CREATE INDEX idx_orders_placed_at ON orders (placed_at);
---
DROP INDEX idx_orders_placed_at; -- flagged`,
      `CREATE TABLE orders (id bigint PRIMARY KEY, placed_at timestamptz, status text);
CREATE INDEX idx_orders_placed_at ON orders (placed_at);
CREATE INDEX idx_orders_status ON orders (status);
---
DROP INDEX IF EXISTS idx_orders_placed_at, -- flagged
  idx_orders_status;`,
    ],
    valid: [
      `CREATE TABLE orders (id bigint PRIMARY KEY, placed_at timestamptz);
CREATE INDEX idx_orders_placed_at ON orders (placed_at);
---
DROP INDEX CONCURRENTLY idx_orders_placed_at;`,
      `CREATE TABLE orders (id bigint PRIMARY KEY, placed_at timestamptz);
---
CREATE INDEX idx_orders_placed_at ON orders (placed_at);
DROP INDEX idx_orders_placed_at;`,
      `CREATE TABLE orders (id bigint PRIMARY KEY, placed_at timestamptz, note text);
CREATE INDEX idx_orders_placed_at ON orders (placed_at);
---
ALTER TABLE orders DROP COLUMN note;
DROP INDEX idx_orders_placed_at;`,
      `CREATE TABLE orders (id bigint PRIMARY KEY, placed_at timestamptz);
---
DROP INDEX IF EXISTS orders_placed_at_idx1;`,
    ],
  },
  check({ statement, qualify, isNew, heldLock, database, report }) {
    const n = statement.node;
    if (statement.type !== 'DropStmt' || n.removeType !== 'OBJECT_INDEX' || n.concurrent) return;
    const indexes = (n.objects ?? []).flatMap((o: any) => droppedName(o, { qualify }) ?? []);
    const lockedAlready = (qn: { schema: string; name: string }) => {
      const table = indexTable(database, qn);
      return !!table && heldLock(table) === 'ACCESS EXCLUSIVE';
    };
    // With no earlier migration the model knows nothing, and an unknown index may well exist.
    const neverCreated = (qn: { schema: string; name: string }) => n.missing_ok && !indexTable(database, qn) && database.schemas.some((s) => s.tables.length);
    const existing = indexes.filter((qn: { schema: string; name: string }) => !isNew(qn) && !lockedAlready(qn) && !neverCreated(qn));
    if (!existing.length) return;
    const first = existing[0];
    const table = indexTable(database, first);
    const names = existing.map((qn: { schema: string; name: string }) => qualifiedName(qn.schema, qn.name)).join(', ');
    const on = table ? qualifiedName(table.schema, table.name) : 'its table';
    // CONCURRENTLY drops one index per statement and refuses CASCADE: no mechanical rewrite then.
    const fix =
      n.behavior === 'DROP_CASCADE'
        ? undefined
        : { title: 'drop each index concurrently', sql: indexes.map((qn: { schema: string; name: string }) => `DROP INDEX CONCURRENTLY ${n.missing_ok ? 'IF EXISTS ' : ''}${qualifiedName(qn.schema, qn.name)};`).join('\n') };
    report({
      message: `DROP INDEX ${names} locks ${on} against every read and write until the drop is done`,
      object: `${first.schema}.${first.name}`,
      ...(table && { table: `${table.schema}.${table.name}` }),
      help: `takes ACCESS EXCLUSIVE on ${on}: it waits for every open transaction on the table, and every query queues behind it meanwhile. Use DROP INDEX CONCURRENTLY, one index per statement, outside a transaction block${n.behavior === 'DROP_CASCADE' ? ' (without CASCADE: drop the dependent constraints first)' : ''}.`,
      ...(fix && { fix }),
    });
  },
});
