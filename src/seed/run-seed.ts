import type { Engine } from '../engine/engine.js';
import { SchemawiseError } from '../errors.js';
import { qualifiedName, quoteIdent } from '../model/quote-ident.js';
import type { QualifiedName } from '../model/types.js';
import type { KeySource, SeedPlan } from './seed-plan.js';

export interface SeedProgress {
  table: QualifiedName;
  done: number;
  total: number;
  /** What is being done: rows inserted, or foreign keys filled afterwards. */
  step: 'insert' | 'update';
}

export interface RunSeedOptions {
  /** Rows per INSERT statement: 50 000. */
  batchSize?: number;
  /** Write into tables that already hold rows. */
  force?: boolean;
  onProgress?: (p: SeedProgress) => void;
}

export interface SeedReport {
  tables: { table: QualifiedName; rows: number; generated: number; ms: number; scaled: boolean }[];
  ms: number;
  /** Rows inserted per second, over the whole seed. */
  rowsPerSecond: number;
  /** How the statistics of sampled tables were scaled, or why they could not be. */
  statistics: string[];
}

const label = (qn: QualifiedName) => qualifiedName(qn.schema, qn.name);

/**
 * Runs a seed plan: each table in batches of `INSERT … SELECT … generate_series` (the rows are
 * computed inside PostgreSQL), key tables for the children after each parent, the deferred
 * foreign keys, ANALYZE, and the statistics of sampled tables scaled to the rows they stand for.
 * Statements run one by one, each committing on its own: a failure leaves the rows inserted so
 * far, and says which table and constraint refused.
 */
export async function runSeed(engine: Engine, plan: SeedPlan, options: RunSeedOptions = {}): Promise<SeedReport> {
  const started = performance.now();
  if (!options.force) await refuseFilledTables(engine, plan);
  const batch = options.batchSize ?? 50_000;
  const report: SeedReport = { tables: [], ms: 0, rowsPerSecond: 0, statistics: [] };
  let inserted = 0;
  const counts = new Map<string, number>();
  const bind = (sql: string) => sql.replace(/:count_(sw_keys_\d+):/g, (_, temp: string) => String(counts.get(temp) ?? 0));
  try {
    for (const t of plan.tables) {
      const start = performance.now();
      // With --force, row numbers go on after the rows there: unique values are functions of them.
      const offset = options.force ? (await engine.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t.partitioned ? '' : 'ONLY '}${label(t.table)}`))[0].n : 0;
      for (let lo = 1; lo <= t.generate; lo += batch) {
        const hi = Math.min(t.generate, lo + batch - 1);
        await run(engine, bind(t.insert), [offset + lo, offset + hi], t.table);
        options.onProgress?.({ table: t.table, done: hi, total: t.generate, step: 'insert' });
      }
      inserted += t.generate;
      for (const k of t.keys) counts.set(k.temp, await buildKeys(engine, k));
      report.tables.push({ table: t.table, rows: t.rows, generated: t.generate, ms: performance.now() - start, scaled: plan.scaled.some((x) => x.table === t.table) });
    }
    for (const t of plan.tables) {
      for (const later of t.later) {
        const start = performance.now();
        const [{ n }] = await engine.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_temp.${later.rows.temp}`);
        for (let lo = 1; lo <= n; lo += batch) {
          const hi = Math.min(n, lo + batch - 1);
          await run(engine, bind(later.update), [lo, hi], t.table);
          options.onProgress?.({ table: t.table, done: hi, total: n, step: 'update' });
        }
        const entry = report.tables.find((x) => x.table === t.table);
        if (entry) entry.ms += performance.now() - start;
      }
    }
  } finally {
    for (const k of new Set(plan.tables.flatMap((t) => t.keys))) await engine.exec(`DROP TABLE IF EXISTS pg_temp.${k.temp}`).catch(() => undefined);
  }
  for (const t of plan.tables) await engine.exec(`ANALYZE ${label(t.table)}`);
  report.statistics = await scaleStatistics(engine, plan);
  report.ms = performance.now() - started;
  report.rowsPerSecond = inserted / Math.max(report.ms / 1000, 1e-3);
  return report;
}

