/**
 * `schemawise migrate diff` as a user runs it (the built CLI): the files it writes, in each
 * folder convention, executed on the embedded PostgreSQL up and down; and every refusal —
 * hazards not allowed, bad options, missing inputs — with its message, its exit code and no file.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedEngine } from '../src/engine/embedded.js';
import type { Engine } from '../src/engine/engine.js';
import { introspect } from '../src/engine/introspect.js';
import { initNormalizer, normalizeForComparison } from '../src/model/normalize.js';
import { parseRenames } from '../src/cli/commands/migrate-diff.js';
import { modelDiff } from './helpers/model-diff.js';
import { execStatements, resetEngine } from './helpers/scratch-engine.js';

const cli = path.resolve(__dirname, '../dist/cli/main.js');

function run(args: string[], cwd: string) {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.FORCE_COLOR;
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd, timeout: 60_000, env });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const FROM = `CREATE TABLE users (id bigint PRIMARY KEY, mail text, nickname text);
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL, total numeric(10,2));
`;
const TO = `CREATE TABLE users (id bigint PRIMARY KEY, mail text NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id), total numeric(12,2), CONSTRAINT orders_total_check CHECK (total >= 0));
CREATE INDEX idx_orders_user_id ON orders (user_id);
`;

function project(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'schemawise-diff-'));
  writeFileSync(path.join(dir, 'from.sql'), FROM);
  writeFileSync(path.join(dir, 'to.sql'), TO);
  return dir;
}

let engine: Engine;
beforeAll(async () => {
  await initNormalizer();
  engine = await createEmbeddedEngine();
}, 60_000);
afterAll(() => engine?.close());

async function model(sql: string[]) {
  await resetEngine(engine);
  for (const s of sql) await execStatements(engine, s);
  return normalizeForComparison((await introspect(engine)).database);
}

describe('migrate diff writes migrations', () => {
  it('writes golang-migrate pairs per phase that run up to `to` and down to `from`', async () => {
    const dir = project();
    const r = run(['migrate', 'diff', 'from.sql', 'to.sql', '--dir', 'migrations', '--name', 'tighten', '--allow-hazards', 'drop-column'], dir);
    expect(r.stderr).toContain('hazard drop-column: column public.users.nickname is dropped');
    expect(r.code).toBe(0);
    const files = readdirSync(path.join(dir, 'migrations')).sort();
    expect(files).toEqual([
      '0001_tighten.down.sql', '0001_tighten.up.sql',
      '0002_tighten_concurrent.down.sql', '0002_tighten_concurrent.up.sql',
      '0003_tighten_validate.down.sql', '0003_tighten_validate.up.sql',
    ]);
    const read = (f: string) => readFileSync(path.join(dir, 'migrations', f), 'utf8');
    const ups = files.filter((f) => f.endsWith('.up.sql')).map(read);
    const downs = files.filter((f) => f.endsWith('.down.sql')).reverse().map(read);
    expect(ups[0]).toMatch(/^SET lock_timeout = '5s';$/m);
    expect(ups[0]).toContain('ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;');
    expect(ups[1]).toContain('CREATE INDEX CONCURRENTLY idx_orders_user_id ON public.orders');
    expect(ups[2]).toContain('VALIDATE CONSTRAINT orders_total_check;');
    expect(read('0001_tighten.down.sql')).toContain('NOT RESTORED by this file');
    expect(read('0001_tighten.down.sql')).toContain('the values of public.users.nickname');

    expect(modelDiff(await model([FROM, ...ups]), await model([TO]))).toEqual([]);
    expect(modelDiff(await model([FROM, ...ups, ...downs]), await model([FROM]))).toEqual([]);
  });

  it('continues the numbering and convention of an existing Flyway folder, and a dbmate one', () => {
    const dir = project();
    mkdirSync(path.join(dir, 'flyway'));
    writeFileSync(path.join(dir, 'flyway', 'V1__init.sql'), FROM);
    expect(run(['migrate', 'diff', 'flyway', 'to.sql', '--dir', 'flyway', '--name', 'next', '--allow-hazards', 'all', '--offline'], dir).code).toBe(0);
    expect(readdirSync(path.join(dir, 'flyway')).sort()).toEqual(['U2__next.sql', 'V1__init.sql', 'V2__next.sql']);

    mkdirSync(path.join(dir, 'dbmate'));
    writeFileSync(path.join(dir, 'dbmate', '20240101000000_init.sql'), `-- migrate:up\n${FROM}\n-- migrate:down\nDROP TABLE orders, users;\n`);
    expect(run(['migrate', 'diff', 'dbmate', 'to.sql', '--dir', 'dbmate', '--name', 'next', '--allow-hazards', 'all'], dir).code).toBe(0);
    const written = readdirSync(path.join(dir, 'dbmate')).filter((f) => !f.startsWith('20240101')).sort();
    expect(written).toHaveLength(3);
    const concurrent = readFileSync(path.join(dir, 'dbmate', written.find((f) => f.includes('concurrent'))!), 'utf8');
    expect(concurrent).toMatch(/^-- migrate:up transaction:false$/m);
    expect(concurrent).toMatch(/^-- migrate:down transaction:false$/m);
    // dbmate sends a migration as one query even without a transaction: one statement, no SET.
    expect(concurrent).not.toContain('SET lock_timeout');
  });

  it('writes expand → backfill → contract as golang-migrate files that migrate verify and migrate lint accept', () => {
    const dir = project();
    const before = 'CREATE TABLE events (id bigint PRIMARY KEY, kind text, hits integer NOT NULL DEFAULT 0);\nCREATE INDEX idx_events_hits ON events (hits);\nCREATE INDEX idx_events_kind_hits ON events (kind, hits);\n';
    writeFileSync(path.join(dir, 'before.sql'), before);
    writeFileSync(path.join(dir, 'after.sql'), before.replace('hits integer', 'hits bigint'));
    expect(run(['migrate', 'diff', 'empty', 'before.sql', '--dir', 'm', '--name', 'init'], dir).code).toBe(0);
    const r = run(['migrate', 'diff', 'before.sql', 'after.sql', '--dir', 'm', '--name', 'widen', '--batch-size', '250'], dir);
    expect(r.code).toBe(0);
    expect(readdirSync(path.join(dir, 'm')).filter((f) => f.endsWith('.up.sql')).sort()).toEqual([
      '0001_init.up.sql', '0002_widen.up.sql', '0003_widen_backfill.up.sql', '0004_widen_concurrent_1.up.sql', '0005_widen_concurrent_2.up.sql', '0006_widen_validate.up.sql', '0007_widen_contract.up.sql',
    ]);
    // golang-migrate sends a file as one query: outside a transaction, one statement and no SET.
    for (const f of ['0003_widen_backfill', '0004_widen_concurrent_1', '0005_widen_concurrent_2']) {
      const statements = readFileSync(path.join(dir, 'm', `${f}.up.sql`), 'utf8').split('\n').filter((l) => l.trim() && !l.startsWith('--'));
      expect(statements, f).toHaveLength(1);
    }
    expect(readFileSync(path.join(dir, 'm', '0002_widen.up.sql'), 'utf8')).toContain("(batch_size integer DEFAULT 250, pause interval DEFAULT '100 milliseconds')");
    const verify = run(['migrate', 'verify', 'm', '--with-data'], dir);
    expect(verify.stdout + verify.stderr).toContain('7 migrations replayed with generated rows: no problems');
    expect(verify.code).toBe(0);
    const lint = run(['migrate', 'lint', 'm', '--format', 'json'], dir);
    const findings = JSON.parse(lint.stdout).findings as { rule: string; severity: string }[];
    expect(findings.filter((f) => f.severity === 'error')).toEqual([]);
    expect(findings.map((f) => f.rule)).not.toContain('ban-drop-column');
  });

  it('marks Flyway migrations that run outside a transaction in their script configuration', () => {
    const dir = project();
    mkdirSync(path.join(dir, 'flyway'));
    writeFileSync(path.join(dir, 'flyway', 'V1__init.sql'), FROM);
    expect(run(['migrate', 'diff', 'flyway', 'to.sql', '--dir', 'flyway', '--name', 'next', '--allow-hazards', 'all'], dir).code).toBe(0);
    const files = readdirSync(path.join(dir, 'flyway')).sort();
    expect(files.filter((f) => f.endsWith('.conf'))).toEqual(['U3__next_concurrent.sql.conf', 'V3__next_concurrent.sql.conf']);
    expect(readFileSync(path.join(dir, 'flyway', 'V3__next_concurrent.sql.conf'), 'utf8')).toBe('executeInTransaction=false\n');
  });

  it('applies a rename instead of a drop and an add, and suggests it when not asked', () => {
    const dir = project();
    writeFileSync(path.join(dir, 'renamed.sql'), FROM.replace('mail text', 'email text'));
    const suggested = run(['migrate', 'diff', 'from.sql', 'renamed.sql', '--name', 'r', '--dry-run'], dir);
    expect(suggested.stderr).toContain('possible rename: column mail → email');
    expect(suggested.stderr).toContain('--rename column:public.users.mail=email');
    expect(suggested.code).toBe(2); // the drop is a hazard until renamed or allowed
    const renamed = run(['migrate', 'diff', 'from.sql', 'renamed.sql', '--name', 'r', '--dry-run', '--rename', 'column:users.mail=email'], dir);
    expect(renamed.code).toBe(0);
    // Online, a rename is expand → backfill → contract: the old column goes only in the contract.
    expect(renamed.stdout).toContain('ALTER TABLE public.users ADD COLUMN email text DEFAULT NULL;');
    const holding = renamed.stdout.split('-- ==== migration').filter((m) => m.includes('DROP COLUMN mail'));
    expect(holding.map((m) => m.split('\n')[0].replace(/^ \d+ of \d+: /, ''))).toEqual(['r_contract']);
    const inPlace = run(['migrate', 'diff', 'from.sql', 'renamed.sql', '--name', 'r', '--dry-run', '--in-place', '--rename', 'column:users.mail=email'], dir);
    expect(inPlace.code).toBe(0);
    expect(inPlace.stdout).toContain('ALTER TABLE public.users RENAME COLUMN mail TO email;');
    expect(inPlace.stdout).not.toContain('DROP COLUMN');
  });

  it('refuses a --rename that does not fit the schemas, with the closest name, writing nothing', () => {
    const dir = project();
    writeFileSync(path.join(dir, 'renamed.sql'), FROM.replace('mail text', 'email text').replace('TABLE users', 'TABLE members'));
    for (const [rename, message] of [
      ['table:usres=members', '--rename table:public.usres=members: <from> has no table public.usres (did you mean "users"?)'],
      ['table:users=membres', '--rename table:public.users=membres: <to> has no table public.membres (did you mean "members"?)'],
      ['column:members.mial=email', '--rename column:public.members.mial=email: the table in <from> has no column mial (did you mean "mail"?)'],
      ['column:users.mail=email', '--rename column:public.users.mail=email: <to> has no table public.users (name the table as <to> does)'],
    ] as const) {
      const extra = rename.startsWith('table') ? [] : ['--rename', 'table:users=members'];
      const r = run(['migrate', 'diff', 'from.sql', 'renamed.sql', '--dir', 'm', '--name', 'x', '--rename', rename, ...extra], dir);
      expect(r.stderr).toContain(message);
      expect(r.code).toBe(2);
    }
    expect(readdirSync(dir)).not.toContain('m');
  });

  it('refuses bad backfill settings and --offline with --in-place, writing nothing', () => {
    const dir = project();
    for (const [args, message] of [
      [['--batch-size', '0'], '--batch-size 0: expected a whole number of rows, 1 or more'],
      [['--batch-pause', 'soon'], '--batch-pause soon: expected milliseconds, 0 or more'],
      [['--offline', '--in-place'], '--offline and --in-place: choose one'],
    ] as const) {
      const r = run(['migrate', 'diff', 'from.sql', 'from.sql', '--dir', 'm', '--name', 'x', ...args], dir);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(readdirSync(dir)).not.toContain('m');
  });

  it('says there is nothing to do for identical schemas, and writes nothing', () => {
    const dir = project();
    const r = run(['migrate', 'diff', 'from.sql', 'from.sql', '--dir', 'm', '--name', 'same'], dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('no changes');
    expect(readdirSync(dir)).not.toContain('m');
  });

  it('prints the plan as JSON with each statement, lock and reverse', () => {
    const dir = project();
    const r = run(['migrate', 'diff', 'empty', 'to.sql', '--name', 'initial', '--dry-run', '--format', 'json', '-q'], dir);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.changes).toEqual(['create-table', 'create-table']);
    expect(out.migrations).toHaveLength(1);
    expect(out.statements.find((s: any) => s.sql.startsWith('CREATE TABLE public.users')).reverse).toBe('DROP TABLE public.users;');
  });
});

describe('migrate diff refuses bad input with exit 2 and writes nothing', () => {
  it.each([
    [['from.sql', 'to.sql', '--dir', 'm', '--name', 'x'], 'the plan loses data (drop-column): nothing written'],
    [['from.sql', 'to.sql', '--name', 'x'], '--dir is required'],
    [['from.sql', 'missing.sql', '--dir', 'm', '--name', 'x'], 'missing.sql: no such file or directory'],
    [['from.sql', 'to.sql', '--dir', 'm', '--name', 'bad name'], '--name bad name: use letters'],
    [['from.sql', 'to.sql', '--dir', 'm', '--name', 'x', '--allow-hazards', 'drop-everything'], '--allow-hazards drop-everything: unknown hazard'],
    [['from.sql', 'to.sql', '--dir', 'm', '--name', 'x', '--pg-version', '9'], '--pg-version 9: expected a PostgreSQL major version'],
    [['from.sql', 'to.sql', '--dir', 'm', '--name', 'x', '--rename', 'users.mail'], '--rename users.mail: expected table:'],
  ])('migrate diff %j', (args, message) => {
    const dir = project();
    const r = run(['migrate', 'diff', ...args], dir);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
    expect(r.code).toBe(2);
    expect(readdirSync(dir).sort()).toEqual(['from.sql', 'to.sql']);
  });

  it('reports a syntax error in an input at its line', () => {
    const dir = project();
    writeFileSync(path.join(dir, 'bad.sql'), 'CREATE TABLE a (id int);\nCREATE TABLE b (id int,);\n');
    const r = run(['migrate', 'diff', 'from.sql', 'bad.sql', '--dir', 'm', '--name', 'x'], dir);
    expect(r.stderr).toContain('bad.sql:2:');
    expect(r.code).toBe(2);
  });
});

describe('parseRenames', () => {
  it('qualifies unqualified names with public', () => {
    const r = parseRenames(['table:users=people', 'table:sales.o=orders', 'column:users.mail=email', 'column:sales.orders.t=total']);
    expect([...r.tables]).toEqual([['public.users', 'people'], ['sales.o', 'orders']]);
    expect([...r.columns]).toEqual([['public.users.mail', 'email'], ['sales.orders.t', 'total']]);
  });
});
