import { qualifiedName } from '../../model/quote-ident.js';
import { nameList } from '../../parse/name-list.js';
import type { ParsedStatement } from '../../parse/parse-script.js';
import { findEnum } from '../column-types.js';
import { defineMigrationRule, type MigrationContext } from '../migration-types.js';

const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** Case-insensitive first, so `Beta` sorts between `alpha` and `gamma`; code points break ties. */
const compare = (a: string, b: string) => {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
};

export default defineMigrationRule({
  id: 'require-enum-value-ordering',
  meta: {
    category: 'migrations',
    severity: 'warning',
    description: 'ALTER TYPE … ADD VALUE that fails in its transaction, or appends out of the enum’s alphabetical order',
    rationale: `An enum's values are ordered by declaration, not alphabetically: \`<\`, \`ORDER BY\`, \`min()\`/\`max()\` and btree
indexes follow that order. \`ALTER TYPE … ADD VALUE\` without \`BEFORE\` or \`AFTER\` appends the value at the end.
The rule reports three things about ADD VALUE:

- **It fails inside a transaction block before PostgreSQL 12** (unless the enum was created in the same
  transaction), and migration tools run each file in one: the migration aborts. Give it a migration of its
  own that runs outside a transaction. (\`--pg-version\` decides; the default is 15.)
- **From PostgreSQL 12 it may run in a transaction, but the new value cannot be used until that
  transaction commits** (*unsafe use of new value*): a later statement of the same transaction that uses the
  literal — an UPDATE, an INSERT, a DEFAULT, a CHECK — fails. Only string constants are looked at.
- **Appending breaks an order the values visibly follow**: when the enum's existing values (three or more,
  from the schema before this migration) are in alphabetical order and the new value does not sort last,
  appending it makes \`ORDER BY\` stop matching alphabetical order — the kind of order people rely on without
  writing it down. Saying where the value goes (\`BEFORE\`/\`AFTER\`) is never flagged: \`AFTER 'last'\` states
  that appending is meant. Enums whose order is not alphabetical are not judged: the schema cannot tell a
  meaningful order (\`low\`, \`medium\`, \`high\`) from a chronological one, and flagging every append would
  mostly flag status lists where appending is right.

ADD VALUE takes a brief lock on the type and rewrites no table. Not flagged when the enum is created earlier
in the same migration, where its values can be used at once.`,
    invalid: [
      {
        sql: `CREATE TYPE mood AS ENUM ('happy', 'sad');
---
ALTER TYPE mood ADD VALUE 'neutral'; -- flagged`,
        pgVersion: 11,
      },
      `CREATE TYPE order_status AS ENUM ('pending', 'shipped');
CREATE TABLE orders (id bigint PRIMARY KEY, status order_status NOT NULL);
---
ALTER TYPE order_status ADD VALUE 'cancelled'; -- flagged
UPDATE orders SET status = 'cancelled' WHERE id = 1;`,
      `CREATE TYPE size AS ENUM ('large', 'medium', 'small');
---
ALTER TYPE size ADD VALUE 'huge'; -- flagged`,
    ],
    valid: [
      `CREATE TYPE size AS ENUM ('large', 'medium', 'small');
---
ALTER TYPE size ADD VALUE 'huge' BEFORE 'large';`,
      `CREATE TYPE size AS ENUM ('large', 'medium', 'small');
---
ALTER TYPE size ADD VALUE 'tiny';`,
      // Not alphabetical: a deliberate order, which appending may well respect.
      `CREATE TYPE priority AS ENUM ('low', 'medium', 'high');
---
ALTER TYPE priority ADD VALUE 'critical';`,
      {
        sql: `CREATE TYPE mood AS ENUM ('happy', 'sad');
---
ALTER TYPE mood ADD VALUE 'neutral';`,
        pgVersion: 12,
      },
      // Created in the same transaction: the new value is usable at once, on any version.
      {
        sql: `CREATE TYPE mood AS ENUM ('happy', 'sad');
ALTER TYPE mood ADD VALUE 'neutral';
CREATE TABLE people (id bigint PRIMARY KEY, mood mood DEFAULT 'neutral');`,
        pgVersion: 11,
      },
    ],
  },
  check(ctx) {
    const { statement } = ctx;
    // RENAME VALUE has an old value; ADD VALUE has only the new one.
    if (statement.type !== 'AlterEnumStmt' || statement.node.oldVal || !statement.node.newVal) return;
    const names = nameList(statement.node.typeName);
    const found = findEnum(ctx.database, names);
    const type = found ? qualifiedName(found.schema, found.enum.name) : names.join('.');
    const object = found ? `${found.schema}.${found.enum.name}` : names.join('.');
    const value: string = statement.node.newVal;

    if (ctx.inTransaction && !createdInThisFile(ctx, names, found?.schema)) {
      if (ctx.pgVersion < 12) {
        ctx.report({
          message: `ALTER TYPE ${type} ADD VALUE cannot run inside a transaction block before PostgreSQL 12, and this migration runs in one`,
          object,
          help: `PostgreSQL ${ctx.pgVersion} refuses it there (unless the type was created in the same transaction): the migration aborts. Give it a migration of its own that runs outside a transaction.`,
        });
        return;
      }
      const use = laterUse(ctx, value);
      if (use) {
        ctx.report({
          message: `${literal(value)} is used on line ${use.span.line} before the transaction that adds it to ${type} commits: PostgreSQL refuses that (unsafe use of new enum value)`,
          object,
          help: `from PostgreSQL 12 ADD VALUE may run in a transaction, but the value is unusable until that transaction commits. Move the statements using ${literal(value)} to a later migration.`,
        });
      }
    }

    const values = found?.enum.values ?? [];
    if (statement.node.newValNeighbor || values.length < 3 || values.includes(value)) return;
    const alphabetical = values.every((v, i) => i === 0 || compare(values[i - 1], v) < 0);
    const next = values.find((v) => compare(value, v) < 0);
    if (!alphabetical || next === undefined) return;
    const last = values[values.length - 1];
    ctx.report({
      message: `${literal(value)} is appended after ${literal(last)}, out of the alphabetical order ${type}'s values follow: ORDER BY and comparisons use declaration order`,
      object,
      // No fix: where the value belongs is a decision about what the order means, not a safer way to run the statement.
      help: `ADD VALUE without BEFORE or AFTER appends at the end. Say where the value goes: BEFORE ${literal(next)} keeps the values alphabetical; AFTER ${literal(last)} states that appending is meant.`,
    });
  },
});

