import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEmbeddedEngine } from '../src/engine/embedded.js';
import { execStatements } from './helpers/scratch-engine.js';

// The built CLI (`npm test` builds first), run as a user would, in a folder of its own so no config file applies.
const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'dist/cli/main.js');
const serverUrl = process.env.SCHEMAWISE_TEST_DATABASE_URL;
// The rules these tests are about: others may be added without changing what is asserted here.
const RULES = ['--rule', 'require-primary-key,prefer-timestamptz,foreign-key-without-index,unused-ignore'];

function run(args: string[], cwd: string) {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.FORCE_COLOR;
  delete env.NO_COLOR;
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd, timeout: 60_000, env });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const SCHEMA = `CREATE TABLE customers (id bigint PRIMARY KEY);
CREATE TABLE events (
  occurred_at timestamp NOT NULL
);
CREATE TABLE orders (
  id bigint PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id)
);
`;

function project(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'schemawise-review-'));
  writeFileSync(path.join(dir, 'schema.sql'), SCHEMA);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

describe('schemawise review', () => {
  it('prints findings eslint-style, grouped by file, and exits 1', () => {
    const dir = project();
    const { code, stdout, stderr } = run(['review', 'schema.sql', ...RULES], dir);
    expect(code).toBe(1);
    expect(stdout.split('\n').slice(0, 8)).toEqual([
      'schema.sql',
      '  2:1   error    Table public.events has no primary key  require-primary-key',
      '                 public.events · Add a surrogate key (bigint GENERATED ALWAYS AS IDENTITY, or uuid) or declare the natural key as PRIMARY KEY.',
      '  3:3   warning  Column occurred_at is timestamp without time zone: it records no time zone  prefer-timestamptz',
      "                 public.events.occurred_at · Use timestamptz; existing values are read in the session's TimeZone (UTC below).",
      '  7:31  warning  Foreign key orders_customer_id_fkey (customer_id) has no index on its columns  foreign-key-without-index',
      expect.stringContaining('public.orders.orders_customer_id_fkey · Deletes and key updates on public.customers scan public.orders'),
      '',
    ]);
    expect(stdout).toContain('✖ 3 findings (1 error, 2 warnings, 0 info) · 2 with a fix (--fix-sql writes them)');
    expect(stderr).toContain('3 tables, 0 views in 1 schema from schema.sql');
  });

  it('exits 0 when nothing reaches --fail-on, and with --fail-on never', () => {
    const dir = project();
    expect(run(['review', 'schema.sql', '--rule', 'prefer-timestamptz', '--fail-on', 'error', '-q'], dir).code).toBe(0);
    expect(run(['review', 'schema.sql', ...RULES, '--fail-on', 'never', '-q'], dir).code).toBe(0);
    expect(run(['review', 'schema.sql', ...RULES, '--fail-on', 'error', '-q'], dir).code).toBe(1);
  });

  it('says which rules need a live database when reviewing files', () => {
    const dir = project();
    const { stdout } = run(['review', 'schema.sql', '--rule', 'require-primary-key,unused-index', '-q'], dir);
    expect(stdout).toContain('1 rule need a live database (postgres:// URL) and did not run: unused-index');
  });

  it('writes JSON with every field of a finding and the counts', () => {
    const dir = project();
    const { code, stdout } = run(['review', 'schema.sql', ...RULES, '--format', 'json', '-q'], dir);
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.version).toBe(1);
    expect(report.summary).toMatchObject({ errors: 1, warnings: 2, infos: 0, fixable: 2, suppressed: 0, baselined: 0 });
    expect(report.findings[1]).toEqual({
      ruleId: 'prefer-timestamptz',
      severity: 'warning',
      category: 'types',
      message: 'Column occurred_at is timestamp without time zone: it records no time zone',
      object: 'public.events.occurred_at',
      table: 'public.events',
      location: { file: 'schema.sql', line: 3, column: 3 },
      help: expect.any(String),
      fix: { title: 'Change occurred_at to timestamptz', sql: "SET timezone = 'UTC';\nALTER TABLE public.events ALTER COLUMN occurred_at TYPE timestamp with time zone;" },
    });
  });

  it('writes SARIF 2.1.0 as GitHub code scanning reads it', () => {
    const dir = project();
    const { stdout } = run(['review', path.join(dir, 'schema.sql'), ...RULES, '--format', 'sarif', '-q'], dir);
    const sarif = JSON.parse(stdout);
    expect(sarif.version).toBe('2.1.0');
    const run0 = sarif.runs[0];
    expect(run0.tool.driver.name).toBe('schemawise');
    expect(run0.tool.driver.rules.map((r: any) => r.id)).toEqual(['foreign-key-without-index', 'prefer-timestamptz', 'require-primary-key', 'unused-ignore']);
    expect(run0.tool.driver.rules[2]).toMatchObject({ defaultConfiguration: { level: 'error' }, help: { text: expect.stringContaining('logical replication') } });
    expect(run0.results.map((r: any) => [r.ruleId, r.level])).toEqual([['require-primary-key', 'error'], ['prefer-timestamptz', 'warning'], ['foreign-key-without-index', 'warning']]);
    expect(run0.results[0].ruleIndex).toBe(2);
    expect(run0.results[0].locations[0]).toEqual({
      physicalLocation: { artifactLocation: { uri: 'schema.sql', uriBaseId: '%SRCROOT%' }, region: { startLine: 2, startColumn: 1 } },
      logicalLocations: [{ fullyQualifiedName: 'public.events' }],
    });
    expect(run0.results[0].partialFingerprints['schemawise/v1']).toMatch(/^[0-9a-f]{32}$/);
  });

  it('writes a Markdown report with a table and the fix SQL', () => {
    const dir = project();
    const { stdout } = run(['review', 'schema.sql', ...RULES, '--format', 'markdown', '-q'], dir);
    expect(stdout).toContain('| severity | rule | where | object | finding |');
    expect(stdout).toContain('| 🔴 error | [`require-primary-key`](docs/rules/require-primary-key.md) | `schema.sql:2` | `public.events` | Table public.events has no primary key.');
    expect(stdout).toContain('CREATE INDEX CONCURRENTLY idx_orders_customer_id ON public.orders (customer_id);');
  });

  it('honours -- schemawise-ignore comments and reports one that matches nothing', () => {
    const dir = project({
      'ignored.sql': `-- schemawise-ignore require-primary-key, prefer-timestamptz -- staging table, loaded by COPY
CREATE TABLE staging (loaded_at timestamp);
-- schemawise-ignore require-primary-kye
CREATE TABLE other (id bigint PRIMARY KEY);
`,
    });
    const { stdout } = run(['review', 'ignored.sql', ...RULES, '--format', 'json', '-q'], dir);
    const report = JSON.parse(stdout);
    expect(report.summary.suppressed).toBe(2);
    expect(report.findings.map((f: any) => [f.ruleId, f.location.line, f.message])).toEqual([
      ['unused-ignore', 3, 'schemawise-ignore: unknown rule "require-primary-kye" (did you mean "require-primary-key"?)'],
    ]);
  });

  it('scopes ignores as documented: a trailing comment covers its own statement; ignoreTables, --rule and the order of comments do not make an ignore look unused', () => {
    const dir = project({
      'scoped.sql': `CREATE TABLE a (id bigint PRIMARY KEY, t timestamp); -- schemawise-ignore prefer-timestamptz
CREATE TABLE b (id bigint PRIMARY KEY, u timestamp);
-- schemawise-ignore-file unused-ignore
`,
      'bare.sql': `-- schemawise-ignore\nCREATE TABLE c (id bigint PRIMARY KEY, v char(3));\n-- schemawise-ignore prefer-timestamptz\nCREATE TABLE ignored_t (w timestamp);\n`,
      'schemawise.config.json': JSON.stringify({ ignoreTables: ['ignored_*'] }),
    });
    const scoped = JSON.parse(run(['review', 'scoped.sql', ...RULES, '--format', 'json', '-q'], dir).stdout);
    expect(scoped.findings.map((f: any) => [f.ruleId, f.object])).toEqual([['prefer-timestamptz', 'public.b.u']]);
    const bare = JSON.parse(run(['review', 'bare.sql', '--rule', 'prefer-timestamptz,unused-ignore', '--format', 'json', '-q'], dir).stdout);
    expect(bare.findings).toEqual([]);
  });

  it('rejects an empty --rule and a malformed baseline with exit 2; reads a file with a byte order mark', () => {
    const dir = project({ 'bom.sql': '\uFEFFCREATE TABLE d (x int);\n', 'bad-baseline.json': '{"version":1,"findings":[null]}' });
    const empty = run(['review', 'schema.sql', '--rule', ','], dir);
    expect([empty.code, empty.stderr]).toEqual([2, expect.stringContaining('--rule: no rule ids given')]);
    const bad = run(['review', 'schema.sql', '--baseline', 'bad-baseline.json'], dir);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringContaining('bad-baseline.json: not a schemawise baseline')]);
    const bom = JSON.parse(run(['review', 'bom.sql', '--rule', 'require-primary-key', '--format', 'json', '-q'], dir).stdout);
    expect(bom.findings.map((f: any) => f.location)).toEqual([{ file: 'bom.sql', line: 1, column: 1 }]);
  });

  it('escapes names in Markdown, and writes no fix for an index another fix drops', () => {
    const dir = project({ 'odd.sql': 'CREATE TABLE "a|b`c" (id bigint PRIMARY KEY, "<img src=x>" int);\nCREATE INDEX "Idx" ON "a|b`c" ("<img src=x>");\nCREATE INDEX "Idx2" ON "a|b`c" ("<img src=x>");\n' });
    const md = run(['review', 'odd.sql', '--rule', 'duplicate-index,index-name-convention', '--format', 'markdown', '-q'], dir).stdout;
    expect(md).not.toContain('<img');
    expect(md).toContain('&lt;img src=x&gt;');
    expect(md).toContain('Index Idx on public.a\\|b`c does not follow');
    run(['review', 'odd.sql', '--rule', 'duplicate-index,index-name-convention', '--fix-sql', 'fixes.sql', '-q'], dir);
    const fixes = readFileSync(path.join(dir, 'fixes.sql'), 'utf8');
    expect(fixes).toContain('DROP INDEX CONCURRENTLY IF EXISTS public."Idx2";');
    expect(fixes).not.toContain('"Idx2" RENAME');
  });

  it('honours -- schemawise-ignore-file for the whole file', () => {
    const dir = project({ 'legacy.sql': `-- schemawise-ignore-file require-primary-key\nCREATE TABLE a (x int);\nCREATE TABLE b (y int);\n` });
    const report = JSON.parse(run(['review', 'legacy.sql', ...RULES, '--format', 'json', '-q'], dir).stdout);
    expect(report.findings).toEqual([]);
    expect(report.summary.suppressed).toBe(2);
  });

  it('reads schemawise.config.yaml from the folder or a parent: severities, off, ignoreTables', () => {
    const dir = project({ 'schemawise.config.yaml': 'rules:\n  prefer-timestamptz: error\n  foreign-key-without-index: off\nignoreTables: ["ord*"]\n' });
    const sub = path.join(dir, 'sub');
    spawnSync('mkdir', [sub]);
    const { code, stdout, stderr } = run(['review', '../schema.sql', ...RULES, '--format', 'json'], sub);
    expect(code).toBe(1);
    expect(JSON.parse(stdout).findings.map((f: any) => [f.ruleId, f.severity])).toEqual([
      ['require-primary-key', 'error'],
      ['prefer-timestamptz', 'error'],
    ]);
    expect(stderr).toContain(`config: ${path.join(dir, 'schemawise.config.yaml')}`);
  });

  it('rejects a config with an unknown rule, a bad option or bad YAML: exit 2, no stack trace', () => {
    const cases: [string, RegExp][] = [
      ['rules:\n  prefer-timestamp: off\n', /rules\.prefer-timestamp: unknown rule \(did you mean "prefer-timestamptz"\?\)/],
      ['rules:\n  unused-index: { options: { minStatsDay: 3 } }\n', /rules\.unused-index\.options\.minStatsDay: unknown option \(did you mean "minStatsDays"\?\)/],
      ['rules:\n  unused-index: { options: { minStatsDays: "week" } }\n', /rules\.unused-index\.options\.minStatsDays: expected a number, got "week"/],
      ['rules:\n  require-primary-key: fatal\n', /rules\.require-primary-key: /],
      ['rulez: {}\n', /unrecognized key.*rulez.*did you mean "rules"/i],
      ['rules: [\n', /not valid YAML/],
    ];
    for (const [text, message] of cases) {
      const dir = project({ 'schemawise.config.yaml': text });
      const { code, stderr } = run(['review', 'schema.sql'], dir);
      expect(code, text).toBe(2);
      expect(stderr, text).toMatch(message);
      expect(stderr).not.toMatch(/\n\s+at /);
    }
    const dir = project();
    const missing = run(['review', 'schema.sql', '--config', 'nope.json'], dir);
    expect([missing.code, missing.stderr.trim()]).toEqual([2, 'error: nope.json: no such config file']);
    const unknownRule = run(['review', 'schema.sql', '--rule', 'require-primary'], dir);
    expect(unknownRule.code).toBe(2);
    expect(unknownRule.stderr).toContain('--rule require-primary: unknown rule (did you mean "require-primary-key"?)');
  });

  it('--fix-sql writes one migration that, run after the schema, leaves nothing to fix', async () => {
    const dir = project();
    const { code } = run(['review', 'schema.sql', ...RULES, '--fix-sql', 'fixes.sql', '-q'], dir);
    expect(code).toBe(1);
    const fixes = readFileSync(path.join(dir, 'fixes.sql'), 'utf8');
    expect(fixes).toContain("SET lock_timeout = '5s';");
    expect(fixes).toContain('-- CREATE/DROP INDEX CONCURRENTLY and VACUUM cannot run inside a transaction block');
    const engine = await createEmbeddedEngine();
    try {
      await execStatements(engine, SCHEMA);
      await execStatements(engine, fixes);
      const [{ n }] = await engine.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_indexes WHERE indexname = 'idx_orders_customer_id'`);
      expect(n).toBe(1);
    } finally {
      await engine.close();
    }
    const none = project();
    const r = run(['review', 'schema.sql', '--rule', 'require-primary-key', '--fix-sql', 'fixes.sql'], none);
    expect(r.stderr).toContain('no finding has a fix: fixes.sql not written');
    expect(existsSync(path.join(none, 'fixes.sql'))).toBe(false);
  }, 60_000);

  it('--write-baseline records findings; --baseline hides them and shows new ones', () => {
    const dir = project();
    expect(run(['review', 'schema.sql', ...RULES, '--write-baseline', 'baseline.json', '-q'], dir).code).toBe(1);
    const baseline = JSON.parse(readFileSync(path.join(dir, 'baseline.json'), 'utf8'));
    expect(baseline.findings.map((f: any) => [f.ruleId, f.object, f.count])).toEqual([
      ['require-primary-key', 'public.events', 1],
      ['prefer-timestamptz', 'public.events.occurred_at', 1],
      ['foreign-key-without-index', 'public.orders.orders_customer_id_fkey', 1],
    ]);
    const clean = run(['review', 'schema.sql', ...RULES, '--baseline', 'baseline.json'], dir);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('✔ no findings (0 errors, 0 warnings, 0 info) · 3 in the baseline');
    // Lines moved and a new problem added: the old findings stay hidden, the new one shows.
    writeFileSync(path.join(dir, 'schema.sql'), `\n\n${SCHEMA}CREATE TABLE audit (at timestamp);\n`);
    const after = JSON.parse(run(['review', 'schema.sql', ...RULES, '--baseline', 'baseline.json', '--format', 'json', '-q'], dir).stdout);
    expect(after.findings.map((f: any) => f.object)).toEqual(['public.audit', 'public.audit.at']);
    expect(after.summary.baselined).toBe(3);
    const bad = run(['review', 'schema.sql', '--baseline', 'schema.sql'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/schema\.sql: not a baseline/);
  });

  it('--exact reviews what PostgreSQL built, still with file:line:col', () => {
    const dir = project();
    const report = JSON.parse(run(['review', 'schema.sql', ...RULES, '--exact', '--format', 'json', '-q'], dir).stdout);
    expect(report.findings.map((f: any) => [f.ruleId, f.location])).toEqual([
      ['require-primary-key', { file: 'schema.sql', line: 2, column: 1 }],
      ['prefer-timestamptz', { file: 'schema.sql', line: 3, column: 3 }],
      ['foreign-key-without-index', { file: 'schema.sql', line: 7, column: 31 }],
    ]);
  });

  it('--out writes the report to a file and nothing to stdout', () => {
    const dir = project();
    const { code, stdout } = run(['review', 'schema.sql', ...RULES, '--out', 'report.txt', '-q'], dir);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(readFileSync(path.join(dir, 'report.txt'), 'utf8')).toMatch(/^schema\.sql\n {2}2:1 {3}error {4}Table public\.events has no primary key/);
  });

  it('schemawise rules lists every rule by category, as text and JSON', () => {
    const dir = project();
    const text = run(['rules'], dir);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^naming\n {2}column-name-style +warning {2}Column names are snake_case/m);
    expect(text.stdout).toMatch(/^ {2}table-name-style +warning {2}Table names are snake_case/m);
    expect(text.stdout).toMatch(/ {2}unused-index +warning {2}\(live\) /);
    const json = JSON.parse(run(['rules', '--format', 'json'], dir).stdout);
    expect(json.filter((r: any) => r.command === 'review')).toHaveLength(50);
    expect(json.filter((r: any) => r.command === 'migrate lint').length).toBeGreaterThanOrEqual(27);
    expect(json.find((r: any) => r.id === 'too-many-indexes')).toMatchObject({ category: 'indexes', severity: 'warning', live: false, options: { max: 8 } });
  });

  it.skipIf(!serverUrl)('reviews a live database with the live rules', () => {
    const dir = project();
    const { code, stdout } = run(['review', serverUrl!, '--rule', 'no-query-stats,require-primary-key', '--format', 'json', '--fail-on', 'never', '-q'], dir);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.summary.skippedLive).toEqual([]);
    expect(report.findings.some((f: any) => f.ruleId === 'no-query-stats' && f.object === 'database test')).toBe(true);
    const sarif = run(['review', serverUrl!, '--rule', 'no-query-stats', '--format', 'sarif', '--fail-on', 'never'], dir);
    expect(JSON.parse(sarif.stdout).runs[0].results).toEqual([]);
    expect(sarif.stderr).toContain('finding(s) without a file location (from a live database) are not in the SARIF');
  });
});
