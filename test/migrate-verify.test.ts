/**
 * `migrate verify` on real PostgreSQL: the embedded engine always, a server when
 * SCHEMAWISE_TEST_DATABASE_URL is set. Fixtures under test/fixtures/verify/ are small folders,
 * each with one kind of problem; the authelia corpus is a real project's 26 migrations.
 */
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedEngine } from '../src/engine/embedded.js';
import type { Engine } from '../src/engine/engine.js';
import { connectServer } from '../src/engine/server.js';
import { SchemawiseError } from '../src/errors.js';
import { loadStatic } from '../src/load/load-schema.js';
import { fillTables } from '../src/verify/fill-tables.js';
import { modelDifferences } from '../src/verify/model-differences.js';
import { verifyMigrations, type VerifyResult } from '../src/verify/verify-migrations.js';

const root = path.resolve(__dirname, '..');
const fixtures = path.join(__dirname, 'fixtures', 'verify');
const fixture = (name: string) => path.join(fixtures, name);
const serverUrl = process.env.SCHEMAWISE_TEST_DATABASE_URL;
if (!serverUrl) console.info('migrate-verify: SCHEMAWISE_TEST_DATABASE_URL is not set; --db is not tested against a server');

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** Each migration's outcome, with problems located relative to the folder: what the assertions compare. */
function outline(result: VerifyResult) {
  return result.migrations.map((m) => ({
    version: m.version,
    status: m.status,
    steps: `${m.up}/${m.down}/${m.reUp}`,
    problems: m.problems.map((p) => ({
      kind: p.kind,
      at: `${path.relative(result.dir, p.span?.file ?? p.file)}${p.span ? `:${p.span.line}:${p.span.column}` : ''}`,
      message: p.message,
      ...(p.differences ? { differences: p.differences.map((d) => d.message) } : {}),
      ...(p.onlyWithData ? { onlyWithData: true } : {}),
    })),
  }));
}