/** Whether an earlier statement of this migration created the enum (in the same transaction, the file's). */
function createdInThisFile(ctx: MigrationContext<any>, names: string[], schema: string | undefined): boolean {
  const name = names[names.length - 1];
  return ctx.statements.slice(0, ctx.index).some((st) => {
    if (st.type !== 'CreateEnumStmt') return false;
    const created = nameList(st.node.typeName);
    return created[created.length - 1] === name && (created.length === 1 || schema === undefined || created[created.length - 2] === schema);
  });
}

/** The first later statement of the same transaction with `value` as a string constant. */
function laterUse(ctx: MigrationContext<any>, value: string): ParsedStatement | undefined {
  for (const st of ctx.statements.slice(ctx.index + 1)) {
    if (st.type === 'TransactionStmt' && /COMMIT|ROLLBACK/.test(st.node.kind)) return undefined;
    // Naming it as another new value's neighbour reads the catalog, which is allowed.
    if (st.type !== 'AlterEnumStmt' && hasString(st.node, value)) return st;
  }
  return undefined;
}

function hasString(node: any, value: string): boolean {
  if (Array.isArray(node)) return node.some((item) => hasString(item, value));
  if (!node || typeof node !== 'object') return false;
  if (node.A_Const?.sval?.sval === value) return true;
  return Object.values(node).some((child) => hasString(child, value));
}
