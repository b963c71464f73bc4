import { quoteIdent } from '../../model/quote-ident.js';
import { alterExistingTable, notValidRewrite, refusesNotValid } from '../migration-rules-helpers/alter-table.js';
import { defineMigrationRule } from '../migration-types.js';

/** ADD CONSTRAINT of a CHECK or FOREIGN KEY that PostgreSQL validates as it adds it. */
const validatedNow = (cmd: any) => {
  const c = cmd.subtype === 'AT_AddConstraint' ? cmd.def?.Constraint : undefined;
  return (c?.contype === 'CONSTR_CHECK' || c?.contype === 'CONSTR_FOREIGN') && !c.skip_validation;
};

export default defineMigrationRule({
  id: 'constraint-missing-not-valid',
  meta: {
    category: 'migrations',
    severity: 'warning',
    description: 'ADD CONSTRAINT CHECK or FOREIGN KEY on an existing table without NOT VALID',
    rationale: `Adding a CHECK or FOREIGN KEY constraint makes PostgreSQL check every existing row before the
statement ends, and the lock it took is held for the whole scan:

- \`ADD CONSTRAINT … CHECK\` takes **ACCESS EXCLUSIVE** on the table: every read and write of it waits.
- \`ADD … FOREIGN KEY\` takes **SHARE ROW EXCLUSIVE** on the table *and* on the referenced table:
  INSERT, UPDATE and DELETE on both wait (reads go on).

Nothing is rewritten, but the scan lasts as long as reading the table does. With \`NOT VALID\` the same
lock is held only for the catalog change: existing rows are not checked, new and updated rows are.
\`ALTER TABLE … VALIDATE CONSTRAINT\` then checks the old rows under **SHARE UPDATE EXCLUSIVE** (plus ROW
SHARE on the referenced table for a foreign key), which lets reads and writes go on.

Run VALIDATE in a later migration, or at least after a COMMIT: in the same transaction the lock of the
ADD is still held while VALIDATE scans, which gains nothing. A foreign key on a partitioned table can be
NOT VALID only from PostgreSQL 18. Constraints added to a table created earlier in the same migration are
not flagged (nobody else can see it yet), nor are VALIDATE CONSTRAINT statements.
[adding-foreign-key-constraint](adding-foreign-key-constraint.md) reports the foreign key case too, for
its lock on the referenced table; disable one of the two if you want a single finding.`,
    invalid: [
      `CREATE TABLE accounts (id bigint PRIMARY KEY, balance numeric NOT NULL);
---
ALTER TABLE accounts ADD CONSTRAINT accounts_balance_check CHECK (balance >= 0); -- flagged`,
      `CREATE TABLE customers (id bigint PRIMARY KEY);
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, total numeric, quantity int);
---
ALTER TABLE orders ADD FOREIGN KEY (customer_id) REFERENCES customers (id); -- flagged`,
      `CREATE TABLE orders (id bigint PRIMARY KEY, total numeric, quantity int);
---
ALTER TABLE orders
  ADD CONSTRAINT orders_total_check CHECK (total >= 0), -- flagged
  ADD CONSTRAINT orders_quantity_check CHECK (quantity > 0) NOT VALID;`,
    ],
    valid: [
      `CREATE TABLE accounts (id bigint PRIMARY KEY, balance numeric NOT NULL);
---
ALTER TABLE accounts ADD CONSTRAINT accounts_balance_check CHECK (balance >= 0) NOT VALID;`,
      `ALTER TABLE accounts VALIDATE CONSTRAINT accounts_balance_check;`,
      // The table is new: nobody else can be reading or writing it.
      `CREATE TABLE customers (id bigint PRIMARY KEY);
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, total numeric);
ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);
ALTER TABLE orders ADD FOREIGN KEY (customer_id) REFERENCES customers (id);`,
      `ALTER TABLE orders ADD CONSTRAINT orders_reference_key UNIQUE (reference);`,
    ],
  },
  check(ctx) {
    const alter = alterExistingTable(ctx);
    if (!alter) return;
    const flagged = alter.commands.filter(({ cmd }) => validatedNow(cmd));
    if (!flagged.length) return;
    const { target } = alter;
    const { names, fix } = notValidRewrite(ctx, target, alter.commands, validatedNow);
    for (const { cmd, span } of flagged) {
      const c = cmd.def.Constraint;
      const name = quoteIdent(names.get(c)!);
      if (c.contype === 'CONSTR_CHECK') {
        ctx.report({
          message: `CHECK ${name} is checked against every existing row of ${target.object} while the table is locked against reads and writes`,
          span,
          object: target.object,
          help: `ADD CONSTRAINT … CHECK takes ACCESS EXCLUSIVE on ${target.object} and holds it while every row is read: all reads and writes wait. Add it NOT VALID, then VALIDATE CONSTRAINT in a later migration (SHARE UPDATE EXCLUSIVE: reads and writes go on; in the same transaction the first lock is still held).`,
          ...(fix && { fix }),
        });
      } else {
        const referenced = ctx.qualify(c.pktable);
        const safeWay = refusesNotValid(ctx, target)
          ? 'Before PostgreSQL 18 a foreign key on a partitioned table cannot be NOT VALID: run this when writes can wait, with a lock_timeout.'
          : 'Add it NOT VALID, then VALIDATE CONSTRAINT in a later migration (SHARE UPDATE EXCLUSIVE, ROW SHARE on the referenced table: writes go on).';
        ctx.report({
          message: `foreign key ${name} is checked against every existing row of ${target.object} as it is added (no NOT VALID)`,
          span,
          object: target.object,
          help: `ADD FOREIGN KEY takes SHARE ROW EXCLUSIVE on ${target.object} and ${referenced.schema}.${referenced.name} and holds it while every row is checked: writes to both wait. ${safeWay}`,
          ...(fix && { fix }),
        });
      }
    }
  },
});
