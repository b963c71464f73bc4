import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bundledExtensions, createEmbeddedEngine } from '../src/engine/embedded.js';
import type { Engine } from '../src/engine/engine.js';
import { connectServer, redactUrl } from '../src/engine/server.js';
import { SchemawiseError } from '../src/errors.js';

const serverUrl = process.env.SCHEMAWISE_TEST_DATABASE_URL;

/** The error a promise rejects with; fails the test if it resolves. */
async function failure(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a failure');
}

describe('bundled extensions', () => {
  it('lists what PGlite can load, by the name CREATE EXTENSION uses', () => {
    const names = bundledExtensions();
    for (const name of ['btree_gin', 'btree_gist', 'citext', 'hstore', 'ltree', 'pg_trgm', 'pgcrypto', 'uuid-ossp']) {
      expect(names).toContain(name);
    }
    expect(names).not.toContain('plpgsql');
    expect(names).toEqual([...names].sort());
  });

  it('refuses an extension PGlite does not bundle, naming it and pointing at a server', async () => {
    const error = await failure(createEmbeddedEngine({ extensions: ['citext', 'postgis'] }));
    expect(error).toBeInstanceOf(SchemawiseError);
    expect(error.message).toContain('"postgis"');
    expect(error.message).not.toContain('citext');
    expect(error.message).toContain('schemawise inspect postgres://');
  });
});

function describeEngine(label: string, connect: () => Promise<Engine>) {
  describe(label, () => {
    let engine: Engine;
    beforeAll(async () => {
      engine = await connect();
    });
    afterAll(async () => {
      await engine?.close();
    });

    it('runs scripts and parameterised queries', async () => {
      await engine.exec(`CREATE TEMP TABLE t (id int, name text); INSERT INTO t VALUES (1, 'a'), (2, 'b')`);
      expect(await engine.query('SELECT name FROM t WHERE id = $1', [2])).toEqual([{ name: 'b' }]);
    });

    it('returns the same JavaScript values as every other engine', async () => {
      const [row] = await engine.query(`
        SELECT 1::int4 AS int, 2::int8 AS big, 9007199254740993::int8 AS huge, 1.5::numeric AS num, 0.5::float8 AS float,
               true AS bool, 'x'::text AS text, '{a,b}'::name[] AS names, '{{1,2},{3,NULL}}'::int4[] AS nested,
               '1 day'::interval AS interval, '{"a": [1]}'::jsonb AS json, '2024-01-02'::date AS date,
               '2024-01-02 03:04:05+00'::timestamptz AS at, NULL::text AS nothing`);
      expect(row).toEqual({
        int: 1,
        big: 2,
        huge: 9007199254740993n,
        num: '1.5',
        float: 0.5,
        bool: true,
        text: 'x',
        names: ['a', 'b'],
        nested: [
          [1, 2],
          [3, null],
        ],
        interval: '1 day',
        json: { a: [1] },
        date: new Date('2024-01-02'),
        at: new Date('2024-01-02T03:04:05Z'),
        nothing: null,
      });
    });
  });
}

describeEngine('embedded engine', () => createEmbeddedEngine());

describe('embedded engine with extensions', () => {
  it('loads bundled extensions and ignores plpgsql, which is built in', async () => {
    const engine = await createEmbeddedEngine({ extensions: ['citext', 'plpgsql', 'uuid-ossp'] });
    try {
      await engine.exec(`CREATE EXTENSION citext; CREATE EXTENSION "uuid-ossp"`);
      const [row] = await engine.query<{ same: boolean; uuid: string }>(`SELECT 'ABC'::citext = 'abc' AS same, uuid_generate_v4()::text AS uuid`);
      expect(row.same).toBe(true);
      expect(row.uuid).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await engine.close();
    }
  });
});

describe('embedded engine boot cache', () => {
  const saved = process.env.XDG_CACHE_HOME;
  const version = (JSON.parse(readFileSync('node_modules/@electric-sql/pglite/package.json', 'utf8')) as { version: string }).version;
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'schemawise-cache-'));
    process.env.XDG_CACHE_HOME = home;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = saved;
    rmSync(home, { recursive: true, force: true });
  });

  async function bootAndSelect(): Promise<void> {
    const engine = await createEmbeddedEngine();
    try {
      expect(await engine.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    } finally {
      await engine.close();
    }
  }

  it('replaces an unreadable cache with a fresh one, then boots from it', async () => {
    const file = join(home, 'schemawise', `pglite-${version}-datadir.tar.gz`);
    mkdirSync(join(home, 'schemawise'));
    writeFileSync(file, 'not a tarball');
    await bootAndSelect();
    // The cold boot rewrote it whole: a gzip that inflates to a tar of the data directory.
    expect(gunzipSync(readFileSync(file)).length).toBeGreaterThan(1_000_000);
    const written = statSync(file).mtimeMs;
    await bootAndSelect();
    // Booted from the cache: a cold boot would have written it again.
    expect(statSync(file).mtimeMs).toBe(written);
  });

  it('boots when the cache cannot be written', async () => {
    // A regular file where the cache directory should be: even root cannot create it.
    writeFileSync(join(home, 'schemawise'), '');
    await bootAndSelect();
  });
});

