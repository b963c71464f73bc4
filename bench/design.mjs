// Design figures: `npm run bench:design` (`--repeat N` runs everything N times and prints
// min–max). For each example spec (examples/specs/*.yaml), the time `schemawise design` takes:
// (a) without seeding: read + validate the spec, decide the model, emit the files without a
//     workload (pure), then the generated SQL checked on the embedded engine (verify; one engine
//     booted once and reused across specs). Timed warm, after one untimed pass over every spec.
// (b) with seeding at the declared scale, as the CLI runs it (src/cli/commands/design.ts): read,
//     model, boot one embedded engine, adviseDesign on it (seeding, then advising: split at its
//     progress messages), emitDesign with the workload, verifyDesign, close. The boot is one per
//     spec and shown apart; the total includes it. Takes 5–20 s a spec.
// Also per spec: tables, decisions (before and after advising), advised indexes and the rows
// declared (entities' rows; many-to-many pairs apart). Large tables are seeded as samples whose
// statistics are scaled to the declared rows, so seeding time does not grow with them.
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = (file) => import(path.join(root, 'dist', file));

const usage = 'usage: node bench/design.mjs [--repeat N]';
let repeat = 1;
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const [flag, inline] = args[i].split(/=(.*)/s);
  if (flag === '--repeat') {
    const value = inline ?? args[++i];
    repeat = Number(value);
    if (!Number.isInteger(repeat) || repeat < 1) {
      console.error(`--repeat: "${value ?? ''}" is not a positive whole number\n${usage}`);
      process.exit(2);
    }
  } else {
    console.error(`unknown argument ${args[i]}\n${usage}`);
    process.exit(2);
  }
}

const { initParser } = await dist('parse/parse-script.js');
const { initNormalizer } = await dist('model/normalize.js');
const { readSpec } = await dist('design/read-spec.js');
const { designModel } = await dist('design/design-model.js');
const { tableVolumes } = await dist('design/table-volume.js');
const { emitDesign } = await dist('design/emit-design.js');
const { verifyDesign } = await dist('design/verify-design.js');
const { adviseDesign } = await dist('design/design-indexes.js');
const { createEmbeddedEngine } = await dist('engine/embedded.js');
const { parseCount } = await dist('seed/parse-count.js');
const { ProgressLine } = await dist('cli/progress-line.js');
await initParser();
await initNormalizer();

const progress = process.stderr.isTTY ? new ProgressLine() : undefined;
const say = (text) => progress?.say(text);

const specDir = path.join(root, 'examples/specs');
const specs = readdirSync(specDir)
  .filter((f) => f.endsWith('.yaml'))
  .sort()
  .map((f) => ({ name: path.basename(f, '.yaml'), file: path.relative(process.cwd(), path.join(specDir, f)) }));

const tableCount = (design) => design.database.schemas.reduce((n, s) => n + s.tables.length, 0);
const fail = (spec, problems) => {
  progress?.clear();
  throw new Error(`${spec.name}: the generated design does not run on PostgreSQL:\n${problems.join('\n')}`);
};

/** (a) read + model + emit (no workload), then verify on `engine`. */
async function withoutSeeding(spec, engine) {
  const t0 = performance.now();
  const text = readFileSync(spec.file, 'utf8');
  const { spec: s, spanOf } = readSpec(spec.file, text);
  const design = designModel(s);
  const files = emitDesign(s, design, { specFile: path.basename(spec.file), spanOf }, undefined);
  const t1 = performance.now();
  const problems = await verifyDesign(files, engine);
  const t2 = performance.now();
  if (problems.length) fail(spec, problems);
  const volumes = tableVolumes(s, design).filter((v) => v.volume.rows !== undefined).map((v) => ({ entity: v.from[0] === 'entities', rows: parseCount(String(v.volume.rows), `${v.from.join('.')}.rows`) }));
  return {
    pure: t1 - t0,
    verify: t2 - t1,
    tables: tableCount(design),
    decisions: design.decisions.length,
    rows: volumes.filter((v) => v.entity).reduce((n, v) => n + v.rows, 0),
    pairs: volumes.filter((v) => !v.entity).reduce((n, v) => n + v.rows, 0),
  };
}

/** (b) the CLI's pipeline: read, model, boot, advise (seeding then advising), emit with the workload, verify, close. */
async function withSeeding(spec, label) {
  const t0 = performance.now();
  const text = readFileSync(spec.file, 'utf8');
  const { spec: s, spanOf } = readSpec(spec.file, text);
  const design = designModel(s);
  const context = { specFile: path.basename(spec.file), spanOf };
  const tBoot = performance.now();
  say(`${label}: starting the embedded PostgreSQL (PGlite)…`);
  const engine = await createEmbeddedEngine();
  const tAdvise = performance.now();
  let seededAt;
  let advisingAt;
  let workload, files, problems, tEmit, tDone;
  try {
    workload = await adviseDesign(s, design, {
      ...context,
      engine,
      onProgress: (m) => {
        if (seededAt === undefined && m.startsWith('seeding')) seededAt = performance.now();
        if (advisingAt === undefined && m.startsWith('advising indexes')) advisingAt = performance.now();
        say(`${label}: ${m}`);
      },
    });
    tEmit = performance.now();
    files = emitDesign(s, design, context, workload);
    say(`${label}: checking the generated SQL on the embedded PostgreSQL…`);
    problems = await verifyDesign(files, engine);
    tDone = performance.now();
  } finally {
    await engine.close();
  }
  const tEnd = performance.now();
  if (problems.length) fail(spec, problems);
  // Seeding: from adviseDesign's start (its DROP SCHEMA, then the DDL and the seed, ANALYZE,
  // sizing) to its 'advising indexes…' message; advising: from there to its return. Without
  // that message (no declared queries, or a changed message), no split.
  const split = seededAt !== undefined && advisingAt !== undefined;
  return {
    readModel: tBoot - t0,
    boot: tAdvise - tBoot,
    seed: split ? advisingAt - tAdvise : undefined,
    advise: split ? tEmit - advisingAt : undefined,
    seedAdvise: tEmit - tAdvise,
    emitVerify: tDone - tEmit,
    total: tEnd - t0,
    indexes: workload?.advice.recommended.length ?? 0,
    decisions: design.decisions.length,
  };
}

