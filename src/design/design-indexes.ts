import { advise, type Advice } from '../advise/advise.js';
import type { CandidateIndex } from '../advise/candidate-index.js';
import { EmbeddedWhatIf } from '../advise/embedded-what-if.js';
import type { Engine } from '../engine/engine.js';
import { introspect } from '../engine/introspect.js';
import { qualifiedName } from '../model/quote-ident.js';
import { significantBytes, significantCount } from '../report/compact-count.js';
import { planTree } from '../explain/format-explain.js';
import { parameterCount, type WorkloadQuery } from '../explain/read-queries.js';
import type { Index, Span } from '../model/types.js';
import { toDDL } from '../report/ddl.js';
import { parseCount } from '../seed/parse-count.js';
import { runSeed } from '../seed/run-seed.js';
import { planSeed } from '../seed/seed-plan.js';
import type { DesignModel } from './design-model.js';
import { rowsAfter, tableVolumes } from './table-volume.js';
import type { Spec } from './spec.js';

/**
 * Rows per table seeded for the design's plans: ANALYZE then reads every row (its sample is
 * 30 000 at the default statistics target), so the statistics, the plans and the advice are
 * the same on every run; larger tables are samples whose statistics are scaled to the spec's
 * volume (PostgreSQL 18's pg_restore_relation_stats on the embedded engine).
 */
const SAMPLE_ROWS = 30_000;

/** More indexes than this on one table is over-indexing for a write-heavy workload. */
const MAX_INDEXES_PER_TABLE = 6;

export interface DesignWorkload {
  advice: Advice;
  /** indexes.sql: every secondary index of the design and why it exists. */
  indexesSql: string;
  /** queries.md: each declared query's plan before and after the advised indexes. */
  queriesMd: string;
}

export interface DesignWorkloadOptions {
  specFile: string;
  spanOf?: (path: (string | number)[]) => Span | undefined;
  onProgress?: (message: string) => void;
  /** An embedded engine to work on (its public schema is replaced); one of its own otherwise. */
  engine?: Engine;
}

/**
 * The declared queries planned on the design's schema seeded at the spec's volume: the index
 * advisor (composite, partial, covering, over the whole workload, weighed by the spec's
 * reads per write) adds its indexes to the model, with a decision each; then a check against
 * over-indexing. Without declared queries: nothing to advise.
 */
