import { qualifiedName } from '../../model/quote-ident.js';
import { statsAgeDays } from '../live-helpers.js';
import { tablesOf } from '../model-walk.js';
import { defineRule } from '../types.js';

export default defineRule({
  id: 'unused-index',
  meta: {
    category: 'indexes',
    severity: 'warning',
    live: true,
    description: 'Indexes that no query has used since statistics began.',
    rationale: `Every index is written on every INSERT, on every UPDATE that is not HOT (any update of an indexed
column, and an index on a column stops HOT for all updates of that column), and vacuumed; it takes
shared_buffers and disk. An index with \`idx_scan = 0\` over a long enough window costs all that for
nothing. Unique and primary-key indexes enforce constraints and are never reported. The counters are per
server: a replica's reads are not counted on the primary, so check every replica before dropping.`,
    options: { minStatsDays: 7, minTableRows: 1000 },
    optionDocs: {
      minStatsDays: 'statistics must cover at least this many days (since the last reset or restart)',
      minTableRows: 'ignore indexes of tables with fewer rows (the planner rightly seq-scans small tables)',
    },
    invalid: [
      `CREATE TABLE orders (id bigint PRIMARY KEY, note text);
CREATE INDEX idx_orders_note ON orders (note); -- flagged
-- weeks of traffic later, pg_stat_user_indexes.idx_scan for idx_orders_note is still 0`,
    ],
    valid: [
      `CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL);
CREATE INDEX idx_orders_customer_id ON orders (customer_id);
-- SELECT ... WHERE customer_id = $1 runs all day: idx_scan grows`,
    ],
  },
  check({ database, live, options, report }) {
    const days = statsAgeDays(live!);
    if (days < options.minStatsDays) return;
    for (const t of tablesOf(database)) {
      if ((t.table.stats?.rows ?? 0) < options.minTableRows) continue;
      for (const ix of t.table.indexes) {
        if (ix.unique || ix.stats?.scans !== 0) continue;
        // An invalid index is never scanned: invalid-index reports it, with the fix.
        if (live!.invalidIndexes.some((x) => x.schema === t.schema.name && x.name === ix.name)) continue;
        const size = ix.stats.bytes ? ` (${(ix.stats.bytes / 1048576).toFixed(1)} MB)` : '';
        report({
          message: `Index ${ix.name}${size} on ${t.name} has not been scanned in ${Number.isFinite(days) ? `${Math.floor(days)} days` : 'the statistics window'}`,
          object: `${t.schema.name}.${ix.name}`,
          table: t.name,
          help: `It costs a write on every insert and non-HOT update, and vacuum work. ${live!.isReplica ? 'This is a replica: the primary and other replicas may use it. ' : 'Check that replicas do not use it either, then drop it. '}Keep its definition to recreate it if a rare job needs it.`,
          fix: { title: `Drop ${ix.name}`, sql: `DROP INDEX CONCURRENTLY ${qualifiedName(t.schema.name, ix.name)};` },
        });
      }
    }
  },
});
