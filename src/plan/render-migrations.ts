import { PHASES, type Phase, type Plan, type PlannedStatement } from './plan-types.js';

/** One migration of a plan: its up and down SQL, and whether a runner may wrap it in a transaction. */
export interface RenderedMigration {
  phase: Phase;
  /** Appended to the migration's name: `''`, `_enum_values`, `_backfill`, `_concurrent` (or `_concurrent_1`, …), `_keys`, `_validate`, `_contract`. */
  suffix: string;
  transactional: boolean;
  up: string;
  down: string;
}

export interface RenderOptions {
  /** `SET lock_timeout` at the top of every file: a statement waiting longer for its lock fails instead of queueing everyone behind it. */
  lockTimeout?: string;
  /** `SET statement_timeout` for the transactional files. */
  statementTimeout?: string;
  /** For the file of concurrent index builds, which run as long as the table is large. */
  concurrentStatementTimeout?: string;
  /**
   * For tools that send a migration as one query (golang-migrate, dbmate): PostgreSQL runs a query of
   * several statements in one implicit transaction, so a migration that must run outside one
   * holds a single statement and no SET (`_concurrent_1`, `_concurrent_2`, …).
   */
  oneStatementOutsideTransaction?: boolean;
}

const PHASE_NOTES: Record<Phase, string> = {
  enums: 'Runs in one transaction, before the rest: a new enum value can only be used once this has committed (PostgreSQL 12+).',
  main: 'Runs in one transaction; every lock it takes on an existing table is brief unless noted.',
  concurrent:
    'Runs OUTSIDE a transaction, one statement at a time (CONCURRENTLY refuses a transaction block):\n' +
    'dbmate: transaction:false; Flyway: executeInTransaction=false (its .conf file); psql -f runs it as is.\n' +
    'A failed CONCURRENTLY build leaves an INVALID index: the down file drops it (IF EXISTS).',
  keys:
    'Runs in one transaction, after the backfill and the concurrent builds: foreign keys on the new columns,\n' +
    'added NOT VALID (new rows are checked at once; brief SHARE ROW EXCLUSIVE locks); the next migration validates them.',
  validate: 'Runs in one transaction, after the concurrent builds: validations scan under SHARE UPDATE EXCLUSIVE (writes go on).',
  backfill:
    'Runs OUTSIDE a transaction, as a single statement: the procedure commits after every batch, which\n' +
    'PostgreSQL refuses inside a transaction block (golang-migrate runs a one-statement file as is;\n' +
    'dbmate: transaction:false). So no SET here: a session statement_timeout would stop it.\n' +
    'It fills only the rows still to fill: if it is interrupted, CALL it again and it goes on.\n' +
    'Tune it with CALL procedure(batch_size => 5000, pause => \'50 milliseconds\'); psql shows its progress (NOTICE).\n' +
    'Every row is updated once: expect dead rows for autovacuum and WAL for replicas, at the pace the pause sets.',
  contract:
    'Runs in one transaction. Deploy it only once no client reads or writes the old shape (the old column,\n' +
    'the old table name): it drops the old columns, the sync trigger and the backfill procedure, and gives\n' +
    'the new columns, indexes and keys their final names. Each lock it takes is brief (no scan, no rewrite).',
};

const SUFFIX: Record<Phase, string> = { enums: '_enum_values', main: '', backfill: '_backfill', concurrent: '_concurrent', keys: '_keys', validate: '_validate', contract: '_contract' };

/** The plan as numbered migrations, one per phase that has statements (the offline plan is one). */
export function renderMigrations(plan: Plan, title: string, options: RenderOptions = {}): RenderedMigration[] {
  const migrations: RenderedMigration[] = [];
  for (const phase of PHASES) {
    const statements = plan.statements.filter((s) => s.phase === phase);
    if (!statements.length) continue;
    const transactional = phase !== 'concurrent' && phase !== 'backfill';
    if (transactional || !options.oneStatementOutsideTransaction) {
      // The backfill file is one CALL and nothing else: a runner that sends a file as one string would otherwise wrap it in a transaction.
      migrations.push(renderPhase(phase, statements, SUFFIX[phase], title, options, phase !== 'backfill'));
    } else {
      statements.forEach((s, i) => migrations.push(renderPhase(phase, [s], statements.length > 1 ? `${SUFFIX[phase]}_${i + 1}` : SUFFIX[phase], title, options, false)));
    }
  }
  return migrations;
}

function renderPhase(phase: Phase, statements: PlannedStatement[], suffix: string, title: string, options: RenderOptions, withSettings: boolean): RenderedMigration {
  const timeout = phase === 'concurrent' ? (options.concurrentStatementTimeout ?? '4h') : (options.statementTimeout ?? '15min');
  const settings = withSettings ? [`SET lock_timeout = '${options.lockTimeout ?? '5s'}';\nSET statement_timeout = '${timeout}';`] : [];
  const notes = PHASE_NOTES[phase].split('\n');
  if (!withSettings && phase === 'concurrent') notes.push('One statement and no SET: the migration tool sends the file as one query, which PostgreSQL would run in a transaction.');
  const header = (direction: string) => [`-- ${title}: ${direction} (${phase}) — generated by schemawise migrate diff`, ...notes.map((l) => `-- ${l}`)].join('\n');

  const up = [header('up'), ...settings, ...statements.map(describe)].join('\n\n');
  const reverses = [...statements].reverse().filter((s) => s.reverse !== null);
  const lost = statements.flatMap((s) => (s.lost ? [s.lost] : []));
  const downHeader = [header('down'), ...(lost.length ? ['-- NOT RESTORED by this file (data the up migration destroyed):', ...lost.map((l) => `--   ${l}`)] : [])].join('\n');
  const undo = reverses.length ? [...settings, ...reverses.map((s) => s.reverse!)] : ['-- Nothing to undo here: the down file of the migration before it removes what this one filled or built.'];
  const down = [downHeader, ...undo].join('\n\n');
  return { phase, suffix, transactional: phase !== 'concurrent' && phase !== 'backfill', up: `${up}\n`, down: `${down}\n` };
}

/** A statement with what it costs, as comments above it. */
function describe(s: PlannedStatement): string {
  const notes: string[] = [];
  if (s.lock) notes.push(`lock: ${s.lock.level} on ${s.lock.on}${s.rewrites ? ', rewrites the table' : s.scans ? ', scans the table' : ''}`);
  for (const h of s.hazards) notes.push(`HAZARD ${h.kind}: ${h.message}`);
  return [...notes.map((n) => `-- ${n}`), s.sql].join('\n');
}
