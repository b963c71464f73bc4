import type { Engine } from '../../src/engine/engine.js';
import { introspect } from '../../src/engine/introspect.js';
import { diffModels } from '../../src/diff/diff-models.js';
import type { Renames } from '../../src/diff/changes.js';
import { runScripts } from '../../src/load/load-exact.js';
import { loadStatic } from '../../src/load/load-schema.js';
import { normalizeForComparison } from '../../src/model/normalize.js';
import type { Database } from '../../src/model/types.js';
import { planChanges } from '../../src/plan/plan-changes.js';
import type { PlanOptions } from '../../src/plan/plan-types.js';
import { renderMigrations, type RenderedMigration } from '../../src/plan/render-migrations.js';
import { modelDiff } from './model-diff.js';
import { execStatements, resetEngine } from './scratch-engine.js';

export interface RoundTrip {
  migrations: RenderedMigration[];
  /** Differences between the database after the up migrations and `to` executed directly. */
  upDifferences: string[];
  /** Differences between the database after the down migrations and `from` executed directly. */
  downDifferences: string[];
}

/** A migration as a runner applies it: a transactional one inside BEGIN … COMMIT (what cannot share a transaction fails here as it would there). */
async function apply(engine: Engine, sql: string, transactional: boolean): Promise<void> {
  if (!transactional) return execStatements(engine, sql);
  await engine.exec('BEGIN');
  try {
    await execStatements(engine, sql);
    await engine.exec('COMMIT');
  } catch (error) {
    await engine.exec('ROLLBACK');
    throw error;
  }
}

const comparable = async (engine: Engine): Promise<Database> => normalizeForComparison((await introspect(engine)).database);

/**
 * The diff invariant on one case: `from` executed, the up migrations applied, must introspect
 * as `to` executed; the down migrations applied after, as `from`. Each statement runs on its own
 * (CONCURRENTLY refuses a multi-statement string).
 */
export async function roundTrip(engine: Engine, fromSql: string, toSql: string, options: PlanOptions & { renames?: Renames } = {}): Promise<RoundTrip> {
  const from = (await loadStatic([{ file: 'from.sql', sql: fromSql }])).database;
  const to = (await loadStatic([{ file: 'to.sql', sql: toSql }])).database;
  const migrations = renderMigrations(planChanges(diffModels(from, to, options.renames), options), 'case');

  // As `--exact` runs a schema: ownership, grants and data statements are skipped.
  await resetEngine(engine);
  await runScripts(engine, [{ file: 'to.sql', sql: toSql }]);
  const expectedTo = await comparable(engine);
  await resetEngine(engine);
  await runScripts(engine, [{ file: 'from.sql', sql: fromSql }]);
  const expectedFrom = await comparable(engine);
  for (const m of migrations) await apply(engine, m.up, m.transactional);
  const afterUp = await comparable(engine);
  for (const m of [...migrations].reverse()) await apply(engine, m.down, m.transactional);
  const afterDown = await comparable(engine);
  return { migrations, upDifferences: modelDiff(afterUp, expectedTo), downDifferences: modelDiff(afterDown, expectedFrom) };
}