describe('verifyMigrations on the embedded engine', () => {
  it('verifies a good folder: every down restores its model and every up runs again, with rows too', async () => {
    for (const withData of [false, true]) {
      const result = await verifyMigrations(fixture('good'), { withData });
      expect(result).toMatchObject({ convention: 'golang-migrate', engine: 'embedded', withData, downsExpected: true, notes: [] });
      // 0003 backfills before SET NOT NULL, so it passes on rows; 0004 runs CONCURRENTLY, outside a transaction.
      expect(outline(result)).toEqual(
        ['0001', '0002', '0003', '0004'].map((version) => ({ version, status: 'verified', steps: 'ok/restores/ok', problems: [] })),
      );
      expect(result.summary).toEqual({ migrations: 4, verified: 4, upOnly: 0, withProblems: 0, notRun: 0, problems: 0 });
    }
  });

  it('reports a down that forgets an index, then the up that cannot run again, and goes on after rebuilding', async () => {
    const result = await verifyMigrations(fixture('down-not-restoring'));
    expect(outline(result)).toEqual([
      { version: '0001', status: 'verified', steps: 'ok/restores/ok', problems: [] },
      {
        version: '0002',
        status: 'problems',
        steps: 'ok/does-not-restore/failed',
        problems: [
          {
            kind: 'down-not-restoring',
            at: '0002_nickname.down.sql',
            message: 'down does not restore the model from before the up: 1 difference',
            differences: ['extra index users_email_idx on public.users'],
          },
          {
            kind: 're-up-failed',
            at: '0002_nickname.up.sql:3:1',
            message: 'up fails when run again after the down: PostgreSQL: relation "users_email_idx" already exists',
          },
        ],
      },
      // Verified on a database rebuilt from the ups: the leftover index did not leak into it.
      { version: '0003', status: 'verified', steps: 'ok/restores/ok', problems: [] },
    ]);
    expect(result.migrations[1].problems[1].sqlState).toBe('42P07');
  });

  it('reports an up that builds something else the second time (IF NOT EXISTS over a half-undone table)', async () => {
    const result = await verifyMigrations(fixture('re-up-differs'));
    expect(outline(result)[1]).toEqual({
      version: '0002',
      status: 'problems',
      steps: 'ok/does-not-restore/differs',
      problems: [
        {
          kind: 'down-not-restoring',
          at: '0002_audit.down.sql',
          message: 'down does not restore the model from before the up: 1 difference',
          differences: ['extra table public.audit'],
        },
        {
          kind: 're-up-differs',
          at: '0002_audit.up.sql',
          message: 'up run again after the down builds a different model than the first time: 1 difference',
          differences: ['missing column public.audit.note'],
        },
      ],
    });
  });

  it('reports a missing down as a problem where the convention pairs every up with a down', async () => {
    const result = await verifyMigrations(fixture('missing-down'));
    expect(outline(result)).toEqual([
      { version: '0001', status: 'verified', steps: 'ok/restores/ok', problems: [] },
      { version: '0002', status: 'problems', steps: 'ok/missing/not-run', problems: [{ kind: 'down-missing', at: '0002_users_email.up.sql', message: 'no down migration' }] },
    ]);
  });

  it('verifies only the ups of a Flyway folder without undo files, repeatables last, and calls that no problem', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'schemawise-verify-'));
    tempDirs.push(dir);
    writeFileSync(path.join(dir, 'V1__users.sql'), 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\n');
    writeFileSync(path.join(dir, 'V2__email_index.sql'), 'CREATE INDEX users_email_idx ON users (email);\n');
    writeFileSync(path.join(dir, 'R__user_emails.sql'), 'CREATE OR REPLACE VIEW user_emails AS SELECT email FROM users;\n');
    const result = await verifyMigrations(dir);
    expect(result).toMatchObject({ convention: 'flyway', downsExpected: false, notes: [] });
    expect(outline(result).map((m) => [m.version, m.status, m.steps])).toEqual([
      ['1', 'up-only', 'ok/missing/not-run'],
      ['2', 'up-only', 'ok/missing/not-run'],
      ['', 'up-only', 'ok/missing/not-run'],
    ]);
    expect(result.summary).toEqual({ migrations: 3, verified: 0, upOnly: 3, withProblems: 0, notRun: 0, problems: 0 });
  });

  it('stops at an up that fails, located at its statement; later migrations are not run', async () => {
    const result = await verifyMigrations(fixture('up-fails'));
    expect(outline(result)).toEqual([
      { version: '0001', status: 'verified', steps: 'ok/restores/ok', problems: [] },
      {
        version: '0002',
        status: 'problems',
        steps: 'failed/not-run/not-run',
        problems: [{ kind: 'up-failed', at: '0002_users_email_index.up.sql:2:1', message: 'up failed: PostgreSQL: column "mail" does not exist' }],
      },
      { version: '0003', status: 'not-run', steps: 'not-run/not-run/not-run', problems: [] },
    ]);
    expect(result.summary).toMatchObject({ verified: 1, withProblems: 1, notRun: 1, problems: 1 });
  });

  it('reports a failing dbmate down block at its line in the file, and goes on from what the up built', async () => {
    const result = await verifyMigrations(fixture('dbmate-down-fails'));
    expect(result.convention).toBe('dbmate');
    expect(outline(result)).toEqual([
      { version: '20240101000000', status: 'verified', steps: 'ok/restores/ok', problems: [] },
      {
        version: '20240102000000',
        status: 'problems',
        steps: 'ok/failed/not-run',
        problems: [{ kind: 'down-failed', at: '20240102000000_audit.sql:6:1', message: 'down failed: PostgreSQL: table "audit" does not exist' }],
      },
      // The down ran in a transaction, so its failure left the database as the up made it.
      { version: '20240103000000', status: 'verified', steps: 'ok/restores/ok', problems: [] },
    ]);
  });

  it('rebuilds the database when a down fails outside a transaction after changing something', async () => {
    const result = await verifyMigrations(fixture('down-fails-midway'));
    expect(outline(result)).toEqual([
      { version: '0001', status: 'verified', steps: 'ok/restores/ok', problems: [] },
      {
        version: '0002',
        status: 'problems',
        steps: 'ok/failed/not-run',
        problems: [
          { kind: 'down-failed', at: '0002_users_email_index.down.sql:3:1', message: 'down failed: PostgreSQL: index "users_email_lower_idx" does not exist' },
        ],
      },
      // Renames the index the failed down had dropped: it passes only because the database was rebuilt.
      { version: '0003', status: 'verified', steps: 'ok/restores/ok', problems: [] },
    ]);
  });

  it('--with-data: ADD COLUMN ... NOT NULL without a default fails only on a table with rows', async () => {
    expect((await verifyMigrations(fixture('needs-backfill'))).summary.problems).toBe(0);
    const result = await verifyMigrations(fixture('needs-backfill'), { withData: true });
    expect(outline(result)[1]).toEqual({
      version: '0002',
      status: 'problems',
      // It ran on the emptied table, so its down and second up were still verified.
      steps: 'ok/restores/ok',
      problems: [
        {
          kind: 'up-failed',
          at: '0002_users_name.up.sql:2:1',
          message: 'up fails on tables with rows (it runs on empty ones): PostgreSQL: column "name" of relation "users" contains null values',
          onlyWithData: true,
        },
      ],
    });
    expect(result.migrations[1].problems[0].sqlState).toBe('23502');
  });

  it('--with-data: a unique index over a column whose values repeat fails only on rows', async () => {
    expect((await verifyMigrations(fixture('unique-over-duplicates'))).summary.problems).toBe(0);
    const result = await verifyMigrations(fixture('unique-over-duplicates'), { withData: true });
    expect(outline(result)[1].problems).toEqual([
      {
        kind: 'up-failed',
        at: '0002_users_email_unique.up.sql:2:1',
        message:
          'up fails on tables with rows (it runs on empty ones): PostgreSQL: could not create unique index "users_email_key" (Key (email)=(1) is duplicated.)',
        onlyWithData: true,
      },
    ]);
  });

  it('fails with a clear error, before booting, on input it cannot verify', async () => {
    await expect(verifyMigrations(fixture('does-not-exist'))).rejects.toThrow(SchemawiseError);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'schemawise-verify-'));
    tempDirs.push(dir);
    writeFileSync(path.join(dir, '0001_geo.up.sql'), 'CREATE EXTENSION postgis;\n');
    await expect(verifyMigrations(dir)).rejects.toThrow(
      'the migrations create extension "postgis", which the embedded PostgreSQL (PGlite) does not have; verify them on a PostgreSQL server that has it: --db postgres://...',
    );
  });
});

