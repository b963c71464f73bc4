import { tablesOf } from '../model-walk.js';
import { defineRule } from '../types.js';

export default defineRule({
  id: 'seq-scan-heavy-table',
  meta: {
    category: 'indexes',
    severity: 'warning',
    live: true,
    description: 'Large tables read mostly by sequential scans.',
    rationale: `A sequential scan reads every page of the table: fine for a small table or a report, but on a
large table queried often it means a missing index, CPU and I/O that grow with the table, and evicted cache.
The rule looks at \`pg_stat_user_tables\`: many sequential scans, each reading many rows on average, and
more sequential than index scans. Find the queries with pg_stat_statements and let \`schemawise advise\`
propose the index.`,
    options: { minSeqScans: 1000, minRowsPerScan: 10000 },
    optionDocs: {
      minSeqScans: 'sequential scans since the statistics began',
      minRowsPerScan: 'average rows read per sequential scan (seq_tup_read / seq_scan)',
    },
    invalid: [
      `CREATE TABLE events (id bigint PRIMARY KEY, account_id bigint NOT NULL, payload jsonb); -- flagged
-- 1M rows; SELECT * FROM events WHERE account_id = $1 runs thousands of times: each one a Seq Scan`,
    ],
    valid: [
      `CREATE TABLE events (id bigint PRIMARY KEY, account_id bigint NOT NULL, payload jsonb);
CREATE INDEX idx_events_account_id ON events (account_id);`,
    ],
  },
  check({ database, live, options, report }) {
    for (const t of tablesOf(database, { partitions: true })) {
      const a = live!.tables[t.name];
      if (!a || a.seqScan < options.minSeqScans) continue;
      const perScan = a.seqTupRead / a.seqScan;
      if (perScan < options.minRowsPerScan || a.seqScan <= (a.idxScan ?? 0)) continue;
      report({
        message: `Table ${t.name} had ${a.seqScan.toLocaleString('en-US')} sequential scans reading ${Math.round(perScan).toLocaleString('en-US')} rows each on average (${(a.idxScan ?? 0).toLocaleString('en-US')} index scans)`,
        object: t.name,
        table: t.name,
        help: 'Find the queries (pg_stat_statements, ordered by total time) that filter this table, and index their predicates: `schemawise advise --db <url> --from-pg-stat-statements` proposes and verifies indexes.',
      });
    }
  },
});
