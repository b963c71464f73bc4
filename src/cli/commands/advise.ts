import { Option, type Command } from 'commander';
import type { Engine } from '../../engine/engine.js';
import { redactUrl } from '../../engine/server.js';
import { SchemawiseError } from '../../errors.js';
import type { WorkloadQuery } from '../../explain/read-queries.js';
import { isDatabaseUrl, readSqlInput } from '../../load/load-schema.js';
import type { Database } from '../../model/types.js';
import { ProgressLine } from '../progress-line.js';
import { runAction } from '../run-action.js';
import { writeOutput } from '../write-output.js';
import { parseCount, seedOptionsOf } from './seed.js';
import { list } from './shared-options.js';

interface AdviseCommandOptions {
  queries?: string;
  fromPgStatStatements?: boolean;
  top?: string;
  db?: string;
  rows?: string[];
  scale?: string;
  maxRows?: string;
  date?: string;
  readsPerWrite?: string;
  maxIndexes?: string;
  budgetMb?: string;
  timeout?: string;
  format: 'text' | 'sql' | 'markdown' | 'json';
  out?: string;
  quiet?: boolean;
}

/** Rows per table on the embedded engine when neither --rows nor --scale says: seed's 1000 × 100. */
const DEFAULT_SCALE = 100;

export function registerAdvise(program: Command): void {
  program
    .command('advise')
    .description('recommend indexes for a whole workload, verified by real plans: what to create (and drop), the queries each serves, cost before → after')
    .argument('<inputs...>', '.sql files or a migrations folder (executed and seeded on the embedded PostgreSQL), or one postgres:// URL')
    .option('--queries <file>', 'the workload, one statement each; `-- name:`, `-- weight:` / `-- per_second:` and `-- params:` comment lines above a query annotate it')
    .option('--from-pg-stat-statements', 'the workload recorded by pg_stat_statements on the live database (calls as weights)')
    .option('--top <count>', 'with --from-pg-stat-statements: the statements with the most total time, at most', '100')
    .option('--db <url>', 'advise on this live database: HypoPG\'s hypothetical indexes (nothing is created), or, without HypoPG, its schema and row counts seeded on the embedded engine')
    .addOption(new Option('--rows <table=count,...>', `rows to seed per table on the embedded engine, e.g. orders=2M (default: ${1000 * DEFAULT_SCALE} per table)`).argParser(list))
    .option('--scale <factor>', 'multiply every table\'s row count (as seed --scale)')
    .option('--max-rows <count>', 'rows generated at most; beyond, samples with scaled statistics (as seed --max-rows, default 2M)')
    .option('--date <yyyy-mm-dd>', 'the day generated timestamps end at (default: today)')
    .option('--reads-per-write <n>', 'reads per write on the tables the workload reads (write cost of each index); default: pg_stat_user_tables on a live database, else 10 (tables the workload INSERTs into: its own writes)')
    .option('--max-indexes <n>', 'recommend at most this many indexes')
    .option('--budget-mb <n>', 'the recommended indexes may take at most this many MB in all')
    .option('--timeout <seconds>', 'statement_timeout of each EXPLAIN', '30')
    .addOption(new Option('-f, --format <format>', 'sql: only the statements to run; text, markdown, json: the report').choices(['text', 'sql', 'markdown', 'json']).default('text'))
    .option('-o, --out <file>', 'write to this file instead of stdout (written whole or not at all)')
    .option('-q, --quiet', 'print no progress on stderr')
    .addHelpText('after', `
How it works: candidates come from each query's parse tree (equality and IN keys, ranges, ORDER BY
with its directions and LIMIT, join keys, GROUP BY, constant predicates as partial indexes,
INCLUDE columns for index-only scans, expressions like lower(email), GIN for jsonb/array/full-text,
BRIN for ranges on large tables in physical order). Each set is costed by PostgreSQL's planner:
on the embedded engine every candidate is built for real on seeded data and switched off in
rolled-back transactions; on a live database HypoPG's hypothetical indexes (never a real one).
The selection is greedy over the whole workload, net of each index's write cost, re-evaluated
after each choice, then pruned of indexes the final set does not need.

Exit codes: 0 advice given (queries PostgreSQL refused are listed in the report's notes), 2 bad
input, an unreachable database, or a workload none of whose queries could be planned.

Examples:
  schemawise advise schema.sql --queries queries.sql --rows orders=2M,customers=100k
  schemawise advise migrations/ --queries queries.sql --format sql --out indexes.sql
  schemawise advise postgres://localhost/shop --from-pg-stat-statements --max-indexes 5`)
    .action(
      runAction(async (inputs: string[], options: AdviseCommandOptions) => {
        const { readQueries } = await import('../../explain/read-queries.js');
        const { initParser } = await import('../../parse/parse-script.js');
        const { initNormalizer } = await import('../../model/normalize.js');
        const live = options.db ?? (inputs.length === 1 && isDatabaseUrl(inputs[0]) ? inputs[0] : undefined);
        if (live !== undefined && !isDatabaseUrl(live)) throw new SchemawiseError(`--db ${redactUrl(live)}: expected a postgres:// or postgresql:// URL`);
        if (!options.queries && !options.fromPgStatStatements) throw new SchemawiseError('no workload: give --queries <file>, or --from-pg-stat-statements with a database URL');
        if (options.queries && options.fromPgStatStatements) throw new SchemawiseError('--queries and --from-pg-stat-statements: give one workload');
        if (options.fromPgStatStatements && live === undefined) throw new SchemawiseError('--from-pg-stat-statements reads a live database: give its postgres:// URL');
        const adviseOptions = {
          ...(options.readsPerWrite !== undefined && { readsPerWrite: positive(options.readsPerWrite, '--reads-per-write', true) }),
          ...(options.maxIndexes !== undefined && { maxIndexes: indexCount(options.maxIndexes) }),
          ...(options.budgetMb !== undefined && { budgetBytes: positive(options.budgetMb, '--budget-mb') * 1048576 }),
        };
        const timeoutMs = positive(options.timeout ?? '30', '--timeout') * 1000;
        const top = parseCount(options.top ?? '100', '--top');
        await initParser();
        await initNormalizer();
        let queries: WorkloadQuery[] | undefined;
        if (options.queries) {
          const file = readSqlInput(options.queries);
          if (file.info.kind !== 'file') throw new SchemawiseError(`--queries ${options.queries}: expected a .sql file of queries, not a folder`);
          queries = readQueries(options.queries, file.scripts[0].sql);
        }
        const progress = !options.quiet && process.stderr.isTTY ? new ProgressLine() : undefined;
        const notice = (message: string) => {
          progress?.clear();
          if (!options.quiet) process.stderr.write(`${message}\n`);
        };

        let engine: Engine | undefined;
        let database: Database;
        let whatIf;
        let tableReadsPerWrite: Map<string, number> | undefined;
        try {
          if (live !== undefined) {
            const { connectServer } = await import('../../engine/server.js');
            const { introspect } = await import('../../engine/introspect.js');
            const { hypopgVersion, HypopgWhatIf } = await import('../../advise/hypopg-what-if.js');
            progress?.say('connecting…');
            engine = await connectServer(live);
            if (options.fromPgStatStatements) {
              const { readStatStatements } = await import('../../advise/stat-statements.js');
              queries = await readStatStatements(engine, { limit: top });
            }
            if (await hypopgVersion(engine)) {
              database = (await introspect(engine)).database;
              whatIf = new HypopgWhatIf(engine, { timeoutMs });
              if (options.readsPerWrite === undefined) tableReadsPerWrite = await measuredReadsPerWrite(engine);
            } else {
              notice(`HypoPG is not installed in ${redactUrl(live)} (CREATE EXTENSION hypopg, where the server has it, lets advise plan there): advising on the embedded engine with its schema and row counts instead`);
              await engine.close();
              engine = undefined;
              ({ engine, database } = await seededEmbedded([live], options, progress, false));
            }
          } else {
            const scaled = options.rows?.length || options.scale !== undefined;
            if (!scaled) notice(`seeding ${1000 * DEFAULT_SCALE} rows per table (give --rows or --scale for the volume you expect: the advice depends on it)`);
            ({ engine, database } = await seededEmbedded(inputs, options, progress, !scaled));
          }
          if (!whatIf) {
            const { EmbeddedWhatIf } = await import('../../advise/embedded-what-if.js');
            whatIf = new EmbeddedWhatIf(engine, { timeoutMs });
          }
          const { advise } = await import('../../advise/advise.js');
          const advice = await advise(engine, database, queries!, whatIf, { ...adviseOptions, ...(tableReadsPerWrite && { tableReadsPerWrite }), onProgress: progress && ((m) => progress.say(m)) });
          await whatIf.close();
          const failed = advice.baseline.find((e) => e.error);
          if (advice.baseline.every((e) => e.error)) throw new SchemawiseError(`no query of the workload could be planned: ${failed!.query.name} (${failed!.query.span.file}:${failed!.query.span.line}): ${failed!.error}`);
          progress?.clear();
          const { formatAdviceText, formatAdviceSql, formatAdviceMarkdown, formatAdviceJson } = await import('../../advise/format-advice.js');
          const format = { text: formatAdviceText, sql: formatAdviceSql, markdown: formatAdviceMarkdown, json: formatAdviceJson }[options.format];
          const text = format(advice);
          if (options.out) writeOutput(options.out, text);
          else process.stdout.write(text);
          return 0;
        } finally {
          progress?.clear();
          await engine?.close();
        }
      }),
    );
}

