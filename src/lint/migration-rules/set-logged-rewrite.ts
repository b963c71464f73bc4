import { qualifiedName } from '../../model/quote-ident.js';
import { defineMigrationRule } from '../migration-types.js';

export default defineMigrationRule({
  id: 'set-logged-rewrite',
  meta: {
    category: 'migrations',
    severity: 'warning',
    description: 'ALTER TABLE … SET LOGGED / SET UNLOGGED on an existing table, which rewrites it',
    rationale: `\`ALTER TABLE … SET LOGGED\` and \`SET UNLOGGED\` rewrite the whole table (and its indexes) under an
ACCESS EXCLUSIVE lock: every read and write waits for the rewrite. \`SET LOGGED\` also writes the
whole table to the WAL, which every replica then replays (and which backups and archiving store);
\`SET UNLOGGED\` makes the table vanish from replicas and be emptied after a crash.

For a large table, schedule it in a maintenance window, or build a new table with the wanted
persistence, copy the rows in batches and swap the names. On a table created earlier in the same
migration the rewrite is of an empty table and is not flagged — better still, create it
\`UNLOGGED\` (or not) in the first place.`,
    invalid: [
      `CREATE UNLOGGED TABLE import_rows (id bigint PRIMARY KEY, payload jsonb);
---
ALTER TABLE import_rows SET LOGGED; -- flagged`,
      `CREATE TABLE page_views (id bigint PRIMARY KEY, url text);
---
ALTER TABLE page_views SET UNLOGGED; -- flagged`,
    ],
    valid: [
      `CREATE UNLOGGED TABLE import_rows (id bigint PRIMARY KEY, payload jsonb);
ALTER TABLE import_rows SET LOGGED;`,
      `CREATE TABLE page_views (id bigint PRIMARY KEY, url text);
---
ALTER TABLE page_views SET (fillfactor = 90);`,
    ],
  },
  check({ statement, qualify, isNew, report }) {
    if (statement.type !== 'AlterTableStmt') return;
    const cmd = (statement.node.cmds ?? []).map((c: any) => c.AlterTableCmd).find((c: any) => c?.subtype === 'AT_SetLogged' || c?.subtype === 'AT_SetUnLogged');
    if (!cmd) return;
    const table = qualify(statement.node.relation);
    if (isNew(table)) return;
    const logged = cmd.subtype === 'AT_SetLogged';
    const name = qualifiedName(table.schema, table.name);
    report({
      message: `SET ${logged ? 'LOGGED' : 'UNLOGGED'} rewrites ${name} and its indexes under an ACCESS EXCLUSIVE lock`,
      object: `${table.schema}.${table.name}`,
      table: `${table.schema}.${table.name}`,
      help: `ACCESS EXCLUSIVE blocks every read and write for the whole rewrite${logged ? ', and the whole table goes through the WAL to every replica' : '; afterwards the table is not replicated and is emptied after a crash'}. Do it in a maintenance window, or copy into a new ${logged ? 'logged' : 'unlogged'} table in batches and swap names.`,
    });
  },
});