describe('fillTables', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await createEmbeddedEngine();
  });
  afterAll(async () => {
    await engine?.close();
  });

  it('fills empty tables parents first, honouring types, enums, domains, unique keys and foreign keys', async () => {
    // Created in the order that needs sorting: children before their parents.
    await engine.exec(`
      CREATE TYPE mood AS ENUM ('happy', 'sad');
      CREATE DOMAIN email AS text NOT NULL;
      CREATE TABLE people (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        email email UNIQUE,
        mood mood NOT NULL,
        nickname text,
        tags text[] NOT NULL,
        born date NOT NULL,
        payload jsonb NOT NULL,
        member_team int,
        member_seq int,
        shout text GENERATED ALWAYS AS (upper(nickname)) STORED,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE members (team_id int NOT NULL, seq int NOT NULL, PRIMARY KEY (team_id, seq));
      CREATE TABLE teams (id int PRIMARY KEY, code char(2) NOT NULL UNIQUE);
      ALTER TABLE members ADD FOREIGN KEY (team_id) REFERENCES teams (id);
      ALTER TABLE people ADD FOREIGN KEY (member_team, member_seq) REFERENCES members (team_id, seq);
      CREATE TABLE picky (id int PRIMARY KEY, status text NOT NULL CHECK (status IN ('open', 'closed')));`);

    const result = await fillTables(engine);
    expect(result.filled).toEqual(['public.teams', 'public.members', 'public.people']);
    expect(result.failed).toEqual([
      { table: 'public.picky', reason: expect.stringMatching(/^PostgreSQL: new row for relation "picky" violates check constraint "picky_status_check"/) },
    ]);
    const people = await engine.query<Record<string, unknown>>(
      `SELECT email, mood::text, nickname, tags, born::text, payload, member_team, member_seq, shout FROM people ORDER BY id`,
    );
    expect(people).toEqual([
      // Unique columns get distinct values; others repeat (rows 1 and 2) and, when nullable, end with a NULL.
      { email: '1', mood: 'happy', nickname: '1', tags: ['1'], born: '2024-01-02', payload: { n: 1 }, member_team: 1, member_seq: 1, shout: '1' },
      { email: '2', mood: 'happy', nickname: '1', tags: ['1'], born: '2024-01-02', payload: { n: 1 }, member_team: 2, member_seq: 2, shout: '1' },
      { email: '3', mood: 'sad', nickname: null, tags: ['2'], born: '2024-01-03', payload: { n: 2 }, member_team: 3, member_seq: 3, shout: null },
    ]);
    expect(await engine.query(`SELECT count(*)::int4 AS n FROM people p JOIN members m ON (m.team_id, m.seq) = (p.member_team, p.member_seq)`)).toEqual([{ n: 3 }]);
    expect(await engine.query(`SELECT code FROM teams ORDER BY id`)).toEqual([{ code: '1 ' }, { code: '2 ' }, { code: '3 ' }]);

    // Tables with rows are left alone.
    expect((await fillTables(engine)).filled).toEqual([]);
    expect(await engine.query(`SELECT count(*)::int4 AS n FROM people`)).toEqual([{ n: 3 }]);
  });
});

