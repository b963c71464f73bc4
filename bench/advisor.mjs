// Advisor figures: `npm run bench:advisor`. The workload of bench/advisor/ (a multi-tenant shop
// and support desk of our own, 11 tables, 54 queries: OLTP lookups, pagination, reporting joins,
// JSONB, arrays, full-text, writes) seeded on the embedded engine at the volume the queries
// file's first line gives (ADVISOR_BENCH_SCALE=0.1 for a quick run). Prints:
// workload cost before → after, the indexes (number, size), time to advise; the same selection
// over Dexter-style candidates only (btree, at most 2 plain columns, no partial/INCLUDE/
// expression/GIN); and, per table, the greedy selection against an exhaustive search over its
// 10 best candidates (at most 3 indexes): the target is within 5 % of the optimum with no
// more indexes. Then the same advice on the PostgreSQL server with HypoPG
// (SCHEMAWISE_BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres: a scratch
// database is created there, seeded the same way, and dropped; ADVISOR_BENCH_SERVER=0 skips it).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { withScratchDatabase } from './scratch-database.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const lib = await import(path.join(root, 'dist/index.js'));
const { createEmbeddedEngine, connectServer, HypopgWhatIf, introspect, planSeed, runSeed, initParser, initNormalizer, readQueries, advise, EmbeddedWhatIf, readTableStatistics, writePenalties, selectIndexes, exhaustiveBest, objectiveOf, weightedTotal, candidateDefinition } = lib;
await initParser();
await initNormalizer();

const dir = path.join(root, 'bench/advisor');
const schema = readFileSync(path.join(dir, 'schema.sql'), 'utf8');
const queriesText = readFileSync(path.join(dir, 'queries.sql'), 'utf8');
const scale = Number(process.env.ADVISOR_BENCH_SCALE ?? 1);
const rows = new Map(
  /^-- rows: (.*)$/m
    .exec(queriesText)[1]
    .split(',')
    .map((item) => {
      const [table, count] = item.split('=');
      const n = Number(count.replace(/k$/i, 'e3').replace(/m$/i, 'e6'));
      return [table.trim(), Math.max(1, Math.round(n * scale))];
    }),
);

const fmt = (n) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e4 ? `${(n / 1e3).toFixed(1)}k` : n.toFixed(1));
const mb = (bytes) => `${(bytes / 1048576).toFixed(1)} MB`;
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

const engine = await createEmbeddedEngine();
await engine.exec(schema);
let t = performance.now();
const seeded = await runSeed(engine, planSeed((await introspect(engine)).database, { rows, anchor: '2026-11-25' }));
console.log(`seeded ${[...rows.values()].reduce((a, b) => a + b, 0)} rows in ${seconds(performance.now() - t)} (${seeded.tables.filter((x) => x.scaled).length} tables sampled)`);
const db = (await introspect(engine)).database;
const queries = readQueries('bench/advisor/queries.sql', queriesText);
const whatIf = new EmbeddedWhatIf(engine);

t = performance.now();
const advice = await advise(engine, db, queries, whatIf);
const adviseMs = performance.now() - t;
const { totals } = advice;
console.log(`\nadvise: ${queries.length} queries, ${advice.candidates.length} candidates (${advice.refused.length} PostgreSQL would not build), ${advice.evaluations} configurations planned`);
console.log(`  workload cost   ${fmt(totals.before)} → ${fmt(totals.after)}  (−${((100 * (totals.before - totals.after)) / totals.before).toFixed(1)} %)`);
console.log(`  indexes         ${advice.recommended.length}, ${mb(totals.bytes)}; write penalty ${fmt(totals.penalty)}`);
console.log(`  drops           ${advice.drops.map((d) => `${d.name} (${d.kind})`).join(', ') || 'none'}`);
console.log(`  time            ${seconds(adviseMs)} (building candidates ${seconds(advice.buildMs)}, selecting ${seconds(advice.selectMs)})`);
const improved = queries.filter((_, i) => (advice.final[i]?.plan?.['Total Cost'] ?? 0) < (advice.baseline[i]?.plan?.['Total Cost'] ?? 0) * 0.9).length;
console.log(`  queries         ${improved}/${queries.length} at least 10 % cheaper`);
for (const r of advice.recommended) console.log(`    ${r.name.padEnd(64)} ${mb(r.bytes).padStart(8)}  ${r.serves.map((s) => s.query.name).join(', ')}`);

const stats = await readTableStatistics(engine);
const built = advice.candidates.filter((c) => !advice.refused.some((r) => r.candidate === c));
const penaltyOf = (candidates) => writePenalties(db, candidates, advice.shapes, advice.baseline, stats);
const inputFor = (candidates) => ({ queries, shapes: advice.shapes, candidates, whatIf, penalty: penaltyOf(candidates), baseline: advice.baseline });

