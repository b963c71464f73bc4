import { qualifiedName, quoteIdent } from '../../model/quote-ident.js';
import { existingTable } from '../migration-rules-helpers/alter-table.js';
import { defineMigrationRule } from '../migration-types.js';

export default defineMigrationRule({
  id: 'renaming-table',
  meta: {
    category: 'migrations',
    severity: 'warning',
    description: 'RENAME an existing table: code still using the old name breaks at once',
    rationale: `\`ALTER TABLE … RENAME TO\` is a catalog change: it takes an **ACCESS EXCLUSIVE** lock only for a moment and
rewrites nothing. The danger is what it does to the application: the old name is gone the instant the
migration commits, while the release that still uses it is running, and every query naming it fails until
the new release is out everywhere.

The safe way keeps the old name alive: in the same migration, create a view under the old name
(\`CREATE VIEW old AS SELECT * FROM new\`). A view over one table with no joins or aggregates is
automatically updatable, so the old release keeps reading *and writing* through it; drop the view once no
code uses the old name. (The view's column list is fixed when it is created, and it needs the old table's
GRANTs.) Such a rename followed by the view is not flagged, nor is a rename of a table created earlier in the
same migration.`,
    invalid: [
      `CREATE TABLE customer (id bigint PRIMARY KEY);
---
ALTER TABLE customer RENAME TO customers; -- flagged`,
    ],
    valid: [
      `CREATE TABLE customer (id bigint PRIMARY KEY);
---
ALTER TABLE customer RENAME TO customers;
CREATE VIEW customer AS SELECT * FROM customers;`,
      // The table is new: no running code knows its name.
      `CREATE TABLE customer (id bigint PRIMARY KEY);
ALTER TABLE customer RENAME TO customers;`,
    ],
  },
  check(ctx) {
    const { statement } = ctx;
    if (statement.type !== 'RenameStmt' || statement.node.renameType !== 'OBJECT_TABLE') return;
    const target = existingTable(ctx, statement.node.relation);
    if (!target) return;
    const renamed = qualifiedName(target.qn.schema, statement.node.newname);
    // A view under the old name later in the migration keeps the old release working.
    const keptAlive = ctx.statements.slice(ctx.index + 1).some((st) => {
      if (st.type !== 'ViewStmt') return false;
      const view = st.node.view;
      return view.relname === target.qn.name && (view.schemaname ?? target.qn.schema) === target.qn.schema;
    });
    if (keptAlive) return;
    ctx.report({
      message: `renaming ${target.object} to ${quoteIdent(statement.node.newname)} breaks every query of the running release that still names ${target.object}`,
      object: target.object,
      help: `a moment's ACCESS EXCLUSIVE lock, but the old name is gone at commit. Create a view under the old name in the same migration (automatically updatable over one table), and drop it once no code uses the old name.`,
      fix: {
        title: 'rename, and keep the old name as an updatable view',
        sql: [
          `ALTER TABLE ${target.sql} RENAME TO ${quoteIdent(statement.node.newname)};`,
          `CREATE VIEW ${target.sql} AS SELECT * FROM ${renamed};`,
          `-- in a later migration, once no code uses the old name: DROP VIEW ${target.sql};`,
        ].join('\n'),
      },
    });
  },
});
