import { bundledExtensions } from '../engine/embedded.js';
import type { Engine } from '../engine/engine.js';
import { introspect } from '../engine/introspect.js';
import { SchemawiseError } from '../errors.js';
import { extensionsIn } from '../load/load-exact.js';
import { readMigrationFolder, type MigrationConvention, type MigrationFile, type MigrationFolder } from '../migrations/read-migration-folder.js';
import { initNormalizer, normalizeForComparison } from '../model/normalize.js';
import type { Database, Span } from '../model/types.js';
import { splitSql } from '../parse/split-sql.js';
import { emptyTables, fillTables } from './fill-tables.js';
import { modelDifferences, type ModelDifference } from './model-differences.js';
import { runMigrationScript, type ScriptRun, type StatementFailure } from './run-migration-script.js';
import { embeddedScratch, serverScratch, type ScratchDatabase } from './scratch-database.js';

export interface VerifyOptions {
  /** A PostgreSQL server (`postgres://…`) to verify on, in a scratch database created and dropped there; default: the embedded engine. */
  databaseUrl?: string;
  /** Fill empty tables with generated rows before each up and down, so steps meet data as in production. */
  withData?: boolean;
  /** Called before each step, for progress reports. */
  onProgress?: (progress: VerifyProgress) => void;
  /** Aborting drops the scratch database at once (ending any statement running in it) and rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface VerifyProgress {
  /** 0-based position of the migration in apply order. */
  index: number;
  total: number;
  migration: MigrationFile;
  step: 'up' | 'down' | 're-up' | 'rebuild';
}

export type VerifyProblemKind = 'up-failed' | 'down-missing' | 'down-failed' | 'down-not-restoring' | 're-up-failed' | 're-up-differs';

export interface VerifyProblem {
  kind: VerifyProblemKind;
  /** For people: what is wrong, without the location. */
  message: string;
  /** The file the problem is in (the up or the down). */
  file: string;
  /** The failing statement, for a failure. */
  span?: Span;
  /** PostgreSQL's SQLSTATE, for a failure. */
  sqlState?: string;
  /** For a model that is not the one expected: how it differs. */
  differences?: ModelDifference[];
  /** With `withData`: the step failed on tables with rows and ran on the same tables emptied. */
  onlyWithData?: true;
}

export interface MigrationVerification {
  version: string;
  name: string;
  file: string;
  downFile?: string;
  /** `verified`: up, down and up again all ran and restored their models; `up-only`: no down, and none expected. */
  status: 'verified' | 'up-only' | 'problems' | 'not-run';
  up: 'ok' | 'failed' | 'not-run';
  down: 'restores' | 'does-not-restore' | 'failed' | 'missing' | 'not-run';
  reUp: 'ok' | 'differs' | 'failed' | 'not-run';
  problems: VerifyProblem[];
}

export interface VerifyResult {
  dir: string;
  convention: MigrationConvention;
  engine: 'embedded' | 'server';
  withData: boolean;
  /**
   * Whether a migration without a down is a problem: always for golang-migrate and dbmate,
   * whose tools write both halves; for Flyway, Prisma and numbered folders only when some
   * migration has one; never for drizzle, which has no downs.
   */
  downsExpected: boolean;
  migrations: MigrationVerification[];
  summary: { migrations: number; verified: number; upOnly: number; withProblems: number; notRun: number; problems: number };
  /** Statements not run, tables that could not be filled, and the like. */
  notes: string[];
}

/**
 * Replays a migration folder on a scratch database: each up in order, and for each migration
 * with a down, up → down → up, checking that the down restores the model from before the up
 * (introspected, compared with `normalizeForComparison`) and that the up runs again to the
 * same model. An up that fails stops the run: later migrations depend on it.
 *
 * When a down fails outside a transaction, or the second up fails or builds something else,
 * the database is rebuilt by replaying the ups so far on a fresh one: undoing the damage by
 * hand would trust the very downs being verified, and a replay of ups that already passed is
 * the one state known to be right.
 */
