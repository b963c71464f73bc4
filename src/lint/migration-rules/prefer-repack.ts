import { qualifiedName } from '../../model/quote-ident.js';
import { defineMigrationRule } from '../migration-types.js';
import { isVacuumFull } from '../statement-locks.js';

export default defineMigrationRule({
  id: 'prefer-repack',
  meta: {
    category: 'migrations',
    severity: 'warning',
    description: 'VACUUM FULL or CLUSTER on existing tables, which rewrite them under ACCESS EXCLUSIVE',
    rationale: `\`VACUUM FULL\` and \`CLUSTER\` rewrite the whole table (and rebuild its indexes) into a new file while
holding an ACCESS EXCLUSIVE lock: every read and write waits for the rewrite, which on a large table
is minutes to hours, and the rewrite needs free disk for a second copy. Without a table name they
rewrite every table of the database (\`VACUUM FULL\`) or every table clustered before (\`CLUSTER\`).

\`pg_repack\` (or \`pg_squeeze\`) does the same online: it builds the new copy while a trigger records
concurrent changes, and takes ACCESS EXCLUSIVE only for a moment at the start and the end
(\`pg_repack --table=… \`, \`--order-by\`/\`--index\` for CLUSTER's order). Plain \`VACUUM\` reclaims space
for reuse without a lock against the application. Tables created earlier in the same migration are
not flagged.`,
    invalid: [
      {
        sql: `CREATE TABLE events (id bigint PRIMARY KEY, at timestamptz);
CREATE INDEX idx_events_at ON events (at);
---
VACUUM (FULL, ANALYZE) events; -- flagged
CLUSTER events USING idx_events_at; -- flagged
VACUUM FULL; -- flagged`,
        transactional: false,
      },
    ],
    valid: [
      { sql: `VACUUM (ANALYZE) events;`, transactional: false },
      `CREATE TABLE events (id bigint PRIMARY KEY, at timestamptz);
CREATE INDEX idx_events_at ON events (at);
CLUSTER events USING idx_events_at;`,
    ],
  },
  check({ statement, qualify, isNew, report }) {
    const n = statement.node;
    let command: string;
    let tables: { schema: string; name: string }[];
    if (statement.type === 'VacuumStmt' && isVacuumFull(n)) {
      command = 'VACUUM FULL';
      tables = (n.rels ?? []).map((r: any) => qualify(r.VacuumRelation.relation));
    } else if (statement.type === 'ClusterStmt') {
      command = 'CLUSTER';
      tables = n.relation ? [qualify(n.relation)] : [];
    } else return;
    const existing = tables.filter((t) => !isNew(t));
    if (tables.length && !existing.length) return;
    const names = existing.map((t) => qualifiedName(t.schema, t.name)).join(', ');
    const what = names || (command === 'CLUSTER' ? 'every table clustered before' : 'every table of the database');
    report({
      message: `${command} rewrites ${what} under an ACCESS EXCLUSIVE lock: reads and writes wait for the whole rewrite`,
      object: existing[0] ? `${existing[0].schema}.${existing[0].name}` : what,
      ...(existing[0] && { table: `${existing[0].schema}.${existing[0].name}` }),
      help: `ACCESS EXCLUSIVE blocks every read and write until the copy is written and the indexes rebuilt. Run pg_repack (or pg_squeeze) instead: it rewrites online and locks only briefly${command === 'CLUSTER' ? ' (pg_repack --order-by or --index keeps the clustering order)' : ''}; plain VACUUM frees space for reuse without blocking.`,
    });
  },
});