describe('modelDifferences', () => {
  const model = async (sql: string) => (await loadStatic([{ file: 'schema.sql', sql }])).database;

  it('names each object that differs and how', async () => {
    const expected = await model(`
      CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100) NOT NULL, name text);
      CREATE INDEX users_email_idx ON users (email);
      CREATE FUNCTION f(a integer) RETURNS integer LANGUAGE sql AS 'select a';`);
    const actual = await model(`
      CREATE TABLE users (id bigint PRIMARY KEY, name text, email text NOT NULL, bio text);
      CREATE UNIQUE INDEX users_name_key ON users (name);
      CREATE TABLE extra (id int);`);
    expect(modelDifferences(expected, actual).map((d) => d.message)).toEqual([
      'column public.users.email: type is text, expected character varying(100)',
      'extra column public.users.bio',
      'table public.users: column order is (id, name, email), expected (id, email, name)',
      'missing index users_email_idx on public.users',
      'extra index users_name_key on public.users',
      'extra table public.extra',
      'missing function public.f(integer)',
    ]);
    expect(modelDifferences(expected, expected)).toEqual([]);
  });
});

// The built CLI (`npm test` builds first), run as a user would.
const cli = path.join(root, 'dist/cli/main.js');

function run(args: string[], cwd = root) {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.FORCE_COLOR;
  delete env.NO_COLOR;
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd, timeout: 120_000, env });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('schemawise migrate verify', () => {
  it('prints one line per migration, the problems under it, a summary, and exits 1', () => {
    const { code, stdout, stderr } = run(['migrate', 'verify', 'test/fixtures/verify/down-not-restoring']);
    expect(code).toBe(1);
    expect(stdout.split('\n')).toEqual([
      '✓ 0001 users',
      '✗ 0002 nickname',
      '    test/fixtures/verify/down-not-restoring/0002_nickname.down.sql: down does not restore the model from before the up: 1 difference',
      '      extra index users_email_idx on public.users',
      '    test/fixtures/verify/down-not-restoring/0002_nickname.up.sql:3:1: up fails when run again after the down: PostgreSQL: relation "users_email_idx" already exists',
      '✓ 0003 teams',
      '✖ 2 problems in 1 of 3 migrations (1 down-not-restoring, 1 re-up-failed) · 2 verified',
      '',
    ]);
    expect(stderr).toMatch(/^test\/fixtures\/verify\/down-not-restoring: golang-migrate, replayed on the embedded PostgreSQL \(PGlite\) in \d+\.\d s\n$/);
  });

  it('exits 0 when every migration verifies, and 1 with --with-data when rows break one', () => {
    const empty = run(['migrate', 'verify', 'test/fixtures/verify/needs-backfill', '-q']);
    expect(empty).toEqual({ code: 0, stdout: '✓ 0001 users\n✓ 0002 users_name\n✔ 2 migrations replayed: no problems (2 verified)\n', stderr: '' });
    const withData = run(['migrate', 'verify', 'test/fixtures/verify/needs-backfill', '--with-data', '-q']);
    expect(withData.code).toBe(1);
    expect(withData.stdout).toContain('✖ 1 problem in 1 of 2 migrations with generated rows (1 up-failed) · 1 verified\n');
  });

  it('writes the typed result as JSON', () => {
    const { code, stdout } = run(['migrate', 'verify', 'test/fixtures/verify/up-fails', '--format', 'json', '-q']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ version: 1, convention: 'golang-migrate', engine: 'embedded', withData: false, downsExpected: true });
    expect(report.summary).toEqual({ migrations: 3, verified: 1, upOnly: 0, withProblems: 1, notRun: 1, problems: 1 });
    expect(report.migrations[1]).toEqual({
      version: '0002',
      name: 'users_email_index',
      file: 'test/fixtures/verify/up-fails/0002_users_email_index.up.sql',
      downFile: 'test/fixtures/verify/up-fails/0002_users_email_index.down.sql',
      status: 'problems',
      up: 'failed',
      down: 'not-run',
      reUp: 'not-run',
      problems: [
        {
          kind: 'up-failed',
          message: 'up failed: PostgreSQL: column "mail" does not exist',
          file: 'test/fixtures/verify/up-fails/0002_users_email_index.up.sql',
          span: { file: 'test/fixtures/verify/up-fails/0002_users_email_index.up.sql', line: 2, column: 1 },
          sqlState: '42703',
        },
      ],
    });
  });

  it('exits 2 with a message, and no stack trace, on bad input', () => {
    const cases: [string[], string][] = [
      [['test/fixtures/verify/nope'], 'error: migration folder test/fixtures/verify/nope does not exist\n'],
      [['test/fixtures/features.sql'], 'error: test/fixtures/features.sql is not a directory; expected a folder of migrations\n'],
      [['test/fixtures/verify/good', '--db', 'mysql://root:hunter2@db/x'], 'error: --db mysql://root:***@db/x: expected a postgres:// or postgresql:// URL\n'],
      [
        ['postgres://app:hunter2@db/shop'],
        'error: migrate verify takes a migration folder, not a database URL; to verify on a server: migrate verify <dir> --db postgres://app:***@db/shop\n',
      ],
      [
        ['test/fixtures/verify/good', '--db', 'postgres://app:hunter2@127.0.0.1:1/shop'],
        'error: could not connect to postgres://app:***@127.0.0.1:1/shop: connection refused (is PostgreSQL running and listening on that host and port?)\n',
      ],
    ];
    for (const [args, message] of cases) {
      const { code, stdout, stderr } = run(['migrate', 'verify', ...args]);
      expect({ args, code, stdout, stderr }).toEqual({ args, code: 2, stdout: '', stderr: message });
    }
    const unknown = run(['migrate', 'verify', 'test/fixtures']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error: no SQL migrations found in test\/fixtures; expected files like /);
  });
});

