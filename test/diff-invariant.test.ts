/**
 * The diff invariant on our own cases: applying the planned up migrations to `from` on
 * PostgreSQL gives `to`'s catalog, and the down migrations give `from`'s back — online plans
 * (CONCURRENTLY, NOT VALID + VALIDATE, keys USING INDEX) and offline ones.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedEngine } from '../src/engine/embedded.js';
import { serverDatabase, serverUrl } from './helpers/server-database.js';
import type { Engine } from '../src/engine/engine.js';
import { diffModels } from '../src/diff/diff-models.js';
import { loadStatic } from '../src/load/load-schema.js';
import { initNormalizer } from '../src/model/normalize.js';
import { DIFF_CASES } from './helpers/diff-cases.js';
import { roundTrip } from './helpers/round-trip.js';

let engine: Engine;
beforeAll(async () => {
  await initNormalizer();
  engine = await createEmbeddedEngine();
}, 60_000);
afterAll(() => engine?.close());

describe.each(DIFF_CASES.map((c) => [c.name, c] as const))('%s', (_, c) => {
  it('finds the expected changes', async () => {
    const from = (await loadStatic([{ file: 'from.sql', sql: c.from }])).database;
    const to = (await loadStatic([{ file: 'to.sql', sql: c.to }])).database;
    expect(diffModels(from, to, c.renames).changes.map((x) => x.kind).sort()).toEqual([...c.kinds].sort());
  });

  it.each([['online', false], ['offline', true]] as const)('round-trips %s on the embedded engine', async (_, offline) => {
    const result = await roundTrip(engine, c.from, c.to, { offline, renames: c.renames, pgVersion: c.pgVersion });
    expect(result.upDifferences, result.migrations.map((m) => m.up).join('\n')).toEqual([]);
    expect(result.downDifferences, result.migrations.map((m) => m.down).join('\n')).toEqual([]);
  });
});

// The same cases on the PostgreSQL server (CI sets SCHEMAWISE_TEST_DATABASE_URL), in a database of their own.
describe.runIf(!!serverUrl)('on the PostgreSQL server', () => {
  const database = serverDatabase('schemawise_diff');
  let server: Engine;
  beforeAll(async () => {
    server = await database.open();
  }, 60_000);
  afterAll(() => database.close(server));

  it.for(DIFF_CASES.flatMap((c) => [[c.name, 'online', c] as const, [c.name, 'offline', c] as const]))('%s round-trips %s', async ([, mode, c], context) => {
    // A plan for a newer PostgreSQL than the server's uses statements the server does not have.
    if (c.pgVersion && Number((await server.query<{ server_version_num: string }>('SHOW server_version_num'))[0].server_version_num) < c.pgVersion * 10000) return context.skip();
    const result = await roundTrip(server, c.from, c.to, { offline: mode === 'offline', renames: c.renames, pgVersion: c.pgVersion });
    expect(result.upDifferences, result.migrations.map((m) => m.up).join('\n')).toEqual([]);
    expect(result.downDifferences, result.migrations.map((m) => m.down).join('\n')).toEqual([]);
  });
});
