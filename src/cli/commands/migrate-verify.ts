import { Option, type Command } from 'commander';
import { redactUrl } from '../../engine/server.js';
import { SchemawiseError } from '../../errors.js';
import { isDatabaseUrl } from '../../load/load-schema.js';
import { readMigrationFolder } from '../../migrations/read-migration-folder.js';
import { formatVerificationText, migrationLabel } from '../../verify/format-verification.js';
import type { VerifyProgress, VerifyResult } from '../../verify/verify-migrations.js';
import { colors as pc, stdoutColors } from '../colors.js';
import { ProgressLine } from '../progress-line.js';
import { EXIT, runAction } from '../run-action.js';

interface VerifyCommandOptions {
  db?: string;
  withData?: boolean;
  format: 'text' | 'json';
  quiet?: boolean;
  verbose?: boolean;
}

/** What a shell reports for a process ended by Ctrl-C (128 + SIGINT). */
const EXIT_INTERRUPTED = 130;
/** After Ctrl-C, how long dropping the scratch database may take before the process just exits. */
const INTERRUPT_GRACE_MS = 10_000;

export function registerMigrateVerify(migrate: Command): void {
  migrate
    .command('verify')
    .description('replay a migration folder: every up in order, and up → down → up for each, checking the down restores the model from before the up')
    .argument('<dir>', 'migration folder (golang-migrate, Flyway, dbmate, Prisma, drizzle, numbered)')
    .option('--db <url>', 'verify on this PostgreSQL server, in a scratch database created and dropped there (the database in the URL is not touched)')
    .option('--with-data', 'fill empty tables with a few generated rows before each step, so what fails on a table with rows fails here too')
    .addOption(new Option('-f, --format <format>', 'report format').choices(['text', 'json']).default('text'))
    .option('-q, --quiet', 'print no progress, summary or notes on stderr')
    .option('--verbose', 'print every note, not only the first ten')
    .addHelpText('after', `
Runs on the embedded PostgreSQL (PGlite) unless --db is given. Problems reported:
  up-failed            an up fails (later migrations cannot run and are not verified)
  down-missing         no down migration (golang-migrate and dbmate always have one; Flyway,
                       Prisma and numbered folders only when some migration has one)
  down-failed          the down fails
  down-not-restoring   after the down, the schema differs from the one before the up
  re-up-failed         the up fails when run again after its down
  re-up-differs        the up run again builds a different schema than the first time

Exit codes: 0 no problems, 1 problems, 2 bad input (not a migration folder, unreachable database).

Examples:
  schemawise migrate verify db/migrations
  schemawise migrate verify db/migrations --with-data
  schemawise migrate verify db/migrations --db postgres://postgres@localhost:5432/postgres --format json`)
    .action(
      runAction(async (dir: string, options: VerifyCommandOptions) => {
        if (isDatabaseUrl(dir)) throw new SchemawiseError(`migrate verify takes a migration folder, not a database URL; to verify on a server: migrate verify <dir> --db ${redactUrl(dir)}`);
        if (options.db !== undefined && !isDatabaseUrl(options.db)) {
          throw new SchemawiseError(`--db ${redactUrl(options.db)}: expected a postgres:// or postgresql:// URL`);
        }
        const folder = readMigrationFolder(dir);
        const progress = !options.quiet && process.stderr.isTTY ? new ProgressLine() : undefined;

        const controller = new AbortController();
        const onInterrupt = () => {
          progress?.clear();
          process.stderr.write(pc.yellow(`interrupted${options.db ? ': dropping the scratch database…' : ''}\n`));
          setTimeout(() => process.exit(EXIT_INTERRUPTED), INTERRUPT_GRACE_MS).unref();
          controller.abort(new Error('interrupted'));
        };
        // `once`: a second Ctrl-C gets Node's default and ends the process at once.
        process.once('SIGINT', onInterrupt);
        // Booting the embedded engine takes seconds before the first migration: say so.
        progress?.say(options.db ? 'creating a scratch database…' : 'starting the embedded PostgreSQL (PGlite)…');
        const started = Date.now();
        let result: VerifyResult;
        try {
          // Imported when used: the engines (PGlite's WebAssembly) must not load for every command.
          const { verifyMigrations } = await import('../../verify/verify-migrations.js');
          result = await verifyMigrations(folder, {
            databaseUrl: options.db,
            withData: options.withData,
            signal: controller.signal,
            onProgress: progress && ((event: VerifyProgress) => progress.say(`[${event.index + 1}/${event.total}] ${migrationLabel(folder.convention, event.migration)} ${event.step}…`)),
          });
        } catch (error) {
          if (controller.signal.aborted) return EXIT_INTERRUPTED;
          throw error;
        } finally {
          process.removeListener('SIGINT', onInterrupt);
          progress?.clear();
        }

        process.stdout.write(options.format === 'json' ? `${JSON.stringify({ version: 1, ...result }, null, 2)}\n` : formatVerificationText(result, stdoutColors));
        if (!options.quiet) reportRun(result, options, (Date.now() - started) / 1000);
        return result.summary.problems > 0 ? EXIT.findings : EXIT.ok;
      }),
    );
}

/** Where and how it ran, and the notes, on stderr: the report on stdout stays the same from run to run. */
function reportRun(result: VerifyResult, options: VerifyCommandOptions, seconds: number): void {
  const leftBehind = result.notes.some((note) => note.startsWith('could not drop the scratch database'));
  const where = options.db ? `a scratch database on ${redactUrl(options.db)}${leftBehind ? '' : ' (dropped)'}` : 'the embedded PostgreSQL (PGlite)';
  const data = result.withData ? ', tables filled with generated rows' : '';
  process.stderr.write(pc.dim(`${result.dir}: ${result.convention}, replayed on ${where}${data} in ${seconds.toFixed(1)} s\n`));
  const limit = options.verbose ? Infinity : 10;
  for (const note of result.notes.slice(0, limit)) process.stderr.write(pc.dim(`  note: ${note}\n`));
  if (result.notes.length > limit) process.stderr.write(pc.dim(`  ... and ${result.notes.length - limit} more notes (--verbose shows all)\n`));
}

/** `[3/12] 0003 add_users down…`, rewritten in place on a terminal. */
