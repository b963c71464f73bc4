import type { Engine } from '../engine/engine.js';
import { introspect } from '../engine/introspect.js';
import { redactUrl } from '../engine/server.js';
import { SchemawiseError } from '../errors.js';
import { extensionsIn, runScripts } from '../load/load-exact.js';
import { isDatabaseUrl, readSqlInput, type SqlSource } from '../load/load-schema.js';
import type { Database } from '../model/types.js';
import { toDDL } from '../report/ddl.js';

/** Where a seed writes: the engine, the schema as it stands there, and how it got there. */
export interface SeedTarget {
  engine: Engine;
  database: Database;
  /** What was done to prepare it, for the report. */
  prepared: string;
}

/**
 * The database to fill, with the schema of `inputs` in it: the embedded engine with the
 * inputs executed (a live database's schema as DDL), or the server at `db` — its tables as
 * they are when the inputs are that database, the inputs executed there when it has none of
 * their tables. The model is read back from the catalog: the seed follows what PostgreSQL built.
 */
export async function openSeedTarget(inputs: string[], db?: string): Promise<SeedTarget> {
  if (!inputs.length) throw new SchemawiseError('no input: give .sql files, a migrations folder, or a postgres:// URL');
  const urls = inputs.filter(isDatabaseUrl);
  if (urls.length && inputs.length > 1) throw new SchemawiseError('a database URL cannot be combined with other inputs');
  const scripts: SqlSource[] = urls.length ? [] : inputs.flatMap((input) => readSqlInput(input).scripts);
  if (db !== undefined) return openServer(db, urls[0], scripts);
  const { createEmbeddedEngine } = await import('../engine/embedded.js');
  if (urls.length) {
    const { loadDatabase } = await import('../load/load-database.js');
    const { database } = await loadDatabase(urls[0]);
    const ddl = toDDL(database);
    const engine = await createEmbeddedEngine({ extensions: database.extensions.map((e) => e.name) });
    await runOrClose(engine, [{ file: `${redactUrl(urls[0])} (as DDL)`, sql: ddl }]);
    // The live row counts size the seed (× --scale): the embedded copy's tables are empty.
    return { engine, database: withRowCounts((await introspect(engine)).database, database), prepared: `the schema of ${redactUrl(urls[0])} on the embedded PostgreSQL` };
  }
  const engine = await createEmbeddedEngine({ extensions: extensionsIn(scripts) });
  await runOrClose(engine, scripts);
  return { engine, database: (await introspect(engine)).database, prepared: 'the schema executed on the embedded PostgreSQL' };
}

async function runOrClose(engine: Engine, scripts: SqlSource[]): Promise<void> {
  try {
    await runScripts(engine, scripts);
  } catch (error) {
    await engine.close();
    throw error;
  }
}

async function openServer(db: string, input: string | undefined, scripts: SqlSource[]): Promise<SeedTarget> {
  if (!isDatabaseUrl(db)) throw new SchemawiseError(`--db ${redactUrl(db)}: expected a postgres:// or postgresql:// URL`);
  const { connectServer } = await import('../engine/server.js');
  const engine = await connectServer(db);
  try {
    const there = (await introspect(engine)).database;
    if (input !== undefined) {
      if (input !== db) throw new SchemawiseError(`the schema input ${redactUrl(input)} is not the --db database: give the same URL, or .sql files to create the tables`);
      return { engine, database: there, prepared: `the tables of ${redactUrl(db)}` };
    }
    const { loadStatic } = await import('../load/load-schema.js');
    const wanted = (await loadStatic(scripts)).database;
    const names = (d: Database) => new Set(d.schemas.flatMap((s) => s.tables.map((t) => `${s.name}.${t.name}`)));
    const [want, have] = [names(wanted), names(there)];
    const present = [...want].filter((n) => have.has(n));
    if (present.length === want.size) return { engine, database: there, prepared: `the tables of ${redactUrl(db)}` };
    if (present.length) {
      const missing = [...want].filter((n) => !have.has(n));
      throw new SchemawiseError(`${redactUrl(db)} has some of the schema's tables but not ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}: apply the schema there first, or seed an empty database`);
    }
    await runScripts(engine, scripts);
    return { engine, database: (await introspect(engine)).database, prepared: `the schema created in ${redactUrl(db)}` };
  } catch (error) {
    await engine.close();
    throw error;
  }
}

function withRowCounts(target: Database, source: Database): Database {
  for (const schema of target.schemas) {
    for (const table of schema.tables) {
      const rows = source.schemas.find((s) => s.name === schema.name)?.tables.find((t) => t.name === table.name)?.stats?.rows;
      if (rows !== undefined) table.stats = { ...table.stats, rows };
    }
  }
  return target;
}
