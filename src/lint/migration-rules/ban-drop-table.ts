import { nameList } from '../../parse/name-list.js';
import { existingTable } from '../migration-rules-helpers/alter-table.js';
import { defineMigrationRule } from '../migration-types.js';

export default defineMigrationRule({
  id: 'ban-drop-table',
  meta: {
    category: 'migrations',
    severity: 'warning',
    description: 'DROP TABLE of an existing table: its data is lost and code still using it breaks',
    rationale: `\`DROP TABLE\` takes an **ACCESS EXCLUSIVE** lock on the table (and on tables whose foreign keys reference it,
to drop those constraints with CASCADE), waiting behind every running query on it and blocking every new
one meanwhile. At commit the data is gone — restoring it means restoring a backup — and every query of the
running release that still uses the table fails.

The safe way: first ship a release that no longer uses the table, keep the data (rename it, or dump it) for
a while, then drop it in a later migration. Each table of a \`DROP TABLE a, b\` is reported; a table created
earlier in the same migration is not.`,
    invalid: [
      `CREATE TABLE sessions (id bigint PRIMARY KEY);
---
DROP TABLE sessions; -- flagged`,
      `CREATE SCHEMA audit;
CREATE TABLE audit.events (id bigint PRIMARY KEY);
CREATE TABLE audit.events_archive (id bigint PRIMARY KEY);
---
DROP TABLE IF EXISTS audit.events, audit.events_archive; -- flagged`,
    ],
    valid: [
      `CREATE TABLE scratch (id bigint PRIMARY KEY);
DROP TABLE scratch;`,
    ],
  },
  check(ctx) {
    const { statement } = ctx;
    if (statement.type !== 'DropStmt' || statement.node.removeType !== 'OBJECT_TABLE') return;
    for (const object of statement.node.objects ?? []) {
      const names = nameList(object.List?.items);
      const relname = names[names.length - 1];
      const target = existingTable(ctx, names.length > 1 ? { schemaname: names[names.length - 2], relname } : { relname });
      if (!target) continue;
      ctx.report({
        message: `dropping ${target.object} loses its data, and the running release fails wherever it still uses it`,
        object: target.object,
        help: `takes ACCESS EXCLUSIVE on ${target.object} (waiting behind, then blocking, every query on it); the data is gone at commit. Ship a release that no longer uses the table first, keep the data a while (rename it), then drop it in a later migration.`,
      });
    }
  },
});
