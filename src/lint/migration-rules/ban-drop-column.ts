import { quoteIdent } from '../../model/quote-ident.js';
import { alterExistingTable, columnAddedInThisFile } from '../migration-rules-helpers/alter-table.js';
import { defineMigrationRule } from '../migration-types.js';

export default defineMigrationRule({
  id: 'ban-drop-column',
  meta: {
    category: 'migrations',
    severity: 'warning',
    description: 'DROP COLUMN on an existing table: its data is lost and code still using it breaks',
    rationale: `\`ALTER TABLE … DROP COLUMN\` takes an **ACCESS EXCLUSIVE** lock only for a moment: PostgreSQL marks the column
dropped in the catalog and rewrites nothing (the space is reclaimed as rows are updated, or by a rewrite
such as VACUUM FULL). But the data is gone at commit — restoring it means restoring a backup — and the
indexes, constraints and (with CASCADE) views that use the column go with it. Every query of the running
release that still names the column fails, and so do \`SELECT *\` readers that map columns by position.

The safe way: first ship a release that no longer reads or writes the column (ORMs: mark it ignored), then
drop it in a later migration. A column of a table created earlier in the same migration, or added earlier
in the same migration, is not flagged.`,
    invalid: [
      `CREATE TABLE users (id bigint PRIMARY KEY, legacy_flag boolean);
---
ALTER TABLE users DROP COLUMN legacy_flag; -- flagged`,
    ],
    valid: [
      `CREATE TABLE users (id bigint PRIMARY KEY, legacy_flag boolean);
ALTER TABLE users DROP COLUMN legacy_flag;`,
      `CREATE TABLE users (id bigint PRIMARY KEY);
---
ALTER TABLE users ADD COLUMN scratch text;
ALTER TABLE users DROP COLUMN scratch;`,
    ],
  },
  check(ctx) {
    const alter = alterExistingTable(ctx);
    if (!alter) return;
    const { target } = alter;
    for (const { cmd, span } of alter.commands) {
      if (cmd.subtype !== 'AT_DropColumn' || columnAddedInThisFile(ctx, target.qn, cmd.name)) continue;
      // DROP COLUMN IF EXISTS of a column the table does not have drops nothing.
      if (cmd.missing_ok && target.table && !target.table.columns.some((c) => c.name === cmd.name)) continue;
      ctx.report({
        message: `dropping ${quoteIdent(cmd.name)} of ${target.object} loses its data, and the running release fails wherever it still uses it`,
        span,
        object: `${target.object}.${cmd.name}`,
        help: `a moment's ACCESS EXCLUSIVE lock (no rewrite), but the data, and the indexes and constraints on the column, are gone at commit. Ship a release that no longer uses ${quoteIdent(cmd.name)} first, then drop it in a later migration.`,
      });
    }
  },
});
