import { parseExpression } from '../../load/fold-table.js';
import { chooseName } from '../../load/choose-name.js';
import { quoteIdent } from '../../model/quote-ident.js';
import type { Table } from '../../model/types.js';
import { nameList } from '../../parse/name-list.js';
import { alterExistingTable, constraintNamesOf, setNotNullSql, statementSql, type AlterCommand, type TargetTable } from '../migration-rules-helpers/alter-table.js';
import { defineMigrationRule, type MigrationContext } from '../migration-types.js';

/** The columns a subcommand makes NOT NULL with a scan: SET NOT NULL, or (PostgreSQL 18) ADD CONSTRAINT … NOT NULL without NOT VALID. */
function madeNotNull(cmd: any): string[] {
  if (cmd.subtype === 'AT_SetNotNull') return [cmd.name];
  const c = cmd.subtype === 'AT_AddConstraint' ? cmd.def?.Constraint : undefined;
  return c?.contype === 'CONSTR_NOTNULL' && !c.skip_validation ? nameList(c.keys) : [];
}

export default defineMigrationRule({
  id: 'adding-not-nullable-field',
  meta: {
    category: 'migrations',
    severity: 'warning',
    description: 'SET NOT NULL on an existing table: every row is read under ACCESS EXCLUSIVE',
    rationale: `\`ALTER TABLE … ALTER COLUMN … SET NOT NULL\` takes an **ACCESS EXCLUSIVE** lock and reads every row to
check that none is NULL before releasing it: every read and write of the table waits for the scan (nothing
is rewritten). PostgreSQL 18's \`ADD CONSTRAINT … NOT NULL col\` without NOT VALID does the same.

**From PostgreSQL 12**, SET NOT NULL skips the scan when a *validated* \`CHECK (col IS NOT NULL)\` already
proves it, and such a CHECK can be built without the long lock:

1. \`ADD CONSTRAINT … CHECK (col IS NOT NULL) NOT VALID\` — ACCESS EXCLUSIVE for a moment, no scan;
2. \`VALIDATE CONSTRAINT\` — scans under SHARE UPDATE EXCLUSIVE, reads and writes go on (in a later
   migration: in the same transaction the lock of step 1 is still held);
3. \`SET NOT NULL\` — finds the CHECK and skips its scan; 4. drop the now redundant CHECK.

(PostgreSQL 18 can also add the NOT NULL constraint itself NOT VALID and VALIDATE it.) Before PostgreSQL 12
nothing avoids the scan: run it when the table can be locked that long, with a lock_timeout.

Not flagged: a table created earlier in the same migration; a column the schema already has NOT NULL; and,
on PostgreSQL 12+, a column with a validated \`CHECK (col IS NOT NULL)\` (alone or ANDed with other
conditions) from an earlier migration or an earlier statement of this one.
[adding-required-field](adding-required-field.md) covers \`ADD COLUMN … NOT NULL\`.`,
    invalid: [
      `CREATE TABLE users (id bigint PRIMARY KEY, email text);
---
ALTER TABLE users ALTER COLUMN email SET NOT NULL; -- flagged`,
      {
        sql: `CREATE TABLE users (id bigint PRIMARY KEY, email text, CONSTRAINT users_email_check CHECK (email IS NOT NULL));
---
ALTER TABLE users ALTER COLUMN email SET NOT NULL; -- flagged`,
        pgVersion: 11,
      },
    ],
    valid: [
      // The CHECK was validated in an earlier migration: SET NOT NULL skips its scan.
      `CREATE TABLE users (id bigint PRIMARY KEY, email text);
ALTER TABLE users ADD CONSTRAINT users_email_check CHECK (email IS NOT NULL) NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT users_email_check;
---
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
ALTER TABLE users DROP CONSTRAINT users_email_check;`,
      `CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);
---
ALTER TABLE users ALTER COLUMN email SET NOT NULL;`,
      // The table is new: nobody waits for the scan.
      `CREATE TABLE users (id bigint PRIMARY KEY, email text);
ALTER TABLE users ALTER COLUMN email SET NOT NULL;`,
    ],
  },
  check(ctx) {
    const alter = alterExistingTable(ctx);
    if (!alter) return;
    const { target } = alter;
    const flagged = alter.commands.flatMap((command) =>
      madeNotNull(command.cmd)
        .filter((column) => !alreadyProven(ctx, target.table, column))
        .map((column) => ({ command, column })),
    );
    if (!flagged.length) return;
    const fix = ctx.pgVersion >= 12 ? throughCheck(ctx, target, flagged) : undefined;
    for (const { command, column } of flagged) {
      const col = quoteIdent(column);
      ctx.report({
        message: `making ${col} NOT NULL reads all of ${target.object} while it is locked against reads and writes`,
        span: command.span,
        object: `${target.object}.${column}`,
        help:
          ctx.pgVersion >= 12
            ? `takes ACCESS EXCLUSIVE on ${target.object} while every row is checked for NULLs: all reads and writes wait. Add CHECK (${col} IS NOT NULL) NOT VALID, VALIDATE it in a later migration (SHARE UPDATE EXCLUSIVE: reads and writes go on), then SET NOT NULL skips its scan; drop the CHECK afterwards.`
            : `takes ACCESS EXCLUSIVE on ${target.object} while every row is checked for NULLs: all reads and writes wait. Before PostgreSQL 12 no constraint spares the scan: run it when the table can be locked that long, with a lock_timeout.`,
        ...(fix && { fix }),
      });
    }
  },
});

