/**
 * `schemawise seed` as a user runs it (the built CLI): the report, the rows written to a server
 * database, and every refusal — bad counts, unknown tables, tables with rows, an unreachable
 * database, a schema it cannot fill — with its message and exit code 2, never a stack trace.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCount, parseRows } from '../src/cli/commands/seed.js';
import { runCli } from './helpers/run-cli.js';
import { serverDatabase, serverUrl } from './helpers/server-database.js';

const run = (args: string[], cwd: string) => runCli(args, cwd, 120_000);

const SCHEMA = `CREATE TYPE state AS ENUM ('new', 'done');
CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE);
CREATE TABLE tasks (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id), state state NOT NULL, due date);
`;

function project(schema = SCHEMA): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'schemawise-seed-'));
  writeFileSync(path.join(dir, 'schema.sql'), schema);
  return dir;
}

describe('schemawise seed', () => {
  it('fills the embedded engine and reports rows per table, parents first', () => {
    const r = run(['seed', 'schema.sql', '--rows', 'users=300,tasks=2k', '--date', '2026-11-25'], project());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^seeded the schema executed on the embedded PostgreSQL\n/);
    expect(r.stdout).toMatch(/public\.users\s+300\s+300\s/);
    expect(r.stdout).toMatch(/public\.tasks\s+2000\s+2000\s/);
    expect(r.stdout).toMatch(/2300 rows in [\d.]+ s/);
  });

  it('--format json gives the figures, and a sample when the rows are beyond --max-rows', () => {
    const r = run(['seed', 'schema.sql', '--rows', 'users=1000,tasks=1M', '--max-rows', '5000', '--format', 'json'], project());
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    const tasks = report.tables.find((t: { table: { name: string } }) => t.table.name === 'tasks');
    expect(tasks).toMatchObject({ rows: 1_000_000, scaled: true });
    expect(report.statistics.join('\n')).toMatch(/public\.tasks: \d+ rows generated for 1000000; planner statistics scaled/);
  });

  it.each([
    [['--rows', 'users'], '--rows: "users" is not table=count (example: --rows users=1e6,orders=2M)'],
    [['--rows', 'users=lots'], '--rows users: "lots" is not a count (examples: 5000, 1e6, 2M, 100k)'],
    [['--rows', 'people=10'], '--rows: no table people in the schema (tables: public.tasks, public.users)'],
    [['--scale', '-1'], '--scale: "-1" is not a positive number'],
    [['--date', 'today'], '--date: "today" is not a date (yyyy-mm-dd)'],
    [['--db', 'postgres://nobody@127.0.0.1:1/none'], 'could not connect to postgres://nobody@127.0.0.1:1/none'],
  ])('refuses %j with a message and exit code 2', (args, message) => {
    const r = run(['seed', 'schema.sql', ...args], project());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  });

  it('says which column it cannot fill, and a missing file', () => {
    const r = run(['seed', 'schema.sql'], project('CREATE TABLE places (id int PRIMARY KEY, at point NOT NULL);'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('public.places.at: cannot generate values of type point (NOT NULL, no default)');
    const missing = run(['seed', 'nope.sql'], project());
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('nope.sql: no such file or directory');
  });

  describe.runIf(!!serverUrl)('with --db', () => {
    it('creates the schema in an empty database, fills it, and refuses to fill it again without --force', async () => {
      const database = serverDatabase('schemawise_seed_cli');
      const engine = await database.open();
      try {
        const url = database.url();
        const dir = project();
        const first = run(['seed', 'schema.sql', '--rows', 'users=100,tasks=500', '--db', url], dir);
        expect(first.stderr).toBe('');
        expect(first.code).toBe(0);
        expect(first.stdout).toContain('seeded the schema created in');
        expect(await engine.query('SELECT (SELECT count(*)::int FROM users) AS users, (SELECT count(*)::int FROM tasks) AS tasks')).toEqual([{ users: 100, tasks: 500 }]);
        const again = run(['seed', 'schema.sql', '--db', url], dir);
        expect(again.code).toBe(2);
        expect(again.stderr).toContain('tables public.users, public.tasks already hold rows: seed adds rows to what is there only with --force');
        const forced = run(['seed', url, '--rows', 'users=10,tasks=10', '--db', url, '--force'], dir);
        expect(forced.code).toBe(0);
        expect(await engine.query('SELECT count(*)::int AS n FROM users')).toEqual([{ n: 110 }]);
      } finally {
        await database.close(engine);
      }
    });
  });
});

describe('counts as people write them', () => {
  it.each([['5000', 5000], ['1e6', 1_000_000], ['2M', 2_000_000], ['100k', 100_000], ['1_500', 1500], ['2.5k', 2500]])('%s', (text, n) => {
    expect(parseCount(text, 'x')).toBe(n);
  });
  it('parses --rows lists', () => {
    expect([...parseRows(['users=1e6', 'sales.orders=2M'])]).toEqual([['users', 1_000_000], ['sales.orders', 2_000_000]]);
  });
});
