/**
 * `schemawise migrate lint` as a user runs it (the built CLI; `npm test` builds first), and the
 * runner's own behaviour: transactions per migration tool, session settings, held locks, the
 * review type rules applied to what a migration adds.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkPgVersion, lintMigrations, MIGRATION_REVIEW_RULES, runsInTransaction } from '../src/lint/lint-migrations.js';
import { MIGRATION_RULES } from '../src/lint/migration-rules/index.js';
import type { Finding } from '../src/lint/types.js';
import { initParser, parseScript } from '../src/parse/parse-script.js';

const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'dist/cli/main.js');
const authelia = path.resolve(root, '../shared/corpus/migrations/authelia');

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function run(args: string[], cwd: string) {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.FORCE_COLOR;
  delete env.NO_COLOR;
  const result = spawnSync(process.execPath, [cli, 'migrate', 'lint', ...args], { encoding: 'utf8', cwd, timeout: 60_000, env });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A fresh folder holding `files` (relative path → contents), where no config file applies. */
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'schemawise-migrate-lint-'));
  tempDirs.push(dir);
  for (const [relative, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, relative)), { recursive: true });
    writeFileSync(path.join(dir, relative), text);
  }
  return dir;
}

/** `file:line ruleId` for each finding of a JSON report. */
function where(stdout: string): string[] {
  return JSON.parse(stdout).findings.map((f: Finding) => `${path.basename(f.location!.file)}:${f.location!.line} ${f.ruleId}`);
}

// The rules these tests are about: others may be added without changing what is asserted here.
const MINE = ['--rule', 'require-concurrent-index-creation,require-lock-timeout,require-statement-timeout,prefer-timestamptz'];

const EVENTS = {
  'migrations/0001_init.up.sql': 'CREATE TABLE events (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, happened_at timestamp);\n',
  'migrations/0002_more.up.sql': 'ALTER TABLE events ADD COLUMN received_at timestamp;\nCREATE INDEX idx_events_received_at ON events (received_at);\n',
};