function indexCount(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new SchemawiseError(`--max-indexes: "${text}" is not a whole number of indexes (1 or more)`);
  return n;
}

function positive(text: string, what: string, allowZero = false): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n < 0 || (!allowZero && n === 0)) throw new SchemawiseError(`${what}: "${text}" is not a positive number`);
  return n;
}

/** The schema of `inputs` on the embedded engine, seeded (as seed and explain do). */
async function seededEmbedded(inputs: string[], options: AdviseCommandOptions, progress: ProgressLine | undefined, defaultScale: boolean): Promise<{ engine: Engine; database: Database }> {
  const { openSeedTarget } = await import('../../seed/seed-target.js');
  const { planSeed } = await import('../../seed/seed-plan.js');
  const { runSeed } = await import('../../seed/run-seed.js');
  const { introspect } = await import('../../engine/introspect.js');
  const seedOptions = seedOptionsOf({ ...options, ...(defaultScale && { scale: String(DEFAULT_SCALE) }) }, true);
  progress?.say('starting the embedded PostgreSQL (PGlite)…');
  const target = await openSeedTarget(inputs);
  try {
    await runSeed(target.engine, planSeed(target.database, seedOptions), { onProgress: progress && ((p) => progress.say(`seeding ${p.table.schema}.${p.table.name} ${p.done}/${p.total}`)) });
    return { engine: target.engine, database: (await introspect(target.engine)).database };
  } catch (error) {
    await target.engine.close();
    throw error;
  }
}

/** Reads (scans) per written row of each table since the statistics were reset (pg_stat_user_tables). */
async function measuredReadsPerWrite(engine: Engine): Promise<Map<string, number>> {
  const rows = await engine.query<{ name: string; reads: number; writes: number }>(
    `SELECT schemaname || '.' || relname AS name, (coalesce(seq_scan, 0) + coalesce(idx_scan, 0))::float8 AS reads,
            (n_tup_ins + n_tup_upd - n_tup_hot_upd + n_tup_del)::float8 AS writes
     FROM pg_stat_user_tables`,
  );
  // A table read and never written: no write cost at all (Infinity reads per write).
  return new Map(rows.filter((r) => r.reads > 0).map((r) => [r.name, r.writes > 0 ? r.reads / r.writes : Infinity]));
}
