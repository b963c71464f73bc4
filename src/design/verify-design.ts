import type { Engine } from '../engine/engine.js';
import { introspect } from '../engine/introspect.js';
import { normalizeForComparison } from '../model/normalize.js';
import type { DesignFiles } from './emit-design.js';

/**
 * The design's SQL run on the embedded PostgreSQL before anything is written: schema.sql and the
 * initial migration must build the same schema, and the down migration must leave nothing.
 * Returns what went wrong, or nothing. (A failure is a bug in schemawise, never the user's.) On
 * `given`, an embedded engine, its public schema is replaced.
 */
export async function verifyDesign(files: DesignFiles, given?: Engine): Promise<string[]> {
  const { createEmbeddedEngine } = await import('../engine/embedded.js');
  const engine = given ?? (await createEmbeddedEngine());
  const problems: string[] = [];
  try {
    if (given) await reset(engine);
    const built = await build(engine, 'schema.sql', files.get('schema.sql')!, problems);
    await reset(engine);
    const migrated = await build(engine, 'migrations/0001_initial.up.sql', files.get('migrations/0001_initial.up.sql')!, problems);
    if (built && migrated && JSON.stringify(normalizeForComparison(built)) !== JSON.stringify(normalizeForComparison(migrated))) {
      problems.push('schema.sql and migrations/0001_initial.up.sql build different schemas');
    }
    if (migrated) {
      const down = await build(engine, 'migrations/0001_initial.down.sql', files.get('migrations/0001_initial.down.sql')!, problems);
      const left = down?.schemas.flatMap((s) => [...s.tables, ...s.enums, ...s.functions].map((o) => `${s.name}.${o.name}`)) ?? [];
      if (left.length) problems.push(`migrations/0001_initial.down.sql leaves ${left.join(', ')}`);
    }
  } finally {
    if (!given) await engine.close();
  }
  return problems;
}

async function build(engine: Engine, file: string, sql: string, problems: string[]) {
  try {
    await engine.exec(sql);
    return (await introspect(engine)).database;
  } catch (error) {
    problems.push(`${file} fails on PostgreSQL: ${(error as Error).message}`);
    return undefined;
  }
}

async function reset(engine: Engine): Promise<void> {
  await engine.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
}