describe('schemawise migrate lint: reports', () => {
  it('prints findings eslint-style by file, says what it linted and how, and exits 1', () => {
    const dir = project(EVENTS);
    const { code, stdout, stderr } = run(['migrations', '--rule', 'require-concurrent-index-creation,prefer-timestamptz'], dir);
    expect(code).toBe(1);
    expect(stdout.split('\n').slice(0, 9)).toEqual([
      'migrations/0001_init.up.sql',
      '  1:74  warning  Column happened_at is timestamp without time zone: it records no time zone  prefer-timestamptz',
      expect.stringContaining('public.events.happened_at · Use timestamptz'),
      '',
      'migrations/0002_more.up.sql',
      '  1:31  warning  Column received_at is timestamp without time zone: it records no time zone  prefer-timestamptz',
      expect.stringContaining('public.events.received_at · Use timestamptz'),
      '  2:1   warning  CREATE INDEX on public.events blocks writes to it while the index is built  require-concurrent-index-creation',
      expect.stringContaining('public.events · takes a SHARE lock: INSERT, UPDATE and DELETE wait for the whole build'),
    ]);
    // 0001 is one statement (no implicit transaction); 0002 is two, sent as one query by golang-migrate.
    expect(stderr).toContain('migrations (golang-migrate): 2 migrations to lint · 1 of 2 run in a transaction · PostgreSQL 15');
  });

  it('writes JSON with every field, a statement rule and a type rule on an added column alike', () => {
    const dir = project(EVENTS);
    const report = JSON.parse(run(['migrations', '--format', 'json', '-q'], dir).stdout);
    const byRule = (id: string, line: number) => report.findings.find((f: Finding) => f.ruleId === id && f.location!.line === line && f.location!.file.endsWith('0002_more.up.sql'));
    expect(byRule('require-concurrent-index-creation', 2)).toEqual({
      ruleId: 'require-concurrent-index-creation',
      severity: 'warning',
      category: 'migrations',
      message: 'CREATE INDEX on public.events blocks writes to it while the index is built',
      object: 'public.events',
      table: 'public.events',
      location: { file: 'migrations/0002_more.up.sql', line: 2, column: 1 },
      help: expect.stringContaining('Use CREATE INDEX CONCURRENTLY'),
      fix: { title: 'build the index concurrently', sql: 'CREATE INDEX CONCURRENTLY idx_events_received_at ON events (received_at);' },
    });
    expect(byRule('prefer-timestamptz', 1)).toMatchObject({ category: 'types', object: 'public.events.received_at', location: { file: 'migrations/0002_more.up.sql', line: 1, column: 31 } });
    expect(byRule('require-lock-timeout', 1)).toMatchObject({
      message: expect.stringContaining('ALTER TABLE takes ACCESS EXCLUSIVE on public.events with no lock_timeout set'),
      fix: { sql: "SET LOCAL lock_timeout = '5s';\nALTER TABLE events ADD COLUMN received_at timestamp;" },
    });
    expect(report.summary).toMatchObject({ errors: 0, suppressed: 0 });
  });

  it('--since lints only later migrations, on the schema the earlier ones build', () => {
    const dir = project(EVENTS);
    const since = run(['migrations', '--since', '0001', ...MINE, '--format', 'json'], dir);
    expect(where(since.stdout)).toEqual([
      '0002_more.up.sql:1 require-lock-timeout',
      '0002_more.up.sql:1 require-statement-timeout',
      '0002_more.up.sql:1 prefer-timestamptz',
      '0002_more.up.sql:2 require-concurrent-index-creation',
    ]);
    expect(since.stderr).toContain('migrations (golang-migrate): 1 migration to lint after version 0001 (1 earlier one as the starting schema)');
    const none = run(['migrations', '--since', '2', '--format', 'json'], dir);
    expect([none.code, where(none.stdout)]).toEqual([0, []]);
    expect(none.stderr).toContain('no migration to lint after version 2');
  });

  it('writes SARIF with the rules that ran and each finding located in its migration', () => {
    const dir = project(EVENTS);
    const sarif = JSON.parse(run(['migrations', '--rule', 'prefer-timestamptz,require-concurrent-index-creation', '--format', 'sarif', '-q'], dir).stdout);
    const driver = sarif.runs[0].tool.driver;
    expect(driver.rules.map((r: any) => r.id)).toEqual(['require-concurrent-index-creation', 'prefer-timestamptz']);
    expect(driver.rules[0]).toMatchObject({ defaultConfiguration: { level: 'warning' }, properties: { tags: ['migrations', 'postgresql'] } });
    const results = sarif.runs[0].results;
    expect(results.map((r: any) => [r.ruleId, r.ruleIndex, r.locations[0].physicalLocation.artifactLocation.uri, r.locations[0].physicalLocation.region.startLine])).toEqual([
      ['prefer-timestamptz', 1, 'migrations/0001_init.up.sql', 1],
      ['prefer-timestamptz', 1, 'migrations/0002_more.up.sql', 1],
      ['require-concurrent-index-creation', 0, 'migrations/0002_more.up.sql', 2],
    ]);
  });

  it('writes Markdown with the fixes, and --out writes the report to a file', () => {
    const dir = project(EVENTS);
    const md = run(['migrations', '--rule', 'require-concurrent-index-creation', '--format', 'markdown', '-q'], dir).stdout;
    expect(md).toContain('| 🟠 warning | [`require-concurrent-index-creation`](docs/rules/require-concurrent-index-creation.md) | `migrations/0002_more.up.sql:2` | `public.events` | CREATE INDEX on public.events blocks writes');
    expect(md).toContain('CREATE INDEX CONCURRENTLY idx_events_received_at ON events (received_at);');
    const out = run(['migrations', '--rule', 'require-concurrent-index-creation', '--out', 'lint.txt', '-q'], dir);
    expect([out.code, out.stdout]).toEqual([1, '']);
    expect(readFileSync(path.join(dir, 'lint.txt'), 'utf8')).toMatch(/^migrations\/0002_more\.up\.sql\n {2}2:1 {2}warning {2}CREATE INDEX on public\.events/);
  });

  it('--fail-on decides the exit code', () => {
    const dir = project(EVENTS);
    const only = ['migrations', '--rule', 'require-statement-timeout', '-q'];
    expect(run([...only], dir).code).toBe(0); // an info finding is below the default threshold
    expect(run([...only, '--fail-on', 'info'], dir).code).toBe(1);
    expect(run(['migrations', ...MINE, '--fail-on', 'never', '-q'], dir).code).toBe(0);
    expect(run(['migrations', ...MINE, '--fail-on', 'error', '-q'], dir).code).toBe(0);
    expect(run(['migrations', ...MINE, '--fail-on', 'warning', '-q'], dir).code).toBe(1);
  });
});

