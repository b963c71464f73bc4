import { Option, type Command } from 'commander';
import { redactUrl } from '../../engine/server.js';
import { SchemawiseError } from '../../errors.js';
import { isDatabaseUrl, readSqlInput } from '../../load/load-schema.js';
import { ProgressLine } from '../progress-line.js';
import { runAction } from '../run-action.js';
import { writeOutput } from '../write-output.js';
import { parseCount, seedOptionsOf } from './seed.js';
import { list } from './shared-options.js';

interface ExplainCommandOptions {
  queries: string;
  analyze?: boolean;
  db?: string;
  rows?: string[];
  scale?: string;
  maxRows?: string;
  date?: string;
  largeRows?: string;
  timeout?: string;
  format: 'text' | 'json' | 'markdown';
  out?: string;
  quiet?: boolean;
}

export function registerExplain(program: Command): void {
  program
    .command('explain')
    .description('EXPLAIN each query of a file on data at the expected volume: the plan, estimated vs actual rows, the dominant nodes, and warnings')
    .argument('<inputs...>', '.sql files or a migrations folder (the schema, executed and seeded on the embedded PostgreSQL), or one postgres:// URL (its data, read-only)')
    .requiredOption('--queries <file>', 'the queries, one statement each; `-- name:`, `-- weight:` / `-- per_second:` and `-- params:` comment lines above a query annotate it')
    .option('--analyze', 'run the queries (EXPLAIN ANALYZE, in a transaction rolled back; read-only on a live database)')
    .option('--db <url>', 'explain on this PostgreSQL database as it is (read-only, nothing seeded) instead of the embedded one')
    .addOption(new Option('--rows <table=count,...>', 'rows to seed per table on the embedded engine, e.g. orders=2M (as seed --rows)').argParser(list))
    .option('--scale <factor>', 'multiply every table\'s row count (as seed --scale)')
    .option('--max-rows <count>', 'rows generated at most; beyond, samples with scaled statistics (as seed --max-rows, default 2M)')
    .option('--date <yyyy-mm-dd>', 'the day generated timestamps end at (default: today)')
    .option('--large-rows <count>', 'a sequential scan of a table of at least this many rows is a warning', '10000')
    .option('--timeout <seconds>', 'statement_timeout of each EXPLAIN', '30')
    .addOption(new Option('-f, --format <format>', 'output format (markdown: the "query examples with EXPLAIN" section of a design report)').choices(['text', 'json', 'markdown']).default('text'))
    .option('-o, --out <file>', 'write to this file instead of stdout (written whole or not at all)')
    .option('-q, --quiet', 'print no progress on stderr')
    .addHelpText('after', `
A query with $1-style parameters gets its generic plan (a prepared statement under
plan_cache_mode = force_generic_plan), unless "-- params: 42, 'paid'" gives values.

Warnings: seq-scan-large-table, spills-to-disk (ANALYZE), rows-misestimated (ANALYZE, 10× or
more), nested-loop-large, filter-discards-most (ANALYZE).

Exit codes: 0 every query explained, 2 bad input or a query PostgreSQL refused (its error is in
the report).

Examples:
  schemawise explain schema.sql --queries queries.sql --rows orders=2M,customers=100k
  schemawise explain migrations/ --queries queries.sql --analyze --format markdown --out queries.md
  schemawise explain postgres://ro@replica/shop --queries queries.sql --analyze`)
    .action(
      runAction(async (inputs: string[], options: ExplainCommandOptions) => {
        const { readQueries } = await import('../../explain/read-queries.js');
        const { explainQuery, tableSizes } = await import('../../explain/explain-query.js');
        const { reportQueries, formatExplainText, formatExplainJson, formatExplainMarkdown } = await import('../../explain/format-explain.js');
        const file = readSqlInput(options.queries);
        if (file.info.kind !== 'file') throw new SchemawiseError(`--queries ${options.queries}: expected a .sql file of queries, not a folder`);
        const { initParser } = await import('../../parse/parse-script.js');
        await initParser();
        const queries = readQueries(options.queries, file.scripts[0].sql);
        const timeout = Number(options.timeout ?? '30');
        if (!(timeout > 0)) throw new SchemawiseError(`--timeout: "${options.timeout}" is not a positive number of seconds`);
        const largeRows = parseCount(options.largeRows ?? '10000', '--large-rows');
        const live = options.db ?? (inputs.length === 1 && isDatabaseUrl(inputs[0]) ? inputs[0] : undefined);
        if (live !== undefined && !isDatabaseUrl(live)) throw new SchemawiseError(`--db ${redactUrl(live)}: expected a postgres:// or postgresql:// URL`);
        const progress = !options.quiet && process.stderr.isTTY ? new ProgressLine() : undefined;

        let engine;
        if (live !== undefined) {
          const { connectServer } = await import('../../engine/server.js');
          progress?.say('connecting…');
          engine = await connectServer(live);
        } else {
          const { openSeedTarget } = await import('../../seed/seed-target.js');
          const { planSeed } = await import('../../seed/seed-plan.js');
          const { runSeed } = await import('../../seed/run-seed.js');
          const seedOptions = seedOptionsOf(options, true);
          progress?.say('starting the embedded PostgreSQL (PGlite)…');
          const target = await openSeedTarget(inputs);
          engine = target.engine;
          try {
            const plan = planSeed(target.database, seedOptions);
            await runSeed(engine, plan, { onProgress: progress && ((p) => progress.say(`seeding ${p.table.schema}.${p.table.name} ${p.done}/${p.total}`)) });
          } catch (error) {
            await engine.close();
            throw error;
          }
        }
        try {
          const explained = [];
          for (const [i, q] of queries.entries()) {
            progress?.say(`[${i + 1}/${queries.length}] ${q.name}…`);
            explained.push(await explainQuery(engine, q, { analyze: options.analyze, timeoutMs: timeout * 1000, readOnly: live !== undefined }));
          }
          progress?.clear();
          const reports = reportQueries(explained, await tableSizes(engine), largeRows);
          const text = options.format === 'json' ? formatExplainJson(reports) : options.format === 'markdown' ? formatExplainMarkdown(reports) : formatExplainText(reports);
          if (options.out) writeOutput(options.out, text);
          else process.stdout.write(text);
          return explained.some((e) => e.error) ? 2 : 0;
        } finally {
          progress?.clear();
          await engine.close();
        }
      }),
    );
}