const authelia = path.resolve(root, '../shared/corpus/migrations/authelia');
if (!existsSync(authelia)) console.info(`skipping migrate verify over the authelia corpus: ${authelia} is absent`);

describe.skipIf(!existsSync(authelia))('verifyMigrations: the authelia corpus', () => {
  const problemsOf = (result: VerifyResult) =>
    Object.fromEntries(result.migrations.filter((m) => m.problems.length).map((m) => [m.version, m.problems.map((p) => p.kind)]));

  it('replays all 26 migrations; 21 downs restore, five do not', async () => {
    const result = await verifyMigrations(authelia);
    expect(result.summary).toEqual({ migrations: 26, verified: 21, upOnly: 0, withProblems: 5, notRun: 0, problems: 6 });
    expect(problemsOf(result)).toEqual({
      // The down renames totp_configurations away, but its index keeps its name, so creating
      // totp_configurations_username_key again collides: the down fails on PostgreSQL.
      '0002': ['down-failed'],
      // Rename-and-copy: the new SERIAL gets webauthn_devices_id_seq1 while the old table still holds
      // webauthn_devices_id_seq; the down does the same dance back. Every up or down flips the name.
      '0003': ['down-not-restoring', 're-up-differs'],
      // The up drops V0002's backup tables and swaps constraints for indexes; the down does not bring them back.
      '0007': ['down-not-restoring'],
      // The down file is empty: signature stays varchar(768).
      '0011': ['down-not-restoring'],
      // The down recreates webauthn_devices with a primary key V0007 had dropped, and flips its sequence name.
      '0012': ['down-not-restoring'],
    });
    const byVersion = (v: string) => result.migrations.find((m) => m.version === v)!;
    expect(byVersion('0002').problems[0]).toMatchObject({
      message: 'down failed: PostgreSQL: relation "totp_configurations_username_key" already exists',
      span: { file: path.join(authelia, 'V0002.WebAuthn.down.sql'), line: 25, column: 1 },
    });
    expect(byVersion('0003').problems[0].differences!.map((d) => d.message)).toEqual([
      "column public.webauthn_devices.id: default is nextval('webauthn_devices_id_seq1'), expected nextval('webauthn_devices_id_seq')",
      'missing sequence public.webauthn_devices_id_seq',
      'extra sequence public.webauthn_devices_id_seq1',
    ]);
    expect(byVersion('0011').problems[0]).toMatchObject({
      message: 'down does not restore the model from before the up (the down has no statements): 1 difference',
      differences: [expect.objectContaining({ message: 'column public.oauth2_access_token_session.signature: type is character varying(768), expected character varying(255)' })],
    });
    expect(byVersion('0012').problems[0].differences!.map((d) => d.message)).toEqual([
      "column public.webauthn_devices.id: default is nextval('webauthn_devices_id_seq'), expected nextval('webauthn_devices_id_seq1')",
      'extra primary key webauthn_devices_pkey on public.webauthn_devices',
      'missing sequence public.webauthn_devices_id_seq1',
      'extra sequence public.webauthn_devices_id_seq',
    ]);
  });

  it('--with-data: three ups fail on generated rows that the schema allows but Authelia never writes', async () => {
    const result = await verifyMigrations(authelia, { withData: true });
    // Every table got rows: bytea, varchar, timestamptz, ... all have generators.
    expect(result.notes).toEqual([]);
    const onRows = result.migrations.flatMap((m) => m.problems.filter((p) => p.onlyWithData).map((p) => [m.version, p.sqlState]));
    expect(onRows).toEqual([
      // u2f key handles, not unique in the schema (they repeat in generated rows), become webauthn_devices.kid, which is.
      ['0002', '23505'],
      // Deletes identifiers of services other than openid, which consent sessions still reference (RESTRICT).
      ['0005', '23001'],
      // Copies webauthn_devices.rpid, nullable (NULL in a generated row), into a NOT NULL column.
      ['0012', '23502'],
    ]);
    // Each ran on emptied tables instead, so the run went on to the end with the same down problems as without rows.
    expect(result.summary).toMatchObject({ migrations: 26, notRun: 0, withProblems: 6, problems: 9 });
  });
});

