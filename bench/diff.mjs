// Diff + plan figures: `npm run bench:diff`. A large schema (the biggest corpus schema and the
// 2 MB synthetic one) against a copy with 100 changes made to its model (columns added, dropped
// and retyped, indexes added and dropped, CHECKs and comments added, a table dropped): time of
// diffModels + planChanges + renderMigrations, median of 5 warm runs. Budget: under 1 s.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { syntheticSchema } from './synthetic-schema.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { loadStatic, initNormalizer, diffModels, planChanges, renderMigrations } = await import(path.join(root, 'dist/index.js'));
await initNormalizer();
const corpus = path.resolve(root, '../shared/corpus/schemas/adventureworks.sql');

const inputs = [{ label: 'synthetic 2 MB, 495 tables', sql: syntheticSchema(2 * 1024 * 1024, { extraColumns: 32 }) }];
if (existsSync(corpus)) inputs.unshift({ label: 'adventureworks.sql', sql: (await import('node:fs')).readFileSync(corpus, 'utf8') });
else console.log('(../shared/corpus is absent: only the synthetic schema is measured)');

/** 100 changes spread over the tables, each a different kind in turn. */
function modify(db) {
  const copy = structuredClone(db);
  const tables = copy.schemas.flatMap((s) => s.tables.filter((t) => !t.partitionOf).map((t) => ({ s, t })));
  const kinds = [
    ({ t }) => t.columns.push({ name: 'bench_added', type: 'text', notNull: false, default: null }),
    ({ t }) => t.indexes.pop(),
    ({ t }) => { const c = t.columns.find((c) => c.type === 'text' && !c.generated); if (c) c.type = 'character varying(500)'; },
    ({ t }) => t.checks.push({ name: `${t.name}_bench_check`.slice(0, 63), expression: 'true' }),
    ({ t }) => { t.comment = 'changed by the benchmark'; },
    ({ t }) => t.indexes.push({ name: `idx_${t.name}_bench`.slice(0, 63), unique: false, method: 'btree', columns: [t.columns[0].name], keys: [{ column: t.columns[0].name, expression: null }], where: null, include: [] }),
    ({ t }) => { const c = t.columns.find((c) => !c.notNull && !c.generated); if (c) c.notNull = true; },
    ({ t }) => { const c = t.columns.find((c) => c.default === null && c.type === 'integer'); if (c) c.default = '0'; },
    ({ t }) => { const c = t.columns.findLast((c) => !t.primaryKey?.columns.includes(c.name)); if (c) t.columns.splice(t.columns.indexOf(c), 1); },
    ({ s, t }) => { s.tables.splice(s.tables.indexOf(t), 1); },
  ];
  for (let i = 0; i < 100; i++) kinds[i % kinds.length](tables[(i * 7) % tables.length]);
  return copy;
}

const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const { label, sql } of inputs) {
  const { database } = await loadStatic([{ file: label, sql }]);
  const modified = modify(database);
  const times = [];
  let result;
  for (let i = 0; i < 6; i++) {
    const t0 = performance.now();
    const diff = diffModels(database, modified);
    const plan = planChanges(diff);
    const migrations = renderMigrations(plan, 'bench');
    if (i > 0) times.push(performance.now() - t0);
    result = { changes: diff.changes.length, statements: plan.statements.length, migrations: migrations.length };
  }
  const tables = database.schemas.reduce((n, s) => n + s.tables.length, 0);
  console.log(`${label.padEnd(28)} ${String(tables).padStart(4)} tables  ${String(result.changes).padStart(4)} changes → ${String(result.statements).padStart(4)} statements in ${result.migrations} migrations  diff+plan ${median(times).toFixed(0).padStart(5)} ms`);
}