// (a): one engine for every spec's verify; one untimed pass first.
say('(a) starting the embedded PostgreSQL (PGlite)…');
let t = performance.now();
const shared = await createEmbeddedEngine();
const sharedBoot = performance.now() - t;
const pure = new Map(specs.map((x) => [x.name, []]));
try {
  for (const spec of specs) {
    say(`(a) ${spec.name}: warm-up pass`);
    await withoutSeeding(spec, shared);
  }
  for (let k = 0; k < repeat; k++) {
    for (const spec of specs) {
      say(`(a) ${spec.name}${repeat > 1 ? ` ${k + 1}/${repeat}` : ''}: read, model, emit, verify`);
      pure.get(spec.name).push(await withoutSeeding(spec, shared));
    }
  }
} finally {
  await shared.close();
}

// (b): a fresh engine per spec and run, as the CLI boots one per run.
const seeded = new Map(specs.map((x) => [x.name, []]));
for (let k = 0; k < repeat; k++) {
  for (const spec of specs) seeded.get(spec.name).push(await withSeeding(spec, `(b) ${spec.name}${repeat > 1 ? ` ${k + 1}/${repeat}` : ''}`));
}
progress?.clear();

const count = (n) => (n >= 1e9 ? `${+(n / 1e9).toFixed(1)}B` : n >= 1e6 ? `${+(n / 1e6).toFixed(1)}M` : n >= 1e3 ? `${+(n / 1e3).toFixed(1)}k` : String(n));
const msText = (x) => (x < 10 ? x.toFixed(1) : Math.round(x).toString());
const sText = (x) => (x / 1000).toFixed(2);
/** One cell from every run: the value, or min–max when the runs differ in print. */
const range = (runs, key, text) => {
  const xs = runs.map((r) => r[key]);
  if (xs.some((x) => x === undefined)) return '—';
  const [lo, hi] = [text(Math.min(...xs)), text(Math.max(...xs))];
  return lo === hi ? lo : `${lo}–${hi}`;
};
/** Same value on every run (counts), or every distinct value. */
const same = (runs, key, text = String) => [...new Set(runs.map((r) => text(r[key])))].join('/');

/** A plain aligned table: the first column left-aligned, the others right-aligned. */
function printTable(header, rows) {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}

const runs = repeat === 1 ? 'one run' : `${repeat} runs, min–max`;
console.log(`(a) without seeding: ${runs}, warm (after one untimed pass); verify on one embedded engine shared by every spec (booted once in ${sText(sharedBoot)} s, not counted)`);
printTable(
  ['spec', 'tables', 'decisions', 'rows declared', 'm:n pairs', 'read+model+emit ms', 'verify ms', 'total ms'],
  specs.map(({ name }) => {
    const r = pure.get(name).map((x) => ({ ...x, total: x.pure + x.verify }));
    return [name, same(r, 'tables'), same(r, 'decisions'), same(r, 'rows', count), same(r, 'pairs', (n) => (n ? count(n) : '—')), range(r, 'pure', msText), range(r, 'verify', msText), range(r, 'total', msText)];
  }),
);
console.log(`\n(b) with seeding at the declared scale, as \`schemawise design\` runs it: ${runs}; one engine booted per spec and run (boot apart, included in total)`);
printTable(
  ['spec', 'indexes advised', 'decisions', 'read+model s', 'boot s', 'seed s', 'advise s', 'seed+advise s', 'emit+verify s', 'total s'],
  specs.map(({ name }) => {
    const r = seeded.get(name);
    return [name, same(r, 'indexes'), same(r, 'decisions'), range(r, 'readModel', sText), range(r, 'boot', sText), range(r, 'seed', sText), range(r, 'advise', sText), range(r, 'seedAdvise', sText), range(r, 'emitVerify', sText), range(r, 'total', sText)];
  }),
);
console.log('seed: adviseDesign until its "advising indexes…" message (schema, seed, ANALYZE, sizing); advise: from there to its return; decisions: after advising (indexes, sizing)');
console.log(`\nmachine: ${os.cpus().length} cores (${os.cpus()[0]?.model.trim() ?? 'unknown cpu'}), node ${process.version}, ${os.platform()} ${os.arch()}; ${new Date().toISOString().slice(0, 10)}`);