export async function adviseDesign(spec: Spec, design: DesignModel, options: DesignWorkloadOptions): Promise<DesignWorkload | undefined> {
  const { createEmbeddedEngine } = await import('../engine/embedded.js');
  const engine = options.engine ?? (await createEmbeddedEngine());
  try {
    if (options.engine) await engine.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
    options.onProgress?.('seeding the design at the spec\'s volume…');
    await engine.exec(toDDL(design.database));
    const rows = new Map<string, number>();
    for (const { table, volume, from } of tableVolumes(spec, design)) if (volume.rows !== undefined) rows.set(table.name, parseCount(String(volume.rows), `${from.join('.')}.rows`));
    // Timestamps end at this instant, not at midnight: a query against now() then finds the
    // data where it was on the last run, whatever the time of day (its estimates stay put).
    await runSeed(engine, planSeed((await introspect(engine)).database, { rows, maxTableRows: SAMPLE_ROWS, anchor: new Date().toISOString() }));
    const db = (await introspect(engine)).database;
    await sizeTables(engine, spec, design);
    if (!spec.queries.length) return undefined;
    const queries: WorkloadQuery[] = spec.queries.map((q, i) => ({
      name: q.name,
      sql: q.sql.trim().replace(/;\s*$/, ''),
      weight: q.per_second ?? q.weight ?? 1,
      parameters: parameterCount(q.sql),
      span: options.spanOf?.(['queries', i, 'sql']) ?? { file: options.specFile, line: 1, column: 1 },
    }));
    const whatIf = new EmbeddedWhatIf(engine);
    options.onProgress?.('advising indexes for the declared queries…');
    const advice = await advise(engine, db, queries, whatIf, { readsPerWrite: spec.workload.reads_per_write, onProgress: options.onProgress });
    await whatIf.close();
    for (const r of advice.recommended) {
      const table = design.database.schemas.find((s) => s.name === r.schema)!.tables.find((t) => t.name === r.table)!;
      table.indexes.push(indexOf(r.name, r.candidate));
      design.decisions.push({
        topic: 'indexes',
        subject: `${r.table} ${r.definition}`,
        choice: r.name,
        reason: `serves ${r.serves.map((s) => `"${s.query.name}" (cost ${round(s.before)} → ${round(s.after)}, ${s.node})`).join('; ') || 'the declared queries together'}`,
        tradeoff: `about ${size(r.bytes)} at the declared volume (built on the sample, scaled), and an entry to write on every insert and on updates of its columns`,
        from: ['queries', queries.indexOf(r.serves[0]?.query ?? queries[0])],
      });
    }
    // A foreign-key index an advised index leads with is redundant: the advised one serves its deletes and joins too.
    for (const d of advice.drops.filter((x) => x.kind === 'redundant' || x.kind === 'duplicate')) {
      const table = design.database.schemas.find((x) => x.name === d.schema)?.tables.find((t) => t.name === d.table);
      const index = table?.indexes.find((x) => x.name === d.name && !x.unique);
      if (!table || !index) continue;
      table.indexes.splice(table.indexes.indexOf(index), 1);
      design.decisions.push({ topic: 'indexes', subject: `${d.table} (${index.columns.join(', ')})`, choice: `no ${d.name}`, reason: `${d.reason}, the foreign key's lookups included` });
    }
    overIndexing(spec, design);
    advice.baseline.forEach((e, i) => {
      if (e.error) design.warnings.push({ subject: `query "${queries[i].name}"`, message: `does not run on the designed schema: ${e.error} (queries are written against the tables the design names: ${[...design.tables.values()].map((t) => t.table.name).join(', ')})`, from: ['queries', i] });
    });
    return { advice, indexesSql: indexesSql(design, advice), queriesMd: queriesMd(spec, advice) };
  } finally {
    if (!options.engine) await engine.close();
  }
}

/**
 * Each table's size now and in a year at the declared rows and growth, from its seeded sample:
 * bytes per row measured (heap, TOAST and the design's indexes, partitions included) × rows.
 * Advised indexes come on top (indexes.sql gives their sizes).
 */
async function sizeTables(engine: Engine, spec: Spec, design: DesignModel): Promise<void> {
  for (const { table, volume: e, from } of tableVolumes(spec, design)) {
    if (e.rows === undefined) continue;
    const [{ rows, bytes }] = await engine.query<{ rows: number; bytes: number }>(
      `SELECT (SELECT count(*) FROM ${qualifiedName('public', table.name)})::float8 AS rows,
              (SELECT coalesce(sum(pg_table_size(r) + pg_indexes_size(r)), 0) FROM (SELECT $1::regclass AS r UNION SELECT relid FROM pg_partition_tree($1::regclass)) t)::float8 AS bytes`,
      [qualifiedName('public', table.name)],
    );
    if (!rows) continue;
    const perRow = bytes / rows;
    const now = parseCount(String(e.rows), 'rows');
    const year = rowsAfter(e, 12);
    design.decisions.push({
      topic: 'sizing',
      subject: table.name,
      choice: `${size(now * perRow)} now (${round(now)} rows), ${size(year * perRow)} in a year (${round(year)} rows)`,
      reason: `${Math.round(perRow)} bytes per row with its indexes, measured on the seeded sample (heap, TOAST, the design's indexes; advised ones come on top, indexes.sql)`,
      from: [...from, 'rows'],
    });
  }
}

/** Costs and sizes to three significant digits: the same on every run (estimates against now() drift with the clock). */
const round = significantCount;
const size = significantBytes;

