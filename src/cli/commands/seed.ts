import { Option, type Command } from 'commander';
import { SchemawiseError } from '../../errors.js';
import { parseCount } from '../../seed/parse-count.js';
import { qualifiedName } from '../../model/quote-ident.js';
import { compactCount as count } from '../../report/compact-count.js';
import type { SeedOptions } from '../../seed/seed-plan.js';
import type { SeedProgress, SeedReport } from '../../seed/run-seed.js';
import { stdoutColors as pc } from '../colors.js';
import { ProgressLine } from '../progress-line.js';
import { runAction } from '../run-action.js';
import { list } from './shared-options.js';

interface SeedCommandOptions {
  rows?: string[];
  scale?: string;
  db?: string;
  force?: boolean;
  maxRows?: string;
  batchSize?: string;
  date?: string;
  format: 'text' | 'json';
  quiet?: boolean;
}

export { parseCount };

/** The options seed and explain share (`--rows`, `--scale`, `--max-rows`, `--date`), checked; `--max-rows` is 2M by default on the embedded engine. */
export function seedOptionsOf(options: { rows?: string[]; scale?: string; maxRows?: string; date?: string }, embedded: boolean): SeedOptions {
  const scale = options.scale === undefined ? undefined : Number(options.scale);
  if (scale !== undefined && !(scale > 0)) throw new SchemawiseError(`--scale: "${options.scale}" is not a positive number`);
  if (options.date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(options.date)) throw new SchemawiseError(`--date: "${options.date}" is not a date (yyyy-mm-dd)`);
  const maxRows = options.maxRows !== undefined ? parseCount(options.maxRows, '--max-rows') : embedded ? 2_000_000 : undefined;
  return { rows: parseRows(options.rows ?? []), scale, maxRows, anchor: options.date };
}

/** `users=1e6,orders=2M` → table → rows. */
export function parseRows(items: string[]): Map<string, number> {
  const rows = new Map<string, number>();
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new SchemawiseError(`--rows: "${item}" is not table=count (example: --rows users=1e6,orders=2M)`);
    rows.set(item.slice(0, eq).trim(), parseCount(item.slice(eq + 1), `--rows ${item.slice(0, eq).trim()}`));
  }
  return rows;
}

export function registerSeed(program: Command): void {
  program
    .command('seed')
    .description('fill a database with deterministic generated rows that honour the schema (types, NOT NULL, CHECKs, UNIQUE, enums, foreign keys)')
    .argument('<inputs...>', '.sql files or a migrations folder (the schema), or one postgres:// URL')
    .addOption(new Option('--rows <table=count,...>', 'rows per table, e.g. users=1e6,orders=2M (repeatable)').argParser(list))
    .option('--scale <factor>', 'multiply every row count (the asked ones, a live database\'s, or the default 1000)')
    .option('--db <url>', 'fill this PostgreSQL database (its tables, or the schema created there when it has none of them) instead of the embedded one')
    .option('--force', 'add rows to tables that already hold some')
    .option('--max-rows <count>', 'generate at most this many rows in all; beyond, each table gets a sample and its planner statistics are scaled to the asked count (embedded default: 2M)')
    .option('--batch-size <count>', 'rows per INSERT statement', '50000')
    .option('--date <yyyy-mm-dd>', 'the day generated timestamps end at (default: today): the same date gives the same rows')
    .addOption(new Option('-f, --format <format>', 'report format').choices(['text', 'json']).default('text'))
    .option('-q, --quiet', 'print no progress on stderr')
    .addHelpText('after', `
Rows are computed inside PostgreSQL (INSERT ... SELECT ... FROM generate_series, in batches):
parents before children, foreign keys drawn from the parents' rows (a fifth Zipf-skewed: a few
parents with many children), timestamps spread over the last year in insertion order, enums
following the row's age, 10% NULLs in nullable columns, unique columns distinct, simple CHECKs
(bounds, IN lists, lengths, one column after another) honoured. Self-references and cycles are
filled afterwards through nullable columns.

Without --db the embedded PostgreSQL is filled and thrown away: the report says whether the
schema can be filled at that volume and how fast (explain and advise seed the same way).

Exit codes: 0 filled, 2 bad input, unreachable database, tables already holding rows (without
--force), or a constraint the generated rows break (the message names it).

Examples:
  schemawise seed schema.sql --rows customers=10k,orders=200k
  schemawise seed migrations/ --scale 10 --db postgres://postgres@localhost/dev
  schemawise seed postgres://ro@prod/shop --scale 0.01            the live row counts × 0.01, embedded`)
    .action(
      runAction(async (inputs: string[], options: SeedCommandOptions) => {
        const { openSeedTarget } = await import('../../seed/seed-target.js');
        const { planSeed } = await import('../../seed/seed-plan.js');
        const { runSeed } = await import('../../seed/run-seed.js');
        const seedOptions = seedOptionsOf(options, !options.db);
        const batchSize = parseCount(options.batchSize ?? '50000', '--batch-size');
        const progress = !options.quiet && process.stderr.isTTY ? new ProgressLine() : undefined;
        progress?.say(options.db ? 'connecting…' : 'starting the embedded PostgreSQL (PGlite)…');
        const target = await openSeedTarget(inputs, options.db);
        try {
          const plan = planSeed(target.database, seedOptions);
          const started = performance.now();
          const report = await runSeed(target.engine, plan, { batchSize, force: options.force, onProgress: progress && ((p) => progress.say(progressText(p, started))) });
          progress?.clear();
          if (options.format === 'json') process.stdout.write(`${JSON.stringify({ target: target.prepared, ...report, notes: plan.notes }, null, 2)}\n`);
          else process.stdout.write(formatSeedReport(report, target.prepared, plan.notes));
        } finally {
          progress?.clear();
          await target.engine.close();
        }
      }),
    );
}

function progressText(p: SeedProgress, started: number): string {
  const width = 24;
  const filled = Math.round((p.done / Math.max(p.total, 1)) * width);
  const rate = p.done / Math.max((performance.now() - started) / 1000, 1e-3);
  return `${qualifiedName(p.table.schema, p.table.name)} ${p.step === 'update' ? '(foreign keys) ' : ''}${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${count(p.done)}/${count(p.total)} rows`.concat(p.step === 'insert' ? ` · ${count(rate)} rows/s` : '');
}

export function formatSeedReport(report: SeedReport, target: string, notes: string[]): string {
  const names = report.tables.map((t) => qualifiedName(t.table.schema, t.table.name));
  const width = Math.max(5, ...names.map((n) => n.length));
  const lines = [`seeded ${target}`, `${'table'.padEnd(width)}  ${'rows'.padStart(10)}  ${'generated'.padStart(10)}  ${'time'.padStart(8)}`];
  report.tables.forEach((t, i) => lines.push(`${names[i].padEnd(width)}  ${String(t.rows).padStart(10)}  ${String(t.generated).padStart(10)}  ${`${(t.ms / 1000).toFixed(2)} s`.padStart(8)}${t.scaled ? '  (sample; statistics scaled)' : ''}`));
  const total = report.tables.reduce((n, t) => n + t.generated, 0);
  lines.push(`${total} rows in ${(report.ms / 1000).toFixed(2)} s (${count(report.rowsPerSecond)} rows/s)`);
  for (const n of [...notes, ...report.statistics]) lines.push(pc.dim(`  note: ${n}`));
  return `${lines.join('\n')}\n`;
}
