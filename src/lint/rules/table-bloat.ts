import { tablesOf } from '../model-walk.js';
import { defineRule } from '../types.js';

export default defineRule({
  id: 'table-bloat',
  meta: {
    category: 'operations',
    severity: 'warning',
    live: true,
    description: 'Tables with a high share of dead rows.',
    rationale: `An UPDATE or DELETE leaves the old row version behind until vacuum removes it. When dead rows pile
up (autovacuum too slow for the write rate, disabled, or blocked by a long transaction or an old
replication slot) every scan reads them, indexes grow, and the space is only reused, never returned. A plain
\`VACUUM\` (SHARE UPDATE EXCLUSIVE: reads and writes go on) removes them; returning space to the OS needs a
rewrite (VACUUM FULL locks the table; pg_repack does it online). Tune the table's autovacuum so it keeps up.`,
    options: { maxDeadFraction: 0.2, minDeadRows: 10000 },
    optionDocs: {
      maxDeadFraction: 'dead rows / (live + dead) above which the table is reported',
      minDeadRows: 'ignore tables with fewer dead rows',
    },
    invalid: [
      `CREATE TABLE sessions (id bigint PRIMARY KEY, seen_at timestamptz) WITH (autovacuum_enabled = false); -- flagged
-- 100k rows, then UPDATE sessions SET seen_at = now(): 100k dead row versions`,
    ],
    valid: [
      `CREATE TABLE sessions (id bigint PRIMARY KEY, seen_at timestamptz);
-- the same updates, with autovacuum keeping up (or a VACUUM after the batch)`,
    ],
  },
  check({ database, live, options, report }) {
    for (const t of tablesOf(database, { partitions: true })) {
      const a = live!.tables[t.name];
      if (!a || a.deadRows === 0 || a.deadRows < options.minDeadRows) continue;
      const fraction = a.deadRows / (a.liveRows + a.deadRows);
      if (fraction < options.maxDeadFraction) continue;
      report({
        message: `Table ${t.name} is ${(fraction * 100).toFixed(0)}% dead rows (${a.deadRows.toLocaleString('en-US')} dead, ${a.liveRows.toLocaleString('en-US')} live; last vacuum ${a.lastVacuum ?? 'never'})`,
        object: t.name,
        table: t.name,
        help: 'Vacuum it now, then make autovacuum keep up: a lower autovacuum_vacuum_scale_factor for this table, and no long-running or idle-in-transaction sessions holding old snapshots.',
        fix: {
          title: `Vacuum ${t.name}`,
          sql: `-- SHARE UPDATE EXCLUSIVE: reads and writes continue; VACUUM cannot run inside a transaction block\nVACUUM (ANALYZE) ${t.sql};\nALTER TABLE ${t.sql} SET (autovacuum_vacuum_scale_factor = 0.05);`,
        },
      });
    }
  },
});