/** NOT NULL already holds, or (PostgreSQL 12+) a validated CHECK (col IS NOT NULL) lets PostgreSQL skip the scan. */
function alreadyProven(ctx: MigrationContext<any>, table: Table | undefined, column: string): boolean {
  if (!table) return false;
  if (table.columns.find((c) => c.name === column)?.notNull) return true;
  return ctx.pgVersion >= 12 && table.checks.some((c) => !c.notValid && conjuncts(parseExpression(c.expression)).some((e) => isNotNullTest(e, column)));
}

/** The terms of a top-level AND (NotNullImpliedByRelConstraints proves IS NOT NULL from any of them). */
function conjuncts(node: any): any[] {
  if (node?.BoolExpr?.boolop === 'AND_EXPR') return node.BoolExpr.args.flatMap(conjuncts);
  return node ? [node] : [];
}

const isNotNullTest = (node: any, column: string) =>
  node.NullTest?.nulltesttype === 'IS_NOT_NULL' && node.NullTest.arg?.ColumnRef && nameList(node.NullTest.arg.ColumnRef.fields).pop() === column;

/**
 * The statement without its SET NOT NULL subcommands, followed by the CHECK route for each of
 * their columns; an ADD CONSTRAINT … NOT NULL (PostgreSQL 18) stays, NOT VALID, and is validated.
 */
function throughCheck(ctx: MigrationContext<any>, target: TargetTable, flagged: { command: AlterCommand; column: string }[]) {
  const taken = constraintNamesOf(ctx.database, target.qn.schema);
  const node = structuredClone(ctx.statement.node);
  node.relation.schemaname = target.qn.schema;
  const validate: string[] = [];
  for (const { command, column } of flagged) {
    if (command.cmd.subtype !== 'AT_AddConstraint') continue;
    const c = node.cmds[command.index].AlterTableCmd.def.Constraint;
    c.conname ??= chooseName(target.qn.name, column, 'not_null', (n) => taken.has(n));
    c.skip_validation = true;
    taken.add(c.conname);
    validate.push(`ALTER TABLE ${target.sql} VALIDATE CONSTRAINT ${quoteIdent(c.conname)};`);
  }
  const setNotNull = flagged.filter((f) => f.command.cmd.subtype === 'AT_SetNotNull');
  node.cmds = node.cmds.filter((_: any, i: number) => !setNotNull.some((f) => f.command.index === i));
  const rest = node.cmds.length ? statementSql({ AlterTableStmt: node }) : '';
  if (rest === undefined) return undefined;
  return {
    title: 'prove NOT NULL with a validated constraint first',
    sql: [
      rest,
      ...(validate.length ? ['-- in a later migration (another transaction): the scan then holds only SHARE UPDATE EXCLUSIVE', ...validate] : []),
      ...setNotNull.map(({ column }) => setNotNullSql(target, column, taken)),
    ]
      .filter(Boolean)
      .join('\n'),
  };
}
