// Review figures for every corpus schema and our example: `npm run bench:review`.
// Whole-process time is what a user waits for (`schemawise review file`, median of 3); the
// load and the rules are also timed apart, in a fresh process each (median of 3), to keep
// the rules' share of the whole in view. Budget: the 2 MB, ~500-table synthetic schema in
// under 1 s whole process, the rules under 20% of it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { syntheticSchema } from './synthetic-schema.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const corpus = path.resolve(root, '../shared/corpus');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'schemawise-bench-'));
// The budget's shape: 2 MB in ~500 wide tables; and the same size in ~2,900 narrow ones.
const wide = path.join(tmp, 'synthetic-2mb-500-tables.sql');
writeFileSync(wide, syntheticSchema(2 * 1024 * 1024, { extraColumns: 32 }));
const narrow = path.join(tmp, 'synthetic-2mb-2900-tables.sql');
writeFileSync(narrow, syntheticSchema(2 * 1024 * 1024));
const label = (input) => (input === wide ? 'synthetic 2 MB, 495 tables' : input === narrow ? 'synthetic 2 MB, 2,906 tables' : path.relative(root, input));
const inputs = [wide, narrow, path.join(root, 'examples/shop/schema.sql')];
if (existsSync(corpus)) {
  for (const f of readdirSync(path.join(corpus, 'schemas')).sort()) inputs.push(path.join(corpus, 'schemas', f));
  inputs.push(path.join(corpus, 'migrations/authelia'));
} else {
  console.log('(../shared/corpus is absent: only the examples are measured)');
}

const SPLIT = `
const { loadSchema, review } = await import(${JSON.stringify(path.join(root, 'dist/index.js'))});
const t0 = performance.now();
const loaded = await loadSchema([process.argv[1]]);
const t1 = performance.now();
const result = review({ database: loaded.database, scripts: loaded.scripts });
const t2 = performance.now();
console.log(JSON.stringify({ load: t1 - t0, rules: t2 - t1, findings: result.findings.length, tables: loaded.database.schemas.reduce((n, s) => n + s.tables.length, 0) }));
`;

const size = (p) => (statSync(p).isDirectory() ? readdirSync(p).reduce((n, f) => n + statSync(path.join(p, f)).size, 0) : statSync(p).size);
const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
const cli = path.join(root, 'dist/cli/main.js');

const rows = [];
for (const input of inputs) {
  const runs = [];
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now();
    try {
      execFileSync(process.execPath, [cli, 'review', input, '-q', '--fail-on', 'never'], { stdio: ['ignore', 'ignore', 'inherit'], cwd: tmp });
    } catch (error) {
      console.error(`${input}: review failed (exit ${error.status})`);
    }
    runs.push(performance.now() - t0);
  }
  // Load and rules timed apart in a fresh process each time: cold, as a user's run is.
  const splits = [];
  for (let k = 0; k < 3; k++) {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', SPLIT, input], { encoding: 'utf8', cwd: tmp });
    splits.push(JSON.parse(out));
  }
  const load = median(splits.map((x) => x.load));
  const rule = median(splits.map((x) => x.rules));
  const { findings, tables } = splits[0];
  const whole = median(runs);
  rows.push({
    input: label(input),
    KB: Math.round(size(input) / 1024),
    tables,
    findings,
    'review process ms': Math.round(whole),
    'load ms (cold)': Math.round(load),
    'rules ms (cold)': Math.round(rule),
    'rules share of process': `${Math.round((rule / whole) * 100)}%`,
  });
}
rmSync(tmp, { recursive: true, force: true });
console.table(rows);
console.log('budget: the 2 MB, 500-table schema reviewed in < 1000 ms whole process (text report to /dev/null), rules < 20% of it');