describe.skipIf(!serverUrl)('migrate verify --db: a scratch database on a PostgreSQL server', () => {
  const scratchDatabases = async () => {
    const engine = await connectServer(serverUrl!);
    try {
      return (await engine.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'schemawise\\_verify\\_%'`)).map((r) => r.datname);
    } finally {
      await engine.close();
    }
  };

  it('verifies in a database of its own and drops it afterwards', async () => {
    const already = await scratchDatabases();
    const looks: Promise<string[]>[] = [];
    const result = await verifyMigrations(fixture('down-not-restoring'), { databaseUrl: serverUrl, onProgress: () => void looks.push(scratchDatabases()) });
    const seen = (await Promise.all(looks)).flat().filter((name) => !already.includes(name));
    expect(result.engine).toBe('server');
    expect(outline(result).map((m) => [m.version, m.status, m.problems.map((p) => p.kind)])).toEqual([
      ['0001', 'verified', []],
      ['0002', 'problems', ['down-not-restoring', 're-up-failed']],
      ['0003', 'verified', []],
    ]);
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((name) => /^schemawise_verify_[0-9a-f]{12}$/.test(name))).toBe(true);
    expect(await scratchDatabases()).toEqual(already);
  });

  it('fails only with rows on the server too, and leaves nothing behind', async () => {
    const already = await scratchDatabases();
    const result = await verifyMigrations(fixture('unique-over-duplicates'), { databaseUrl: serverUrl, withData: true });
    expect(result.migrations[1].problems.map((p) => [p.kind, p.sqlState, p.onlyWithData])).toEqual([['up-failed', '23505', true]]);
    expect(await scratchDatabases()).toEqual(already);
  });

  it('says so when the role cannot create databases, and exits 2', async () => {
    const role = `schemawise_verify_nocreate_${process.pid}`;
    const admin = await connectServer(serverUrl!);
    try {
      await admin.exec(`CREATE ROLE ${role} LOGIN NOCREATEDB`);
      const url = new URL(serverUrl!);
      url.username = role;
      url.password = '';
      const { code, stderr } = run(['migrate', 'verify', 'test/fixtures/verify/good', '--db', url.toString()]);
      expect(code).toBe(2);
      expect(stderr).toContain(`error: role "${role}" cannot create databases on ${url.toString()}: migrate verify replays migrations in a scratch database`);
    } finally {
      await admin.exec(`DROP ROLE IF EXISTS ${role}`);
      await admin.close();
    }
  });

  it('drops the scratch database on Ctrl-C', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'schemawise-verify-'));
    tempDirs.push(dir);
    cpSync(fixture('good'), dir, { recursive: true });
    writeFileSync(path.join(dir, '0005_slow.up.sql'), 'SELECT pg_sleep(30);\n');
    const already = await scratchDatabases();
    const child = spawn(process.execPath, [cli, 'migrate', 'verify', dir, '--db', serverUrl!, '-q'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Interrupted once the scratch database exists and the slow statement runs in it.
    for (let i = 0; i < 100 && (await scratchDatabases()).length === already.length; i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 1500));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stderr).toContain('interrupted: dropping the scratch database…');
    expect(stderr).not.toMatch(/at .*\.js:\d+/);
    expect(await scratchDatabases()).toEqual(already);
  });
});
