// Review figures for every corpus schema and our example: `npm run bench:review`.
// Whole-process time is what a user waits for (`schemawise review file`, median of 3);
// in-process, the load and the rules are timed apart (warm, median of 5) to keep the
// rules' share of the total in view. Budget: the 2 MB synthetic schema in under 1 s whole
// process, the rules under 20% of it.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSchema, review } from '../dist/index.js';
import { syntheticSchema } from './synthetic-schema.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const corpus = path.resolve(root, '../shared/corpus');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'schemawise-bench-'));
const synthetic = path.join(tmp, 'synthetic-2mb.sql');
writeFileSync(synthetic, syntheticSchema(2 * 1024 * 1024));
const inputs = [synthetic, path.join(root, 'examples/shop/schema.sql')];
if (existsSync(corpus)) {
  for (const f of readdirSync(path.join(corpus, 'schemas')).sort()) inputs.push(path.join(corpus, 'schemas', f));
  inputs.push(path.join(corpus, 'migrations/authelia'));
} else {
  console.log('(../shared/corpus is absent: only the examples are measured)');
}

const size = (p) => (statSync(p).isDirectory() ? readdirSync(p).reduce((n, f) => n + statSync(path.join(p, f)).size, 0) : statSync(p).size);
const median = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1];
const cli = path.join(root, 'dist/cli/main.js');

const rows = [];
for (const input of inputs) {
  const runs = [];
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now();
    try {
      execFileSync(process.execPath, [cli, 'review', input, '-q', '--format', 'json', '--fail-on', 'never'], { stdio: ['ignore', 'ignore', 'inherit'], cwd: tmp });
    } catch (error) {
      console.error(`${input}: review failed (exit ${error.status})`);
    }
    runs.push(performance.now() - t0);
  }
  const loads = [];
  const rules = [];
  let findings = 0;
  let tables = 0;
  for (let k = 0; k < 6; k++) {
    const t0 = performance.now();
    const loaded = await loadSchema([input]);
    const t1 = performance.now();
    const result = review({ database: loaded.database, scripts: loaded.scripts });
    const t2 = performance.now();
    if (k === 0) continue; // warm-up
    loads.push(t1 - t0);
    rules.push(t2 - t1);
    findings = result.findings.length;
    tables = loaded.database.schemas.reduce((n, s) => n + s.tables.length, 0);
  }
  const load = median(loads);
  const rule = median(rules);
  rows.push({
    input: input === synthetic ? 'synthetic 2 MB' : path.relative(root, input),
    KB: Math.round(size(input) / 1024),
    tables,
    findings,
    'review process ms': Math.round(median(runs)),
    'load ms': Math.round(load),
    'rules ms': Math.round(rule),
    'rules share': `${Math.round((rule / (load + rule)) * 100)}%`,
  });
}
rmSync(tmp, { recursive: true, force: true });
console.table(rows);
console.log('budget: synthetic 2 MB reviewed in < 1000 ms whole process, rules < 20% of load + rules');
