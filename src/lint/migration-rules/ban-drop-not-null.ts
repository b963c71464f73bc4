import { quoteIdent } from '../../model/quote-ident.js';
import { alterExistingTable, columnAddedInThisFile } from '../migration-rules-helpers/alter-table.js';
import { defineMigrationRule } from '../migration-types.js';

export default defineMigrationRule({
  id: 'ban-drop-not-null',
  meta: {
    category: 'migrations',
    severity: 'warning',
    description: 'DROP NOT NULL on an existing column: readers that rely on it may break',
    rationale: `\`ALTER TABLE … ALTER COLUMN … DROP NOT NULL\` is cheap for the database — a moment's **ACCESS EXCLUSIVE** lock, no
scan, no rewrite — but it is a backward-incompatible change of the data's contract: code of the running
release (and reports, exports, other services reading the table) was written for a column that is never
NULL, and will meet NULLs as soon as something writes one: null pointer errors, \`WHERE col <> 'x'\` silently
skipping rows, \`NOT IN\` subqueries returning nothing, unique constraints admitting duplicates through NULL.

The safe way: first ship readers that handle NULL, then drop the constraint. A column of a table created
earlier in the same migration, or added earlier in the same migration, is not flagged; neither is a column
the schema already has nullable.`,
    invalid: [
      `CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);
---
ALTER TABLE users ALTER COLUMN email DROP NOT NULL; -- flagged`,
    ],
    valid: [
      `CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);
ALTER TABLE users ALTER COLUMN email DROP NOT NULL;`,
      `CREATE TABLE users (id bigint PRIMARY KEY, email text);
---
ALTER TABLE users ALTER COLUMN email DROP NOT NULL;`,
    ],
  },
  check(ctx) {
    const alter = alterExistingTable(ctx);
    if (!alter) return;
    const { target } = alter;
    for (const { cmd, span } of alter.commands) {
      if (cmd.subtype !== 'AT_DropNotNull' || columnAddedInThisFile(ctx, target.qn, cmd.name)) continue;
      // Already nullable: the statement changes nothing.
      if (target.table?.columns.some((c) => c.name === cmd.name && !c.notNull)) continue;
      ctx.report({
        message: `dropping NOT NULL from ${quoteIdent(cmd.name)} of ${target.object} lets NULLs reach readers written for a column that never held one`,
        span,
        object: `${target.object}.${cmd.name}`,
        help: `a moment's ACCESS EXCLUSIVE lock and no scan, but a change of contract: code of the running release may not handle NULL. Ship readers that handle NULL first, then drop the constraint.`,
      });
    }
  },
});