async function refuseFilledTables(engine: Engine, plan: SeedPlan): Promise<void> {
  const filled: string[] = [];
  for (const t of plan.tables) {
    const [row] = await engine.query<{ any: boolean }>(`SELECT EXISTS (SELECT FROM ${label(t.table)}) AS any`);
    if (row.any) filled.push(label(t.table));
  }
  if (filled.length) {
    throw new SchemawiseError(`${filled.length === 1 ? 'table' : 'tables'} ${filled.slice(0, 5).join(', ')}${filled.length > 5 ? ', …' : ''} already ${filled.length === 1 ? 'holds' : 'hold'} rows: seed adds rows to what is there only with --force`);
  }
}

async function run(engine: Engine, sql: string, params: unknown[], table: QualifiedName): Promise<void> {
  try {
    await engine.query(sql, params);
  } catch (error) {
    const e = error as { message?: string; constraint?: string; detail?: string };
    const hint = /no partition of relation/.test(e.message ?? '') ? ' (generated timestamps span the last year up to today: add partitions for that range or a DEFAULT partition)' : '';
    throw new SchemawiseError(`seeding ${label(table)}: PostgreSQL: ${e.message ?? String(error)}${e.detail ? ` (${e.detail})` : ''}${hint}`);
  }
}

/** `n → key columns` of a filled table, indexed on `n`: children pick a parent by its row number. */
async function buildKeys(engine: Engine, k: KeySource): Promise<number> {
  // A table's own rows are found again by ctid, kept as `rid` (a column cannot be named ctid).
  const columns = k.columns.map((c) => (c === 'ctid' ? 'ctid AS rid' : quoteIdent(c))).join(', ');
  const notNull = k.columns.filter((c) => c !== 'ctid').map((c) => `${quoteIdent(c)} IS NOT NULL`);
  await engine.exec(
    [
      `DROP TABLE IF EXISTS pg_temp.${k.temp}`,
      `CREATE TEMP TABLE ${k.temp} AS SELECT row_number() OVER () AS n, ${columns} FROM ${k.only ? 'ONLY ' : ''}${label(k.table)}${notNull.length ? ` WHERE ${notNull.join(' AND ')}` : ''}`,
      `CREATE UNIQUE INDEX ON pg_temp.${k.temp} (n)`,
      `ANALYZE pg_temp.${k.temp}`,
    ].join(';\n'),
  );
  const [{ n }] = await engine.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_temp.${k.temp}`);
  return n;
}

/**
 * A sampled table must look to the planner as large as the table it stands for. The planner
 * reads a table's current size in pages and multiplies it by reltuples / relpages: so relpages
 * stays what it is and reltuples becomes the rows asked (PostgreSQL 18's
 * pg_restore_relation_stats; its indexes likewise). Costs that go by pages (a sequential
 * scan's I/O) stay those of the sample.
 */
async function scaleStatistics(engine: Engine, plan: SeedPlan): Promise<string[]> {
  if (!plan.scaled.length) return [];
  const [{ version }] = await engine.query<{ version: number }>(`SELECT current_setting('server_version_num')::int / 10000 AS version`);
  if (version < 18) return [`statistics of ${plan.scaled.length} sampled table(s) not scaled: PostgreSQL ${version} has no pg_restore_relation_stats (18+)`];
  const notes: string[] = [];
  for (const s of plan.scaled) {
    const relations = await engine.query<{ schema: string; name: string; pages: number; tuples: number }>(
      `SELECT n.nspname AS schema, c.relname AS name, greatest(c.relpages, 1) AS pages, c.reltuples::float8 AS tuples
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.oid = $1::regclass OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = $1::regclass)
          OR c.oid IN (SELECT inhrelid FROM pg_inherits WHERE inhparent = $1::regclass)`,
      [label(s.table)],
    );
    const factor = s.rows / Math.max(s.generate, 1);
    for (const r of relations) {
      await engine.query(`SELECT pg_restore_relation_stats('schemaname', $1::text, 'relname', $2::text, 'relpages', $3::int, 'reltuples', $4::real)`, [r.schema, r.name, r.pages, Math.max(r.tuples, 0) * factor]);
    }
    notes.push(`${label(s.table)}: ${s.generate} rows generated for ${s.rows}; planner statistics scaled ×${factor.toFixed(1)}`);
    notes.push(...(await scaleForeignKeyDistinct(engine, plan, s)));
  }
  return notes;
}

/**
 * A sampled table's foreign key column draws from its parent's sample: ANALYZE counts the
 * sample's parents, as a count or as a fraction of the rows that scaled reltuples would
 * multiply. At the asked volume it holds about as many distinct values as the parent has rows
 * (nearly every parent is drawn once the children outnumber it), which is what `col = $1`
 * estimates by: pg_restore_attribute_stats sets that n_distinct (PostgreSQL 18), leaving the
 * most common values and histogram as sampled. A partitioned table's statistics are its tree's
 * (inherited); single-column foreign keys only.
 */
async function scaleForeignKeyDistinct(engine: Engine, plan: SeedPlan, s: SeedPlan['scaled'][number]): Promise<string[]> {
  const fks = await engine.query<{ column: string; parent_schema: string; parent: string; partitioned: boolean }>(
    `SELECT a.attname AS column, pn.nspname AS parent_schema, pc.relname AS parent, c.relkind = 'p' AS partitioned
     FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid
     JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
     JOIN pg_class pc ON pc.oid = k.confrelid JOIN pg_namespace pn ON pn.oid = pc.relnamespace
     WHERE k.contype = 'f' AND k.conrelid = $1::regclass AND cardinality(k.conkey) = 1 AND k.conparentid = 0`,
    [label(s.table)],
  );
  const notes: string[] = [];
  for (const fk of fks) {
    const parent = plan.tables.find((t) => t.table.schema === fk.parent_schema && t.table.name === fk.parent);
    if (!parent) continue;
    const distinct = Math.min(parent.rows, s.rows);
    await engine.query(`SELECT pg_restore_attribute_stats('schemaname', $1::text, 'relname', $2::text, 'attname', $3::text, 'inherited', $4::boolean, 'n_distinct', $5::real)`, [s.table.schema, s.table.name, fk.column, fk.partitioned, distinct]);
    // A scan of one partition estimates by that partition's own statistics: each leaf holding
    // rows gets the distinct count its (already scaled) rows allow.
    if (fk.partitioned) {
      const leaves = await engine.query<{ schema: string; name: string; tuples: number }>(
        `SELECT n.nspname AS schema, c.relname AS name, c.reltuples::float8 AS tuples
         FROM pg_partition_tree($1::regclass) t JOIN pg_class c ON c.oid = t.relid JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE t.isleaf AND c.reltuples > 0 AND EXISTS (SELECT FROM pg_statistic WHERE starelid = c.oid AND NOT stainherit)`,
        [label(s.table)],
      );
      for (const leaf of leaves) {
        await engine.query(`SELECT pg_restore_attribute_stats('schemaname', $1::text, 'relname', $2::text, 'attname', $3::text, 'inherited', false, 'n_distinct', $4::real)`, [leaf.schema, leaf.name, fk.column, Math.max(1, Math.round(Math.min(parent.rows, leaf.tuples)))]);
      }
    }
    notes.push(`${label(s.table)}.${fk.column}: n_distinct ${distinct} (the rows of ${fk.parent_schema}.${fk.parent})`);
  }
  return notes;
}
