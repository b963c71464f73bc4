/**
 * The model's oracle: for every corpus schema and our own fixtures, the model folded
 * statically from the SQL must equal the model PostgreSQL builds when it executes the same
 * SQL — on the embedded engine, and on the server when SCHEMAWISE_TEST_DATABASE_URL is set.
 * Spelling differences the sources cannot avoid are normalised in src/model/normalize.ts.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectServer } from '../src/engine/server.js';
import { introspect } from '../src/engine/introspect.js';
import { SchemawiseError } from '../src/errors.js';
import { loadExact, runScripts } from '../src/load/load-exact.js';
import { loadStatic, readSqlInput, type SqlSource } from '../src/load/load-schema.js';
import { initNormalizer, normalizeForComparison } from '../src/model/normalize.js';
import type { Database } from '../src/model/types.js';
import { modelDiff } from './helpers/model-diff.js';

const root = path.resolve(__dirname, '..');
const corpus = path.resolve(root, '../shared/corpus');
const serverUrl = process.env.SCHEMAWISE_TEST_DATABASE_URL;

// Schema fixtures only: the folders under test/fixtures are migration scenarios for other tests (some fail on purpose).
const ours = [path.join(root, 'examples/shop/schema.sql'), ...readdirSync(path.join(root, 'test/fixtures')).filter((f) => f.endsWith('.sql')).map((f) => path.join(root, 'test/fixtures', f))];
const theirs = existsSync(corpus)
  ? [...readdirSync(path.join(corpus, 'schemas')).sort().map((f) => path.join(corpus, 'schemas', f)), path.join(corpus, 'migrations/authelia')]
  : [];
if (!theirs.length) console.log('oracle: ../shared/corpus is absent; only our own fixtures are checked');

/**
 * Inputs an engine here cannot execute, with the reason. Where neither can, only the
 * static load is checked (it must succeed and find tables).
 */
const CANNOT_RUN_EMBEDDED: Record<string, string> = {
  'postgrest-spec.sql': 'needs PostGIS',
  'supabase.sql': 'needs Supabase roles and extensions (pgsodium, pg_graphql, supabase_vault)',
};
const CANNOT_RUN_ON_SERVER: Record<string, string> = {
  ...CANNOT_RUN_EMBEDDED,
  'pagila.sql': 'needs pgvector, which the Debian PostgreSQL 15 packages here do not have',
};

/**
 * Differences the oracle accepts, each with its reason. A view's text is PostgreSQL's
 * deparse of the stored query: inside joins and subqueries it qualifies column references
 * (`additional.node`) by rules of ruleutils.c that a static load does not reproduce.
 * Listed ones must still occur on the embedded engine (PostgreSQL 18), so the list cannot
 * go stale; PostgreSQL 15 prints some of these the way the static load does.
 */
const KNOWN_DIFFERENCES: Record<string, string[]> = {
  'adventureworks.sql': [
    'schemas[humanresources].views[vjobcandidateeducation].definition',
    'schemas[person].views[vadditionalcontactinfo].definition',
    'schemas[production].views[vproductmodelinstructions].definition',
    'schemas[sales].views[vsalespersonsalesbyfiscalyears].definition',
    'schemas[sales].views[vsalespersonsalesbyfiscalyearsdata].definition',
  ],
};

function expectOracleEqual(input: string, staticModel: Database, engineModel: Database, requireKnown: boolean): void {
  const known = KNOWN_DIFFERENCES[path.basename(input)] ?? [];
  const diff = modelDiff(comparable(staticModel), comparable(engineModel));
  const isKnown = (d: string) => known.some((k) => d.startsWith(`${k}:`));
  expect(diff.filter((d) => !isKnown(d))).toEqual([]);
  if (requireKnown) expect(known.filter((k) => !diff.some((d) => d.startsWith(`${k}:`)))).toEqual([]);
}

const label = (input: string) => path.relative(root, input);
const scriptsOf = (input: string): SqlSource[] => readSqlInput(input).scripts;
const comparable = (db: Database) => normalizeForComparison(db);

beforeAll(() => initNormalizer());

describe.each([...ours, ...theirs])('oracle: %s', (input) => {
  const reason = CANNOT_RUN_EMBEDDED[path.basename(input)];

  it.runIf(!!reason)(`loads statically (cannot be executed here: ${reason ?? '-'})`, async () => {
    const { database } = await loadStatic(scriptsOf(input));
    expect(database.schemas.reduce((n, s) => n + s.tables.length, 0)).toBeGreaterThan(0);
  });

  it.skipIf(!!reason)('static model equals the embedded engine\'s', async () => {
    const scripts = scriptsOf(input);
    const staticModel = (await loadStatic(scripts)).database;
    let exactModel: Database;
    try {
      exactModel = (await loadExact(scripts)).database;
    } catch (error) {
      throw new Error(`${label(input)} did not execute on the embedded engine: ${error instanceof SchemawiseError ? error.format() : error}`);
    }
    expectOracleEqual(input, staticModel, exactModel, true);
  });
});

describe.skipIf(!serverUrl)('oracle on the PostgreSQL server', () => {
  const admin = new pg.Client({ connectionString: serverUrl });
  const database = `schemawise_oracle_${process.pid}`;
  beforeAll(async () => {
    await admin.connect();
  });
  afterAll(async () => {
    await admin.end();
  });

  it.each([...ours, ...theirs].filter((input) => !CANNOT_RUN_ON_SERVER[path.basename(input)]))('static model equals the server\'s: %s', async (input) => {
    const scripts = scriptsOf(input);
    await admin.query(`DROP DATABASE IF EXISTS ${database}`);
    await admin.query(`CREATE DATABASE ${database}`);
    const url = new URL(serverUrl!);
    url.pathname = `/${database}`;
    const engine = await connectServer(url.toString());
    try {
      await runScripts(engine, scripts);
      const serverModel = (await introspect(engine)).database;
      const staticModel = (await loadStatic(scripts)).database;
      expectOracleEqual(input, staticModel, serverModel, false);
    } finally {
      await engine.close();
      await admin.query(`DROP DATABASE IF EXISTS ${database}`);
    }
  });
});
