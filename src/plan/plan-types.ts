import type { LockLevel } from '../lint/migration-types.js';
import type { Change } from '../diff/changes.js';

/**
 * Where a statement runs. An online plan is split in numbered migrations:
 * `main` (one transaction: everything that only takes brief locks), `concurrent` (outside a
 * transaction, one statement at a time: CREATE/DROP INDEX CONCURRENTLY), `validate` (one
 * transaction: VALIDATE CONSTRAINT, keys attached USING INDEX, SET NOT NULL proven by a CHECK).
 * VALIDATE must not share the transaction of the ADD … NOT VALID, or the ADD's strong lock is
 * held for the whole validation scan. `enums` comes first: a value added by ALTER TYPE … ADD
 * VALUE cannot be used (in a default, a CHECK) until its transaction has committed.
 * Expand → backfill → contract (plan-transition.ts) adds `backfill` (a CALL that commits per
 * batch, so outside a transaction) after `main`, `keys` after `concurrent` (foreign keys on
 * the new columns, NOT VALID: they need the backfill done and the new unique indexes built),
 * and `contract` last: what drops the old shape, to deploy once no client uses it.
 */
export type Phase = 'enums' | 'main' | 'backfill' | 'concurrent' | 'keys' | 'validate' | 'contract';
export const PHASES: readonly Phase[] = ['enums', 'main', 'backfill', 'concurrent', 'keys', 'validate', 'contract'];

export type HazardKind =
  | 'drop-schema'
  | 'drop-table'
  | 'drop-column'
  | 'narrowing-type'
  | 'drop-enum-value'
  | 'recreate-table'
  | 'drop-sequence'
  | 'required-column'
  | 'table-rewrite';

/** Hazards that lose data: the plan fails unless the user allows them. */
export const DATA_LOSS: ReadonlySet<HazardKind> = new Set(['drop-schema', 'drop-table', 'drop-column', 'narrowing-type', 'drop-enum-value', 'recreate-table', 'drop-sequence']);

export interface Hazard {
  kind: HazardKind;
  message: string;
}

export interface PlannedStatement {
  sql: string;
  /** What undoes it, for the down file; null when the reverse of an earlier statement covers it. */
  reverse: string | null;
  phase: Phase;
  /** The lock on an existing relation; absent for objects created in this plan or not locked. */
  lock?: { level: LockLevel; on: string };
  /** Rewrites the table (every row copied) or scans it (every row read). */
  rewrites: boolean;
  scans: boolean;
  hazards: Hazard[];
  /** What the down file cannot bring back (data of a dropped column). */
  lost?: string;
  /** Ordering step: statements run in step order, then in the order planned. */
  step: number;
  change: Change;
}

export interface PlanOptions {
  /** Plain statements in one migration, no online rewrites (a database nobody uses yet). */
  offline?: boolean;
  /** Target PostgreSQL major version: SET NOT NULL through a CHECK needs 12. */
  pgVersion?: number;
  /** Online, but type changes and renames in place (one ALTER each) instead of expand → backfill → contract. */
  inPlace?: boolean;
  /** Rows per batch of the backfill procedure (its default; CALL can pass another). */
  batchSize?: number;
  /** Pause between backfill batches, in milliseconds. */
  batchPauseMs?: number;
}

export interface Plan {
  statements: PlannedStatement[];
  hazards: Hazard[];
  /** How the plan chose (a type change done in place, and why). */
  notes: string[];
}