export async function verifyMigrations(folderOrDir: MigrationFolder | string, options: VerifyOptions = {}): Promise<VerifyResult> {
  const folder = typeof folderOrDir === 'string' ? readMigrationFolder(folderOrDir) : folderOrDir;
  const { migrations } = folder;
  const downsExpected =
    folder.convention === 'golang-migrate' || folder.convention === 'dbmate'
      ? true
      : folder.convention === 'drizzle'
        ? false
        : migrations.some((m) => m.down);
  const extensions = extensionsIn(migrations.flatMap((m) => [m, ...(m.down ? [m.down] : [])]));
  if (!options.databaseUrl) assertBundled(extensions);
  await initNormalizer();

  const withData = options.withData ?? false;
  const results: MigrationVerification[] = migrations.map((m) => {
    const result: MigrationVerification = { version: m.version, name: m.name, file: m.file, status: 'not-run', up: 'not-run', down: 'not-run', reUp: 'not-run', problems: [] };
    if (m.down) result.downFile = m.down.file;
    return result;
  });
  const notes = new Set<string>();

  const scratch: ScratchDatabase = options.databaseUrl ? await serverScratch(options.databaseUrl) : embeddedScratch(extensions);
  const onAbort = () => void scratch.dispose();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    options.signal?.throwIfAborted();
    let engine = await scratch.fresh();
    const execute = async (file: string, sql: string, transaction?: false): Promise<ScriptRun> => {
      const outcome = await runMigrationScript(engine, file, sql, { transaction: transaction ?? true, signal: options.signal });
      for (const skipped of outcome.skipped) notes.add(`${skipped.span.file}:${skipped.span.line}:${skipped.span.column}: ${skipped.message}`);
      return outcome;
    };
    /**
     * With data, a step that fails (in a transaction, so it left nothing behind) is run again
     * on the tables emptied: when it then passes, the failure is the data's, and the run goes
     * on from the step's result instead of stopping at it.
     */
    const run = async (file: string, sql: string, transaction?: false): Promise<ScriptRun & { dataFailure?: StatementFailure }> => {
      if (withData) await fill(engine, notes);
      const outcome = await execute(file, sql, transaction);
      if (!withData || !outcome.failure || !outcome.atomic) return outcome;
      await emptyTables(engine);
      const retry = await execute(file, sql, transaction);
      return retry.failure ? outcome : { ...retry, dataFailure: outcome.failure };
    };
    const snapshot = async (): Promise<Database> => normalizeForComparison((await introspect(engine)).database);
    /** A fresh database with migrations 0..last applied; false when one no longer applies. */
    const rebuild = async (last: number): Promise<boolean> => {
      options.onProgress?.({ index: last, total: migrations.length, migration: migrations[last], step: 'rebuild' });
      engine = await scratch.fresh();
      for (let j = 0; j <= last; j++) {
        const outcome = await run(migrations[j].file, migrations[j].sql, migrations[j].transaction);
        if (outcome.failure) {
          notes.add(`rebuilding the database after ${label(migrations[last])}: ${migrations[j].file} failed this time (${outcome.failure.message}); later migrations were not verified`);
          return false;
        }
      }
      return true;
    };

    let before = await snapshot();
    for (let i = 0; i < migrations.length; i++) {
      const migration = migrations[i];
      const result = results[i];
      const progress = (step: VerifyProgress['step']) => options.onProgress?.({ index: i, total: migrations.length, migration, step });

      progress('up');
      const up = await run(migration.file, migration.sql, migration.transaction);
      if (up.failure) {
        result.up = 'failed';
        result.problems.push({ kind: 'up-failed', message: `up failed: ${up.failure.message}`, file: migration.file, ...located(up) });
        break;
      }
      result.up = 'ok';
      if (up.dataFailure) {
        result.problems.push({ kind: 'up-failed', message: `up fails on tables with rows (it runs on empty ones): ${up.dataFailure.message}`, file: migration.file, ...located(up.dataFailure), onlyWithData: true });
      }
      const after = await snapshot();

      const down = migration.down;
      if (!down || migration.repeatable) {
        result.down = 'missing';
        if (downsExpected && !migration.repeatable) {
          result.problems.push({ kind: 'down-missing', message: 'no down migration', file: migration.file });
        }
        before = after;
        continue;
      }

      progress('down');
      const reverted = await run(down.file, down.sql, down.transaction);
      if (reverted.failure) {
        result.down = 'failed';
        result.problems.push({ kind: 'down-failed', message: `down failed: ${reverted.failure.message}`, file: down.file, ...located(reverted) });
        // A down that ran in a transaction left nothing behind: the database is still as the up made it.
        const unchanged = reverted.atomic || modelDifferences(after, await snapshot(), { normalized: true }).length === 0;
        if (!unchanged && !(await rebuild(i))) break;
        before = after;
        continue;
      }
      if (reverted.dataFailure) {
        result.problems.push({ kind: 'down-failed', message: `down fails on tables with rows (it runs on empty ones): ${reverted.dataFailure.message}`, file: down.file, ...located(reverted.dataFailure), onlyWithData: true });
      }
      const found = modelDifferences(before, await snapshot(), { normalized: true });
      // A column dropped and added back comes last, and PostgreSQL cannot move it (the down of an
      // expand/contract does exactly that): said, but not counted as a down that does not restore.
      const differences = found.filter((d) => d.property !== 'column order');
      for (const d of found.filter((x) => x.property === 'column order')) notes.add(`${down.file}: ${d.message} (a column added back comes last, PostgreSQL cannot move it: not counted as a difference)`);
      result.down = differences.length === 0 ? 'restores' : 'does-not-restore';
      if (differences.length > 0) {
        const empty = splitSql(down.sql).some((chunk) => chunk.kind === 'sql') ? '' : ' (the down has no statements)';
        result.problems.push({
          kind: 'down-not-restoring',
          message: `down does not restore the model from before the up${empty}: ${count(differences.length, 'difference')}`,
          file: down.file,
          differences,
        });
      }

      progress('re-up');
      const again = await run(migration.file, migration.sql, migration.transaction);
      if (again.failure) {
        result.reUp = 'failed';
        result.problems.push({ kind: 're-up-failed', message: `up fails when run again after the down: ${again.failure.message}`, file: migration.file, ...located(again) });
        if (!(await rebuild(i))) break;
        before = after;
        continue;
      }
      // The same up failing on rows again says nothing new.
      if (again.dataFailure && !up.dataFailure) {
        result.problems.push({
          kind: 're-up-failed',
          message: `up fails when run again after the down, on tables with rows (it runs on empty ones): ${again.dataFailure.message}`,
          file: migration.file,
          ...located(again.dataFailure),
          onlyWithData: true,
        });
      }
      const redone = modelDifferences(after, await snapshot(), { normalized: true });
      result.reUp = redone.length === 0 ? 'ok' : 'differs';
      if (redone.length > 0) {
        result.problems.push({
          kind: 're-up-differs',
          message: `up run again after the down builds a different model than the first time: ${count(redone.length, 'difference')}`,
          file: migration.file,
          differences: redone,
        });
        if (!(await rebuild(i))) break;
      }
      before = after;
    }
  } catch (error) {
    options.signal?.removeEventListener('abort', onAbort);
    const warning = await scratch.dispose();
    options.signal?.throwIfAborted();
    // A scratch database left on the user's server must be said even when something else failed first.
    if (warning && error instanceof SchemawiseError) throw new SchemawiseError(`${error.message}; also, ${warning}`, error.span);
    throw error;
  }
  options.signal?.removeEventListener('abort', onAbort);
  const warning = await scratch.dispose();
  if (warning) notes.add(warning);
  options.signal?.throwIfAborted();

  for (const result of results) {
    if (result.up === 'not-run') continue;
    result.status = result.problems.length > 0 ? 'problems' : result.down === 'missing' ? 'up-only' : 'verified';
  }
  const counted = (status: MigrationVerification['status']) => results.filter((r) => r.status === status).length;
  return {
    dir: folder.dir,
    convention: folder.convention,
    engine: scratch.kind,
    withData,
    downsExpected,
    migrations: results,
    summary: {
      migrations: results.length,
      verified: counted('verified'),
      upOnly: counted('up-only'),
      withProblems: counted('problems'),
      notRun: counted('not-run'),
      problems: results.reduce((n, r) => n + r.problems.length, 0),
    },
    notes: [...folder.notes, ...notes],
  };
}

