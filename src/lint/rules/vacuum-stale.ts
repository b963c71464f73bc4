import { tablesOf } from '../model-walk.js';
import { defineRule } from '../types.js';

export default defineRule({
  id: 'vacuum-stale',
  meta: {
    category: 'operations',
    severity: 'warning',
    live: true,
    description: 'Tables never analyzed, analyzed long before most of their rows changed, or close to transaction ID wraparound.',
    rationale: `The planner's row estimates come from ANALYZE: a table never analyzed, or changed a lot since, gets
plans for a table that no longer exists (nested loops over "1 row" that is a million). Separately, every
table must be frozen before its oldest transaction ID is 2^31 transactions old: autovacuum forces an
aggressive, unskippable vacuum at \`autovacuum_freeze_max_age\` (200M by default), and PostgreSQL stops
accepting writes near 2 billion. A table whose \`age(relfrozenxid)\` is past half the limit needs a
\`VACUUM (FREEZE)\` at a quiet time, and whatever blocks autovacuum found.`,
    options: { minRows: 1000, maxChangedFraction: 0.5, maxXidAgeFraction: 0.5 },
    optionDocs: {
      minRows: 'ignore tables with fewer live rows',
      maxChangedFraction: 'rows changed since the last ANALYZE, as a fraction of live rows',
      maxXidAgeFraction: 'age(relfrozenxid) as a fraction of autovacuum_freeze_max_age',
    },
    invalid: [
      `CREATE TABLE imports (id bigint PRIMARY KEY, row jsonb) WITH (autovacuum_enabled = false); -- flagged
-- 50k rows loaded, never analyzed`,
    ],
    valid: [
      `CREATE TABLE imports (id bigint PRIMARY KEY, row jsonb);
-- 50k rows loaded, then ANALYZE imports;`,
    ],
  },
  check({ database, live, options, report }) {
    const freezeMax = Number(live!.settings.autovacuum_freeze_max_age?.value ?? 200_000_000);
    for (const t of tablesOf(database, { partitions: true })) {
      const a = live!.tables[t.name];
      if (!a) continue;
      const reasons: string[] = [];
      if (a.liveRows >= options.minRows && !a.lastAnalyze) reasons.push(`never analyzed, with ${a.liveRows.toLocaleString('en-US')} rows`);
      else if (a.liveRows >= options.minRows && a.modsSinceAnalyze > a.liveRows * options.maxChangedFraction) {
        reasons.push(`${a.modsSinceAnalyze.toLocaleString('en-US')} rows changed since the last ANALYZE (${a.lastAnalyze}), of ${a.liveRows.toLocaleString('en-US')}`);
      }
      const freeze = a.xidAge !== null && a.xidAge > freezeMax * options.maxXidAgeFraction;
      if (freeze) reasons.push(`age(relfrozenxid) is ${a.xidAge!.toLocaleString('en-US')}, ${((a.xidAge! / freezeMax) * 100).toFixed(0)}% of autovacuum_freeze_max_age`);
      if (!reasons.length) continue;
      report({
        message: `Table ${t.name}: ${reasons.join('; ')}`,
        object: t.name,
        table: t.name,
        help: freeze
          ? 'Freeze it at a quiet time and find what holds autovacuum back (long transactions, old replication slots, prepared transactions, autovacuum disabled).'
          : 'Analyze it so the planner sees the current data, and check that autovacuum is enabled for the table.',
        fix: { title: `${freeze ? 'Freeze and analyze' : 'Analyze'} ${t.name}`, sql: freeze ? `VACUUM (FREEZE, ANALYZE) ${t.sql};` : `ANALYZE ${t.sql};` },
      });
    }
  },
});
