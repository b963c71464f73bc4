import type { Engine } from '../../src/engine/engine.js';
import { splitSql } from '../../src/parse/split-sql.js';

/** Drops every user schema and recreates an empty `public`: a clean database between cases. */
export async function resetEngine(engine: Engine): Promise<void> {
  const schemas = await engine.query<{ name: string }>(
    `SELECT nspname AS name FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'`,
  );
  for (const { name } of schemas) await engine.exec(`DROP SCHEMA "${name.replace(/"/g, '""')}" CASCADE`);
  await engine.exec('CREATE SCHEMA public');
}

/**
 * Runs a script one statement at a time, as psql does: CREATE INDEX CONCURRENTLY refuses
 * to run in the implicit transaction of a multi-statement simple query.
 */
export async function execStatements(engine: Engine, sql: string): Promise<void> {
  for (const chunk of splitSql(sql)) if (chunk.kind === 'sql') await engine.exec(chunk.text);
}