async function fill(engine: Engine, notes: Set<string>): Promise<void> {
  const { failed } = await fillTables(engine);
  for (const { table, reason } of failed) notes.add(`--with-data: ${table} left empty: ${reason}`);
}

function located(failed: ScriptRun | StatementFailure): { span?: Span; sqlState?: string } {
  const failure = 'atomic' in failed ? failed.failure : failed;
  const out: { span?: Span; sqlState?: string } = {};
  if (failure?.span) out.span = failure.span;
  if (failure?.sqlState) out.sqlState = failure.sqlState;
  return out;
}

/** The embedded engine loads extensions at boot: one it lacks is a reason to use a server, said before booting. */
function assertBundled(extensions: string[]): void {
  const available = new Set([...bundledExtensions(), 'plpgsql']);
  const missing = extensions.filter((name) => !available.has(name));
  if (missing.length === 0) return;
  const list = missing.map((n) => `"${n}"`).join(', ');
  throw new SchemawiseError(
    `the migrations create extension ${list}, which the embedded PostgreSQL (PGlite) does not have; ` +
      `verify them on a PostgreSQL server that has ${missing.length === 1 ? 'it' : 'them'}: --db postgres://...`,
  );
}

function label(migration: MigrationFile): string {
  return [migration.version, migration.name].filter(Boolean).join(' ');
}

function count(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