// Dexter's candidates: btree on one or two plain columns, per query; no partial, INCLUDE, expression, GIN or BRIN.
const dexterLike = built.filter((c) => c.method === 'btree' && !c.where && !c.include.length && c.keys.length <= 2 && c.keys.every((k) => k.target.column !== undefined && !k.desc && !k.opclass));
const dexter = await selectIndexes(inputFor(dexterLike));
const dexterAfter = weightedTotal(queries, dexter.final);
console.log(`\nDexter-style candidates only (${dexterLike.length}): workload cost ${fmt(totals.before)} → ${fmt(dexterAfter)} (−${((100 * (totals.before - dexterAfter)) / totals.before).toFixed(1)} %), ${dexter.chosen.length} indexes, ${mb(dexter.chosen.reduce((s, c) => s + whatIf.bytes(c), 0))}`);
console.log(`  schemawise's candidates leave ${(dexterAfter / Math.max(totals.after, 1)).toFixed(2)}× less cost than Dexter-style ones`);

console.log('\ngreedy vs exhaustive (per table: its 10 best candidates alone, at most 3 indexes)');
console.log(`${'table'.padEnd(16)} ${'cands'.padStart(5)} ${'configs'.padStart(7)} ${'greedy'.padStart(9)} ${'optimum'.padStart(9)} ${'ratio'.padStart(6)}  indexes (greedy/optimum)`);
const tables = [...new Set(built.map((c) => c.table))].sort();
let worst = 1;
let moreIndexes = 0;
for (const table of tables) {
  const own = built.filter((c) => c.table === table);
  if (own.length < 3) continue;
  const full = inputFor(own);
  const alone = [];
  for (const c of own) alone.push({ c, gain: await objectiveOf(full, [c]) });
  const top = alone.filter((x) => x.gain > 0).sort((a, b) => b.gain - a.gain).slice(0, 10).map((x) => x.c);
  if (top.length < 2) continue;
  const input = inputFor(top);
  const greedy = await selectIndexes(input, { maxIndexes: 3 });
  const ours = await objectiveOf(input, greedy.chosen);
  const best = await exhaustiveBest(input, 3);
  const ratio = best.objective > 0 ? ours / best.objective : 1;
  worst = Math.min(worst, ratio);
  if (greedy.chosen.length > best.set.length && ratio < 1 - 1e-9) moreIndexes++;
  console.log(`${table.padEnd(16)} ${String(top.length).padStart(5)} ${String(best.configurations).padStart(7)} ${fmt(ours).padStart(9)} ${fmt(best.objective).padStart(9)} ${ratio.toFixed(3).padStart(6)}  ${greedy.chosen.length}/${best.set.length}${ratio < 0.95 ? `  below target: greedy ${greedy.chosen.map(candidateDefinition).join('; ')} vs ${best.set.map(candidateDefinition).join('; ')}` : ''}`);
}
console.log(`worst ratio ${worst.toFixed(3)} (target ≥ 0.95); tables where greedy used more indexes for less: ${moreIndexes}`);
await whatIf.close();
await engine.close();

if (process.env.ADVISOR_BENCH_SERVER !== '0') {
  await withScratchDatabase(connectServer, 'schemawise_bench_advisor', async (url) => {
    const server = await connectServer(url);
    await server.exec(schema);
    await server.exec('CREATE EXTENSION hypopg');
    t = performance.now();
    await runSeed(server, planSeed((await introspect(server)).database, { rows, anchor: '2026-11-25' }));
    const version = (await server.query('SHOW server_version'))[0].server_version;
    console.log(`\nserver ${version} with HypoPG: seeded in ${seconds(performance.now() - t)}`);
    const hypo = new HypopgWhatIf(server);
    t = performance.now();
    const a = await advise(server, (await introspect(server)).database, queries, hypo);
    const ms = performance.now() - t;
    await hypo.close();
    console.log(`  workload cost   ${fmt(a.totals.before)} → ${fmt(a.totals.after)}  (−${((100 * (a.totals.before - a.totals.after)) / a.totals.before).toFixed(1)} %)`);
    console.log(`  indexes         ${a.recommended.length}, ${mb(a.totals.bytes)} (HypoPG's estimate); ${a.refused.length} candidates HypoPG or PostgreSQL would not build`);
    console.log(`  time            ${seconds(ms)} (declaring candidates ${seconds(a.buildMs)}, selecting ${seconds(a.selectMs)}; ${a.evaluations} configurations)`);
    const embeddedNames = new Set(advice.recommended.map((r) => `${r.table} ${r.definition}`));
    const same = a.recommended.filter((r) => embeddedNames.has(`${r.table} ${r.definition}`)).length;
    console.log(`  same definition as on the embedded engine: ${same} of ${a.recommended.length}`);
    await server.close();
  });
}