describe('schemawise migrate lint: versions, config, ignores', () => {
  const REINDEX = {
    'm/0001_init.up.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, status text);\nCREATE INDEX idx_orders_status ON orders (status);\n',
    'm/0002_reindex.up.sql': 'REINDEX INDEX idx_orders_status;\n',
  };

  it('--pg-version decides what is safe, and rejects versions the rules do not know', () => {
    const dir = project(REINDEX);
    const lint = (version: string) => run(['m', '--rule', 'require-concurrent-reindex', '--pg-version', version, '--format', 'json', '-q'], dir);
    expect(where(lint('11').stdout)).toEqual([]);
    expect(where(lint('12').stdout)).toEqual(['0002_reindex.up.sql:1 require-concurrent-reindex']);
    expect(where(lint('18').stdout)).toEqual(['0002_reindex.up.sql:1 require-concurrent-reindex']);
    for (const [version, message] of [
      ['9', 'error: --pg-version 9: PostgreSQL version 9: expected a major version from 10 to 18, e.g. 15'],
      ['19', 'error: --pg-version 19: PostgreSQL version 19: expected a major version from 10 to 18, e.g. 15'],
      ['fifteen', 'error: --pg-version fifteen: expected a PostgreSQL major version, e.g. 15'],
    ]) {
      const bad = lint(version);
      expect([bad.code, bad.stderr.trim()]).toEqual([2, message]);
    }
  });

  it('reads the config file review reads: severities, off, ignoreTables; review accepts its migration rules too', () => {
    const dir = project({
      ...EVENTS,
      'schema.sql': 'CREATE TABLE t (id bigint PRIMARY KEY);\n',
      'schemawise.config.yaml': 'rules:\n  require-concurrent-index-creation: error\n  require-lock-timeout: off\n  prefer-timestamptz: info\n  require-primary-key: warning\n',
    });
    const report = JSON.parse(run(['migrations', '--since', '0001', ...MINE, '--format', 'json', '-q'], dir).stdout);
    expect(report.findings.map((f: Finding) => [f.ruleId, f.severity])).toEqual([
      ['require-statement-timeout', 'info'],
      ['prefer-timestamptz', 'info'],
      ['require-concurrent-index-creation', 'error'],
    ]);
    const review = spawnSync(process.execPath, [cli, 'review', 'schema.sql', '-q'], { encoding: 'utf8', cwd: dir });
    expect([review.status, review.stderr]).toEqual([0, '']);

    const ignored = project({ ...EVENTS, 'schemawise.config.json': JSON.stringify({ ignoreTables: ['even*'] }) });
    const all = JSON.parse(run(['migrations', ...MINE, '--format', 'json', '-q'], ignored).stdout);
    expect(all.findings).toEqual([]);
    expect(all.summary.suppressed).toBe(5);
  });

  it('rejects an unknown rule or option in the config with "did you mean", exit 2, no stack trace', () => {
    const cases: [string, string][] = [
      ['rules:\n  require-lock-timout: off\n', 'rules.require-lock-timout: unknown rule (did you mean "require-lock-timeout"?)'],
      ['rules:\n  require-lock-timeout: { options: { seconds: 5 } }\n', 'rules.require-lock-timeout.options.seconds: unknown option; this rule takes no options'],
    ];
    for (const [config, message] of cases) {
      const dir = project({ ...EVENTS, 'schemawise.config.yaml': config });
      const { code, stderr } = run(['migrations'], dir);
      expect(code, config).toBe(2);
      expect(stderr).toContain(message);
      expect(stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('honours -- schemawise-ignore comments and reports one that hides nothing or names no rule', () => {
    const dir = project({
      'm/0001_init.up.sql': EVENTS['migrations/0001_init.up.sql'],
      'm/0002_idx.up.sql': `-- schemawise-ignore require-concurrent-index-creation -- the table is tiny
CREATE INDEX idx_events_happened_at ON events (happened_at);
-- schemawise-ignore require-concurent-index-creation
CREATE INDEX idx_events_id ON events (id);
-- schemawise-ignore ban-drop-database
SET LOCAL lock_timeout = '1s';
`,
    });
    const report = JSON.parse(run(['m', '--since', '0001', '--rule', 'require-concurrent-index-creation,ban-drop-database,unused-ignore', '--format', 'json', '-q'], dir).stdout);
    expect(report.summary.suppressed).toBe(1);
    expect(report.findings.map((f: Finding) => [f.ruleId, f.location!.line, f.message])).toEqual([
      ['unused-ignore', 3, 'schemawise-ignore: unknown rule "require-concurent-index-creation" (did you mean "require-concurrent-index-creation"?)'],
      ['require-concurrent-index-creation', 4, 'CREATE INDEX on public.events blocks writes to it while the index is built'],
      ['unused-ignore', 5, 'schemawise-ignore: nothing to ignore for ban-drop-database'],
    ]);
  });
});

describe('schemawise migrate lint: inputs', () => {
  it('lints .sql files in the order given, on the schema --schema-from gives', () => {
    const dir = project({
      'schema.sql': 'CREATE TABLE customers (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint REFERENCES customers (id));\n',
      'purge.sql': 'TRUNCATE customers CASCADE;\n',
    });
    const withSchema = JSON.parse(run(['purge.sql', '--schema-from', 'schema.sql', '--rule', 'ban-truncate-cascade', '--format', 'json', '-q'], dir).stdout);
    expect(withSchema.findings.map((f: Finding) => f.message)).toEqual(['TRUNCATE … CASCADE also empties public.orders, which the statement does not name']);
    const without = JSON.parse(run(['purge.sql', '--rule', 'ban-truncate-cascade', '--format', 'json', '-q'], dir).stdout);
    expect(without.findings.map((f: Finding) => f.message)).toEqual(['TRUNCATE … CASCADE empties every table that references public.customers, now and after any foreign key added later']);
  });

  it('rejects bad input with a clear message and exit 2, never a stack trace', () => {
    const dir = project({ ...EVENTS, 'bad.sql': 'CREATE TABLE ok (id int);\nCREATE TABEL broken (id int);\n', 'other/0001_x.up.sql': 'SELECT 1;\n' });
    const cases: [string[], string | RegExp][] = [
      [['nope.sql'], 'error: nope.sql: no such file or directory'],
      [['bad.sql'], /^error: bad\.sql:2:8: syntax error at or near "TABEL"$/],
      [['migrations', '--rule', 'require-lock-timout'], 'error: --rule require-lock-timout: unknown rule (did you mean "require-lock-timeout"?)'],
      [['migrations', '--rule', 'require-primary-key'], 'error: --rule require-primary-key: a review rule that migrate lint does not run'],
      [['migrations', '--rule', ','], 'error: --rule: no rule ids given'],
      [['migrations', '--since', 'last'], 'error: --since last: expected a migration version'],
      [['bad.sql', '--since', '1'], 'error: --since needs a migrations folder'],
      [['migrations', 'other'], 'error: give one migrations folder, or .sql files, not both or several folders'],
      [['migrations', '--config', 'missing.yaml'], 'error: missing.yaml: no such config file'],
      [['postgres://me:secret@db/x'], 'error: postgres://…@db/x: migrate lint reads migration files; a database goes in --schema-from'],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = run(args, dir);
      expect(code, args.join(' ')).toBe(2);
      if (typeof message === 'string') expect(stderr.trim().startsWith(message), stderr).toBe(true);
      else expect(stderr.trim()).toMatch(message);
      expect(stderr).not.toMatch(/\n\s+at |secret/);
    }
  });

  it('schemawise rules lists the migration rules under migrations', () => {
    const dir = project({});
    const text = spawnSync(process.execPath, [cli, 'rules'], { encoding: 'utf8', cwd: dir }).stdout;
    expect(text).toMatch(/^migrations \(schemawise migrate lint\)\n/m);
    expect(text).toMatch(/^ {2}ban-drop-database +error {4}DROP DATABASE in a migration$/m);
    const json = JSON.parse(spawnSync(process.execPath, [cli, 'rules', '--format', 'json'], { encoding: 'utf8', cwd: dir }).stdout);
    expect(json.find((r: any) => r.id === 'prefer-robust-stmts')).toEqual({
      id: 'prefer-robust-stmts',
      category: 'migrations',
      severity: 'warning',
      live: false,
      command: 'migrate lint',
      description: expect.stringContaining('fail when a half-applied migration is retried'),
      options: {},
    });
    expect(json.filter((r: any) => r.command === 'migrate lint')).toHaveLength(MIGRATION_RULES.length);
  });
});

describe('schemawise migrate lint: how each migration tool runs a file', () => {
  const CIC = 'CREATE INDEX CONCURRENTLY idx_events_id ON events (id);\n';
  const lint = (dir: string, input: string, extra: string[] = []) =>
    where(run([input, '--rule', 'ban-concurrent-index-in-transaction,transaction-nesting', '--format', 'json', '-q', ...extra], dir).stdout);

  it('golang-migrate and Prisma: one statement runs alone, several run as one implicit transaction', () => {
    const golang = project({
      'm/0001_init.up.sql': 'CREATE TABLE events (id bigint PRIMARY KEY);\n',
      'm/0002_alone.up.sql': CIC,
      'm/0003_mixed.up.sql': `ALTER TABLE events ADD COLUMN note text;\n${CIC}`,
    });
    expect(lint(golang, 'm')).toEqual(['0003_mixed.up.sql:2 ban-concurrent-index-in-transaction']);
    const prisma = project({
      'prisma/migrations/20240101000000_init/migration.sql': 'CREATE TABLE events (id bigint PRIMARY KEY);\n',
      'prisma/migrations/20240102000000_alone/migration.sql': CIC,
      'prisma/migrations/20240103000000_mixed/migration.sql': `ALTER TABLE events ADD COLUMN note text;\n${CIC}`,
      'prisma/migrations/migration_lock.toml': 'provider = "postgresql"\n',
    });
    expect(lint(prisma, 'prisma/migrations')).toEqual(['migration.sql:2 ban-concurrent-index-in-transaction']);
  });

  it('Flyway wraps a migration unless it is made only of statements that cannot be, or its .conf says executeInTransaction=false', () => {
    const dir = project({
      'sql/V1__init.sql': 'CREATE TABLE events (id bigint PRIMARY KEY);\n',
      'sql/V2__alone.sql': CIC,
      'sql/V3__mixed.sql': `SET lock_timeout = '5s';\n${CIC}`,
      'sql/V4__configured.sql': `SET lock_timeout = '5s';\n${CIC.replace('idx_events_id', 'idx_events_id2')}`,
      'sql/V4__configured.sql.conf': 'executeInTransaction=false\n',
    });
    expect(lint(dir, 'sql')).toEqual(['V3__mixed.sql:2 ban-concurrent-index-in-transaction']);
  });

  it('dbmate wraps a migration unless -- migrate:up transaction:false; numbered files unless -- no-transaction', () => {
    const dbmate = project({
      'db/migrations/20240101000000_init.sql': '-- migrate:up\nCREATE TABLE events (id bigint PRIMARY KEY);\n\n-- migrate:down\nDROP TABLE events;\n',
      'db/migrations/20240102000000_wrapped.sql': `-- migrate:up\n${CIC}\n-- migrate:down\nDROP INDEX idx_events_id;\n`,
      'db/migrations/20240103000000_unwrapped.sql': `-- migrate:up transaction:false\n${CIC.replace('idx_events_id', 'idx_events_id2')}\n-- migrate:down\nDROP INDEX idx_events_id2;\n`,
    });
    expect(lint(dbmate, 'db/migrations')).toEqual(['20240102000000_wrapped.sql:2 ban-concurrent-index-in-transaction']);
    const numbered = project({
      'sql/001_init.sql': 'CREATE TABLE events (id bigint PRIMARY KEY);\n',
      'sql/002_wrapped.sql': CIC,
      'sql/003_unwrapped.sql': `-- no-transaction\n${CIC.replace('idx_events_id', 'idx_events_id2')}`,
    });
    expect(lint(numbered, 'sql')).toEqual(['002_wrapped.sql:1 ban-concurrent-index-in-transaction']);
  });

  it('a plain .sql file runs statement by statement; --assume-in-transaction and a recognised name say otherwise', () => {
    const script = 'BEGIN;\nCREATE TABLE events (id bigint PRIMARY KEY);\nCOMMIT;\n';
    const dir = project({ 'deploy.sql': script, '0007_deploy.up.sql': script, 'single.up.sql': CIC });
    expect(lint(dir, 'deploy.sql')).toEqual([]);
    expect(lint(dir, 'deploy.sql', ['--assume-in-transaction'])).toEqual(['deploy.sql:1 transaction-nesting', 'deploy.sql:3 transaction-nesting']);
    expect(lint(dir, '0007_deploy.up.sql')).toEqual(['0007_deploy.up.sql:1 transaction-nesting', '0007_deploy.up.sql:3 transaction-nesting']);
    expect(lint(dir, '0007_deploy.up.sql', ['--no-assume-in-transaction'])).toEqual([]);
  });

  it('runsInTransaction: each convention as its tool runs a file', async () => {
    await initParser();
    const statements = (sql: string) => parseScript('x.sql', sql, { all: true }).statements;
    const one = statements('CREATE INDEX CONCURRENTLY i ON t (c);');
    const two = statements('ALTER TABLE t ADD COLUMN c int; CREATE INDEX CONCURRENTLY i ON t (c);');
    const cases: [Parameters<typeof runsInTransaction>[0], typeof one, boolean][] = [
      [{ convention: 'golang-migrate', text: '' }, one, false],
      [{ convention: 'golang-migrate', text: '' }, two, true],
      [{ convention: 'prisma', text: '' }, two, true],
      [{ convention: 'flyway', text: '' }, one, false],
      [{ convention: 'flyway', text: '' }, two, true],
      [{ convention: 'flyway', text: '', flywayConf: '# comment\nexecuteInTransaction = false\n' }, two, false],
      [{ convention: 'dbmate', text: '-- migrate:up\n' }, one, true],
      [{ convention: 'dbmate', text: '-- migrate:up transaction:false\n' }, one, false],
      [{ convention: 'drizzle', text: '' }, one, true],
      [{ convention: 'numbered', text: '' }, one, true],
      [{ convention: 'numbered', text: '-- +goose NO TRANSACTION\n' }, one, false],
      [{ convention: undefined, text: '' }, two, false],
    ];
    for (const [info, sts, expected] of cases) expect(runsInTransaction(info, sts), JSON.stringify(info)).toBe(expected);
  });
});

describe('lintMigrations: the session as the migration leaves it', () => {
  const rules = MIGRATION_RULES.filter((r) => ['require-lock-timeout', 'transaction-nesting', 'require-concurrent-index-deletion'].includes(r.id));
  const previous = [{ file: 'earlier.sql', sql: 'CREATE TABLE users (id bigint PRIMARY KEY, email text);\nCREATE INDEX idx_users_email ON users (email);\n' }];
  const lint = async (sql: string, transactional: boolean, only = rules) =>
    (await lintMigrations({ previous, files: [{ file: 'm.sql', sql }], rules: only, transactional: () => transactional })).findings.map((f) => `${f.location!.line} ${f.ruleId}`);

  it('counts SET LOCAL lock_timeout only inside a transaction, and until it ends', async () => {
    const alter = 'ALTER TABLE users ADD COLUMN nickname text;';
    expect(await lint(`SET LOCAL lock_timeout = '5s';\n${alter}`, true)).toEqual([]);
    // Outside a transaction PostgreSQL only warns: SET LOCAL does nothing.
    expect(await lint(`SET LOCAL lock_timeout = '5s';\n${alter}`, false)).toEqual(['2 require-lock-timeout']);
    expect(await lint(`BEGIN;\nSET LOCAL lock_timeout = '5s';\nCOMMIT;\n${alter}`, false)).toEqual(['4 require-lock-timeout']);
    expect(await lint(`SET lock_timeout = '5s';\nRESET lock_timeout;\n${alter}`, false)).toEqual(['3 require-lock-timeout']);
    expect(await lint(`SET lock_timeout TO 0;\n${alter}`, false)).toEqual(['2 require-lock-timeout']);
    expect(await lint(`SELECT pg_catalog.set_config('lock_timeout', '2s', false);\n${alter}`, false)).toEqual([]);
  });

  it("ends the tool's transaction at the file's COMMIT: what follows runs outside it", async () => {
    const findings = await lint('CREATE TABLE a (id int);\nCOMMIT;\nBEGIN;\nCREATE TABLE b (id int);\nCOMMIT;\n', true);
    expect(findings).toEqual(['2 transaction-nesting']);
  });

  it('knows the locks the transaction already holds, under a renamed table too', async () => {
    const drop = (prefix: string) => lint(`${prefix}DROP INDEX idx_users_email;`, true, rules.filter((r) => r.id === 'require-concurrent-index-deletion'));
    expect(await drop('')).toEqual(['1 require-concurrent-index-deletion']);
    expect(await drop('ALTER TABLE users ADD COLUMN nickname text;\n')).toEqual([]);
    expect(await drop('ALTER TABLE users RENAME TO old_users;\n')).toEqual([]);
    // A SHARE lock (CREATE INDEX) does not cover the ACCESS EXCLUSIVE the drop needs.
    expect(await drop('CREATE INDEX idx_users_id ON users (id);\n')).toEqual(['2 require-concurrent-index-deletion']);
    // Outside a transaction each statement releases its locks.
    expect(
      (await lintMigrations({ previous, files: [{ file: 'm.sql', sql: 'ALTER TABLE users ADD COLUMN nickname text;\nDROP INDEX idx_users_email;' }], rules, transactional: () => false })).findings.map((f) => f.ruleId),
    ).toContain('require-concurrent-index-deletion');
  });

  it('applies the review type rules to what the linted files add or retype, and only to that', async () => {
    const { findings } = await lintMigrations({
      previous: [{ file: 'earlier.sql', sql: 'CREATE TABLE logs (id serial PRIMARY KEY, at timestamptz, body text);\n' }],
      files: [
        {
          file: 'm.sql',
          sql: `ALTER TABLE logs ADD COLUMN code char(3);
CREATE TABLE notes (id integer PRIMARY KEY);
ALTER TABLE logs ALTER COLUMN at TYPE timestamp;
ALTER TABLE logs RENAME COLUMN body TO ${'b'.repeat(64)};
`,
        },
      ],
      rules: [],
      reviewRules: MIGRATION_REVIEW_RULES,
    });
    // logs.id (serial, integer) is the earlier migration's doing, not this one's.
    expect(findings.map((f) => [f.location!.file, f.location!.line, f.ruleId, f.object])).toEqual([
      ['m.sql', 1, 'no-char-n', 'public.logs.code'],
      ['m.sql', 2, 'prefer-bigint-keys', 'public.notes.id'],
      ['m.sql', 3, 'prefer-timestamptz', 'public.logs.at'],
      ['m.sql', 4, 'identifier-too-long', `public.logs.${'b'.repeat(63)}`], // the parser truncates it, as the server does
    ]);
  });

  it('refuses a PostgreSQL version the rules do not know', () => {
    expect(checkPgVersion(10)).toBe(10);
    expect(() => checkPgVersion(9)).toThrow('PostgreSQL version 9: expected a major version from 10 to 18, e.g. 15');
    expect(() => checkPgVersion(15.5)).toThrow('expected a major version');
  });
});

describe.skipIf(!existsSync(authelia))('schemawise migrate lint over the Authelia migrations (../shared/corpus)', () => {
  it('reports what the files do, judged in context', () => {
    const { code, stdout, stderr } = run([authelia, '--format', 'json'], root);
    expect(code).toBe(1);
    expect(stderr).toContain('(golang-migrate): 26 migrations to lint');
    const found = where(stdout);
    // V0002 starts with ALTER TABLE totp_configurations (an existing table), no lock_timeout set.
    expect(found).toContain('V0002.WebAuthn.up.sql:1 require-lock-timeout');
    // V0006 creates oauth2_consent_preconfiguration, then adds its foreign key: the new table is
    // nobody's concern, but the referenced user_opaque_identifier is locked against writes.
    const v0006 = JSON.parse(stdout).findings.find((f: Finding) => f.ruleId === 'require-lock-timeout' && f.location!.file.endsWith('V0006.ConsentPreConfiguration.up.sql'));
    expect(v0006).toMatchObject({ location: { line: 12 }, object: 'public.user_opaque_identifier', message: expect.stringContaining('SHARE ROW EXCLUSIVE on public.user_opaque_identifier') });
    // V0007 rebuilds unique indexes on existing tables without CONCURRENTLY.
    expect(found).toEqual(expect.arrayContaining(['V0007.ConsistencyFixes.up.sql:27 require-concurrent-index-creation', 'V0007.ConsistencyFixes.up.sql:34 require-concurrent-index-creation']));
    // …but its DROP INDEX statements follow an ALTER TABLE of the same table in the same
    // transaction (ACCESS EXCLUSIVE already held), or drop indexes no migration created.
    expect(found.filter((f) => f.endsWith('require-concurrent-index-deletion') && f.startsWith('V0007'))).toEqual([]);
    // A column added with char(n) is reported where it is written.
    expect(found).toContain('V0001.Initial_Schema.up.sql:18 no-char-n');
    expect(found).not.toContain('V0001.Initial_Schema.up.sql:1 require-lock-timeout');
  });

  it('--since lints only the newer migrations', () => {
    const found = where(run([authelia, '--since', '0023', '--format', 'json', '-q'], root).stdout);
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((f) => /^V002[456]/.test(f))).toBe(true);
    expect(found).toContain('V0024.WebAuthnAttestationType.up.sql:1 require-lock-timeout');
  });
});

if (!existsSync(authelia)) console.log('migrate-lint: ../shared/corpus is absent; the Authelia run is skipped');