describe('server connection failures', () => {
  it('reports a refused connection within 10 s, without the password', async () => {
    const started = Date.now();
    const error = await failure(connectServer('postgres://postgres:secret@127.0.0.1:1/x'));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(error).toBeInstanceOf(SchemawiseError);
    expect(error.message).toContain('connection refused');
    expect(error.message).toContain('postgres://postgres:***@127.0.0.1:1/x');
    expect(error.message).not.toContain('secret');
  });

  it('reports an unknown host', async () => {
    const error = await failure(connectServer('postgres://postgres:secret@no-such-host.invalid/x'));
    expect(error).toBeInstanceOf(SchemawiseError);
    expect(error.message).toContain('unknown host');
    expect(error.message).not.toContain('secret');
  });

  describe('a server that accepts and never answers', () => {
    let server: Server;
    const sockets: Socket[] = [];
    beforeAll(async () => {
      server = createServer((socket) => sockets.push(socket));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    });

    it('times out after 10 s', async () => {
      const { port } = server.address() as { port: number };
      const started = Date.now();
      const error = await failure(connectServer(`postgres://postgres:secret@127.0.0.1:${port}/x`));
      expect(Date.now() - started).toBeLessThan(11_000);
      expect(error).toBeInstanceOf(SchemawiseError);
      expect(error.message).toContain('timed out after 10 s');
      expect(error.message).not.toContain('secret');
    });
  });

  // The local server trusts every TCP connection from 127.0.0.1 (pg_hba.conf), so a wrong
  // password is accepted: a database and a role that do not exist are tested instead.
  describe.skipIf(!serverUrl)('on the test server', () => {
    const at = (user: string, password: string, database: string) => {
      const url = new URL(serverUrl!);
      url.username = user;
      url.password = password;
      url.pathname = `/${database}`;
      return url.toString();
    };

    it('reports a database that does not exist', async () => {
      const error = await failure(connectServer(at('postgres', 'secret', 'schemawise_no_such_database')));
      expect(error).toBeInstanceOf(SchemawiseError);
      expect(error.message).toContain('database "schemawise_no_such_database" does not exist');
      expect(error.message).toContain(':***@');
      expect(error.message).not.toContain('secret');
    });

    it('reports a role that does not exist as an authentication failure', async () => {
      const error = await failure(connectServer(at('schemawise_no_such_role', 'secret', 'test')));
      expect(error).toBeInstanceOf(SchemawiseError);
      expect(error.message).toContain('authentication failed');
      expect(error.message).not.toContain('secret');
    });

    it('applies the statement timeout', async () => {
      const engine = await connectServer(serverUrl!, { statementTimeoutMs: 50 });
      try {
        const error = await failure(engine.query('SELECT pg_sleep(1)'));
        expect(error.message).toContain('statement timeout');
      } finally {
        await engine.close();
      }
    });
  });
});

describe.skipIf(!serverUrl)('server engine', () => {
  describeEngine('on the test server', () => connectServer(serverUrl!));
});

describe('redactUrl', () => {
  it('hides the password in the user info and in parameters', () => {
    expect(redactUrl('postgres://app:s3cr%40t@db.example.com:5432/shop?sslmode=require')).toBe(
      'postgres://app:***@db.example.com:5432/shop?sslmode=require',
    );
    expect(redactUrl('postgresql://app@db/shop?password=s3cret&sslmode=require')).toBe(
      'postgresql://app@db/shop?password=***&sslmode=require',
    );
  });

  it('leaves a URL without a password alone', () => {
    expect(redactUrl('postgres://postgres@127.0.0.1:5432/test')).toBe('postgres://postgres@127.0.0.1:5432/test');
  });

  it('redacts what the URL parser rejects', () => {
    expect(redactUrl('postgres://app:pa ss@[bad/db')).toBe('postgres://app:***@[bad/db');
  });
});