function indexOf(name: string, c: CandidateIndex): Index {
  return {
    name,
    unique: false,
    method: c.method,
    columns: c.keys.map((k) => k.target.column ?? k.target.sql),
    keys: c.keys.map((k) => ({
      column: k.target.column ?? null,
      expression: k.target.column === undefined ? k.target.sql : null,
      ...(k.desc && { order: 'desc' as const }),
      ...(k.nullsFirst !== undefined && k.nullsFirst !== !!k.desc && { nulls: k.nullsFirst ? ('first' as const) : ('last' as const) }),
      ...(k.opclass && { opclass: k.opclass }),
    })),
    where: c.where,
    include: [...c.include],
  };
}

/** A table with many indexes under a write-heavy workload: each insert writes every one. */
function overIndexing(spec: Spec, design: DesignModel): void {
  for (const { table } of design.tables.values()) {
    const count = table.indexes.length + table.uniques.length + (table.primaryKey ? 1 : 0);
    if (count > MAX_INDEXES_PER_TABLE && spec.workload.reads_per_write < 20) {
      design.warnings.push({ subject: table.name, message: `${count} indexes for ${spec.workload.reads_per_write} reads per write: every insert writes ${count} index entries; review whether each declared query needs its own` });
    }
  }
  design.decisions.push({ topic: 'indexes', subject: 'over-indexing', choice: `each advised index had to lower the declared workload's cost by more than it costs the writes (${spec.workload.reads_per_write} reads per write)`, reason: 'an index is paid on every insert and on updates of its columns; the advisor weighs both over the whole workload, and prunes indexes the final set does not need', from: ['workload', 'reads_per_write'] });
}

function indexesSql(design: DesignModel, advice: Advice): string {
  const lines = ['-- Every secondary index of the design, and why it exists (also in schema.sql and the initial migration).', ''];
  const advised = new Map(advice.recommended.map((r) => [r.name, r]));
  for (const schema of design.database.schemas) {
    for (const table of schema.tables) {
      for (const ix of table.indexes) {
        const r = advised.get(ix.name);
        const fk = table.foreignKeys.find((k) => k.columns.length === ix.columns.length && k.columns.every((c, i) => ix.columns[i] === c));
        const why = r ? `serves ${r.serves.map((s) => `${s.query.name} (cost ${round(s.before)} → ${round(s.after)})`).join(', ')}` : fk ? `foreign key ${fk.name}: deletes of ${fk.refTable.name} and joins from it` : ix.unique ? 'a unique business key' : 'declared';
        lines.push(`-- ${ix.name}: ${why}`);
      }
    }
  }
  const ddl = toDDL(design.database).split('\n').filter((l) => /^CREATE (UNIQUE )?INDEX /.test(l));
  return `${[...lines, '', ...ddl].join('\n')}\n`;
}

/** Each declared query with its plan on the FK indexes alone and with the advised ones. */
function queriesMd(spec: Spec, advice: Advice): string {
  const out = [`# ${spec.name}: the declared queries, planned`, '', 'Plans on the design seeded at the spec\'s volume (samples of at most 30 000 rows per table, with the planner statistics scaled to the declared rows). "Before": the keys and foreign-key indexes only; "after": with the advised indexes. Costs are the planner\'s estimates.', ''];
  advice.queries.forEach((q, i) => {
    const [before, after] = [advice.baseline[i], advice.final[i]];
    out.push(`## ${q.name}`, '', '```sql', q.sql, '```', '');
    if (!before.plan || !after.plan) {
      out.push(`Not planned: ${before.error ?? after.error}`, '');
      return;
    }
    const [b, a] = [before.plan['Total Cost'], after.plan['Total Cost']];
    out.push(`Cost ${round(b)} → ${round(a)}${b > 0 ? ` (${a <= b ? '−' : '+'}${+Math.abs((100 * (b - a)) / b).toPrecision(2)} %)` : ''}, weight ${q.weight}.`, '');
    const [treeBefore, treeAfter] = [planTree(before.plan, { rounded: true }), planTree(after.plan, { rounded: true })];
    out.push('Before:', '', '```text', treeBefore, '```', '');
    if (treeAfter !== treeBefore) out.push('After:', '', '```text', treeAfter, '```', '');
  });
  return `${out.join('\n').trimEnd()}\n`;
}
