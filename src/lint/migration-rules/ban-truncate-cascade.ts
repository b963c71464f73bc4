import { qualifiedName } from '../../model/quote-ident.js';
import type { Database, QualifiedName } from '../../model/types.js';
import { defineMigrationRule } from '../migration-types.js';

const key = (qn: QualifiedName) => `${qn.schema}.${qn.name}`;

/** Every table CASCADE reaches from `start`: those with a foreign key to a reached table, recursively. */
function cascadeReach(db: Database, start: QualifiedName[]): QualifiedName[] {
  const reached = new Map(start.map((qn) => [key(qn), qn]));
  const queue = [...start];
  while (queue.length) {
    const target = key(queue.shift()!);
    for (const schema of db.schemas) {
      for (const table of schema.tables) {
        const qn = { schema: schema.name, name: table.name };
        if (reached.has(key(qn)) || !table.foreignKeys.some((fk) => key(fk.refTable) === target)) continue;
        reached.set(key(qn), qn);
        queue.push(qn);
      }
    }
  }
  return [...reached.values()].slice(start.length);
}

export default defineMigrationRule({
  id: 'ban-truncate-cascade',
  meta: {
    category: 'migrations',
    severity: 'error',
    description: 'TRUNCATE … CASCADE, which also empties every table that references the ones named',
    rationale: `\`TRUNCATE … CASCADE\` empties the tables named and, recursively, every table with a foreign key to
one of them — tables the statement does not name, whose rows are gone without a trace in the
migration (and without ON DELETE triggers: TRUNCATE fires none). A foreign key added later makes
the same statement reach further. Each table is locked ACCESS EXCLUSIVE, so all of them also block
every read and write until the migration commits.

Name every table to empty in the \`TRUNCATE\` (it then fails, with the default RESTRICT, if one is
still referenced by a table left out), or delete the rows you mean to delete. Tables created
earlier in the same migration, with every table the cascade reaches, hold no data and are not
flagged.`,
    invalid: [
      `CREATE TABLE customers (id bigint PRIMARY KEY);
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id));
---
TRUNCATE customers CASCADE; -- flagged`,
    ],
    valid: [
      `CREATE TABLE customers (id bigint PRIMARY KEY);
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id));
---
TRUNCATE orders, customers;`,
      `CREATE TABLE staging_customers (id bigint PRIMARY KEY);
CREATE TABLE staging_orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES staging_customers (id));
TRUNCATE staging_customers CASCADE;`,
    ],
  },
  check({ statement, qualify, isNew, database, report }) {
    const n = statement.node;
    if (statement.type !== 'TruncateStmt' || n.behavior !== 'DROP_CASCADE') return;
    const named: QualifiedName[] = (n.relations ?? []).map((r: any) => qualify(r.RangeVar));
    const reached = cascadeReach(database, named);
    if ([...named, ...reached].every(isNew)) return;
    const list = (qns: QualifiedName[]) => qns.map((qn) => qualifiedName(qn.schema, qn.name)).join(', ');
    report({
      message: reached.length
        ? `TRUNCATE … CASCADE also empties ${list(reached)}, which the statement does not name`
        : `TRUNCATE … CASCADE empties every table that references ${list(named)}, now and after any foreign key added later`,
      object: key(named[0]),
      table: key(named[0]),
      help: `each table is locked ACCESS EXCLUSIVE (every read and write waits) and emptied without ON DELETE triggers. Name every table to empty: TRUNCATE ${list([...named, ...reached])}; (RESTRICT, the default, then refuses to leave a dangling reference).`,
    });
  },
});
