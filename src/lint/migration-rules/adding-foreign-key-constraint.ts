import { quoteIdent } from '../../model/quote-ident.js';
import { alterExistingTable, notValidRewrite, refusesNotValid } from '../migration-rules-helpers/alter-table.js';
import { defineMigrationRule } from '../migration-types.js';

/** The foreign keys a subcommand adds and validates at once: ADD CONSTRAINT without NOT VALID, or a column's REFERENCES. */
function validatedForeignKeys(cmd: any): any[] {
  if (cmd.subtype === 'AT_AddConstraint') {
    const c = cmd.def?.Constraint;
    return c?.contype === 'CONSTR_FOREIGN' && !c.skip_validation ? [c] : [];
  }
  if (cmd.subtype === 'AT_AddColumn') {
    return (cmd.def?.ColumnDef?.constraints ?? []).map((w: any) => w.Constraint).filter((c: any) => c.contype === 'CONSTR_FOREIGN');
  }
  return [];
}

export default defineMigrationRule({
  id: 'adding-foreign-key-constraint',
  meta: {
    category: 'migrations',
    severity: 'warning',
    description: 'A foreign key added to an existing table and validated at once: writes to both tables wait',
    rationale: `Adding a foreign key (\`ADD CONSTRAINT … FOREIGN KEY\`, or \`ADD COLUMN … REFERENCES\`) takes a
**SHARE ROW EXCLUSIVE** lock on the table *and on the table it references* (PostgreSQL adds triggers to
both), then checks every existing row before the statement ends. Reads go on, but INSERT, UPDATE and
DELETE on both tables wait for the whole scan — the referenced table is often a busy one (\`users\`,
\`accounts\`) that the migration did not otherwise touch. Nothing is rewritten.

The safe way is \`NOT VALID\`: the constraint is added with the same locks held only for the catalog
change (new rows are checked from then on), and \`VALIDATE CONSTRAINT\` in a later migration checks the
old rows under SHARE UPDATE EXCLUSIVE on the table and ROW SHARE on the referenced one, which let writes
go on. A column constraint cannot be NOT VALID: add the column, then the constraint. Before
PostgreSQL 18 a foreign key on a partitioned table cannot be NOT VALID.

As in squawk, a foreign key added NOT VALID is not flagged, nor is one on a table created earlier in the
same migration (nobody else can see it yet). [constraint-missing-not-valid](constraint-missing-not-valid.md)
reports ADD CONSTRAINT … FOREIGN KEY without NOT VALID too, as a missing NOT VALID; this rule also covers
\`ADD COLUMN … REFERENCES\` and is about the lock on the referenced table.`,
    invalid: [
      `CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE emails (id bigint PRIMARY KEY, user_id bigint);
---
ALTER TABLE emails ADD CONSTRAINT emails_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id); -- flagged`,
      `CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE emails (id bigint PRIMARY KEY);
---
ALTER TABLE emails ADD COLUMN user_id bigint REFERENCES users (id); -- flagged`,
    ],
    valid: [
      `CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE emails (id bigint PRIMARY KEY, user_id bigint);
---
ALTER TABLE emails ADD CONSTRAINT emails_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;`,
      `ALTER TABLE emails VALIDATE CONSTRAINT emails_user_id_fkey;`,
      // Both tables are new (squawk issues #349, #220): nobody else can be writing to them.
      `CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE emails (id bigint PRIMARY KEY);
ALTER TABLE emails ADD COLUMN user_id bigint REFERENCES users (id);
ALTER TABLE emails ADD FOREIGN KEY (user_id) REFERENCES users (id);`,
    ],
  },
  check(ctx) {
    const alter = alterExistingTable(ctx);
    if (!alter) return;
    const flagged = alter.commands.filter(({ cmd }) => validatedForeignKeys(cmd).length > 0);
    if (!flagged.length) return;
    const { target } = alter;
    const { names, fix } = notValidRewrite(ctx, target, alter.commands, (cmd) => validatedForeignKeys(cmd).length > 0);
    for (const { cmd, span } of flagged) {
      for (const c of validatedForeignKeys(cmd)) {
        const referenced = ctx.qualify(c.pktable);
        const ref = `${referenced.schema}.${referenced.name}`;
        const safeWay = refusesNotValid(ctx, target)
          ? 'Before PostgreSQL 18 a foreign key on a partitioned table cannot be NOT VALID: run this when writes can wait, with a lock_timeout.'
          : 'Add the foreign key NOT VALID (a moment\'s lock), then VALIDATE CONSTRAINT in a later migration (SHARE UPDATE EXCLUSIVE and ROW SHARE: writes go on).';
        const column = cmd.subtype === 'AT_AddColumn' ? ` on new column ${quoteIdent(cmd.def.ColumnDef.colname)}` : '';
        ctx.report({
          message: `adding foreign key ${quoteIdent(names.get(c)!)}${column} blocks writes to ${target.object} and to ${ref} while every row is checked`,
          span: cmd.subtype === 'AT_AddColumn' ? ctx.statement.locate(c.location) : span,
          object: target.object,
          help: `takes SHARE ROW EXCLUSIVE on both ${target.object} and ${ref} for the validation scan: INSERT, UPDATE and DELETE on both wait. ${safeWay}`,
          ...(fix && { fix }),
        });
      }
    }
  },
});
