import { quoteIdent } from '../../model/quote-ident.js';
import { columnAddedInThisFile, existingTable } from '../migration-rules-helpers/alter-table.js';
import { defineMigrationRule } from '../migration-types.js';

// Relations whose columns queries name: renaming one of those columns breaks them alike.
const RELATIONS = new Set(['OBJECT_TABLE', 'OBJECT_VIEW', 'OBJECT_MATVIEW', 'OBJECT_FOREIGN_TABLE']);

export default defineMigrationRule({
  id: 'renaming-column',
  meta: {
    category: 'migrations',
    severity: 'warning',
    description: 'RENAME COLUMN on an existing table: code still using the old name breaks at once',
    rationale: `\`ALTER TABLE … RENAME COLUMN\` is a catalog change: it takes an **ACCESS EXCLUSIVE** lock only for a moment
and rewrites nothing. The danger is what it does to the application: the old name is gone the instant the
migration commits, while the release that still uses it is running — during a rolling deploy, or until the
new release is out everywhere, every query naming the old column fails. Views follow the rename (they
refer to columns by number); function bodies kept as text (PL/pgSQL, SQL functions without BEGIN ATOMIC)
do not, and fail too.

The safe way is expand/contract: add a column with the new name, write both (in the application or with
a trigger) while backfilling the new one, switch reads to it, and drop the old column in a later release.
A column of a table created earlier in the same migration, or added to it earlier in the same migration,
is not flagged: no released code uses it yet.`,
    invalid: [
      `CREATE TABLE users (id bigint PRIMARY KEY, mail text);
---
ALTER TABLE users RENAME COLUMN mail TO email; -- flagged`,
    ],
    valid: [
      `CREATE TABLE users (id bigint PRIMARY KEY, mail text);
ALTER TABLE users RENAME COLUMN mail TO email;`,
      `CREATE TABLE users (id bigint PRIMARY KEY);
---
ALTER TABLE users ADD COLUMN mail text;
ALTER TABLE users RENAME COLUMN mail TO email;`,
    ],
  },
  check(ctx) {
    const { statement } = ctx;
    if (statement.type !== 'RenameStmt' || statement.node.renameType !== 'OBJECT_COLUMN' || !RELATIONS.has(statement.node.relationType)) return;
    const target = existingTable(ctx, statement.node.relation);
    const { subname, newname } = statement.node;
    if (!target || columnAddedInThisFile(ctx, target.qn, subname)) return;
    ctx.report({
      message: `renaming ${quoteIdent(subname)} of ${target.object} to ${quoteIdent(newname)} breaks every query of the running release that still names ${quoteIdent(subname)}`,
      object: `${target.object}.${subname}`,
      help: `a moment's ACCESS EXCLUSIVE lock, but the old name is gone at commit. Expand/contract instead: add ${quoteIdent(newname)}, write both and backfill, switch reads, then drop ${quoteIdent(subname)} in a later release.`,
    });
  },
});
