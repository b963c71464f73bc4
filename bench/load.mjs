// Load figures for every corpus schema and our examples: `npm run bench`.
// Static load is timed warm (in-process, after one untimed run); exact load boots the
// embedded engine once per schema; whole-process `inspect` is what a user waits for.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSchema, loadStatic } from '../dist/index.js';
import { syntheticSchema } from './synthetic-schema.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const corpus = path.resolve(root, '../shared/corpus');
const inputs = [path.join(root, 'examples/shop/schema.sql')];
if (existsSync(corpus)) {
  for (const f of readdirSync(path.join(corpus, 'schemas')).sort()) inputs.push(path.join(corpus, 'schemas', f));
  inputs.push(path.join(corpus, 'migrations/authelia'));
} else {
  console.log('(../shared/corpus is absent: only the examples are measured)');
}
const skipExact = process.argv.includes('--no-exact');

const size = (p) => (statSync(p).isDirectory() ? readdirSync(p).reduce((n, f) => n + statSync(path.join(p, f)).size, 0) : statSync(p).size);
const ms = (t0) => Math.round(performance.now() - t0);
const cli = path.join(root, 'dist/cli/main.js');

// Measured first, in a fresh process: the budget for a large schema: a 2 MB DDL-only script (synthetic, ~2,900 tables), warm.
const big = syntheticSchema(2 * 1024 * 1024);
await loadStatic([{ file: 'synthetic.sql', sql: big }]);
const times = [];
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  await loadStatic([{ file: 'synthetic.sql', sql: big }]);
  times.push(ms(t0));
}
times.sort((a, b) => a - b);
const synthetic = `synthetic 2 MB DDL, static load warm: median ${times[2]} ms (min ${times[0]}, max ${times[4]}); budget 500 ms`;

// Three passes, whole-process first: after the embedded engine has booted, V8 keeps
// compiling PGlite's WebAssembly on background threads for seconds, which would slow
// whatever is measured next on a 2-core machine.
const rows = inputs.map((input) => ({ input: path.relative(root, input), KB: Math.round(size(input) / 1024) }));
for (const [i, input] of inputs.entries()) {
  const runs = [];
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now();
    execFileSync(process.execPath, [cli, 'inspect', input, '--quiet'], { stdio: ['ignore', 'ignore', 'inherit'] });
    runs.push(ms(t0));
  }
  rows[i]['inspect process ms (median of 3)'] = runs.sort((a, b) => a - b)[1];
}
for (const [i, input] of inputs.entries()) {
  await loadSchema([input]);
  const t0 = performance.now();
  const result = await loadSchema([input]);
  const s = result.statements;
  Object.assign(rows[i], {
    statements: s.modelled + s.skipped + s.notModelled,
    tables: result.database.schemas.reduce((n, x) => n + x.tables.length, 0),
    'static ms': ms(t0),
  });
}

for (const [i, input] of inputs.entries()) {
  if (skipExact) break;
  const t0 = performance.now();
  try {
    await loadSchema([input], { exact: true });
    rows[i]['exact ms'] = ms(t0);
  } catch (error) {
    rows[i]['exact ms'] = `fails: ${String(error.message).slice(0, 40)}`;
  }
}
console.table(rows);
console.log(synthetic);
