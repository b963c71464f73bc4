import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEmbeddedEngine } from '../src/engine/embedded.js';

// These tests run the built CLI (`npm test` builds first) as a user would.
const root = path.resolve(__dirname, '..');
const cli = path.join(root, 'dist/cli/main.js');
const example = path.join(root, 'examples/shop/schema.sql');

function run(args: string[], options: { nodeArgs?: string[]; env?: Record<string, string> } = {}) {
  // Output is compared as plain text: colour settings of the environment running the tests do not apply.
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.FORCE_COLOR;
  delete env.NO_COLOR;
  Object.assign(env, options.env);
  const result = spawnSync(process.execPath, [...(options.nodeArgs ?? []), cli, ...args], { encoding: 'utf8', cwd: root, timeout: 60_000, env });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'schemawise-cli-'));

describe('schemawise inspect', () => {
  it('prints the versioned JSON snapshot of a schema file', () => {
    const { code, stdout, stderr } = run(['inspect', example]);
    expect(code).toBe(0);
    const snapshot = JSON.parse(stdout);
    expect(snapshot.version).toBe(1);
    const pub = snapshot.schemas.find((s: any) => s.name === 'public');
    expect(pub.tables).toHaveLength(14);
    const orders = pub.tables.find((t: any) => t.name === 'orders');
    expect(orders.foreignKeys.map((f: any) => [f.name, f.onDelete])).toEqual([
      ['orders_customer_id_fkey', 'restrict'],
      ['orders_shipping_address_id_fkey', 'set null'],
    ]);
    expect(orders.span).toBeUndefined();
    expect(stderr).toMatch(/^14 tables, 1 view in 1 schema from .*schema\.sql \(31 statements modelled, 0 skipped\)/);
  });

  it('filters with --table globs and keeps spans with --spans', () => {
    const { code, stdout } = run(['inspect', example, '--table', 'order*', '--spans', '-q']);
    expect(code).toBe(0);
    const tables = JSON.parse(stdout).schemas[0].tables;
    expect(tables.map((t: any) => t.name)).toEqual(['order_events', 'order_events_2026_11', 'order_events_2026_12', 'order_items', 'orders']);
    expect(tables[4].span).toEqual({ file: example, line: 62, column: 1 });
  });

  it('never boots, nor even imports, the embedded engine for a static load', () => {
    const hook = path.join(root, 'test/helpers/trace-pglite-import.mjs');
    const { code, stderr } = run(['inspect', example, '-q'], { nodeArgs: ['--import', hook] });
    expect(code).toBe(0);
    expect(stderr).not.toContain('pglite imported');
  });

  it('--exact runs the files on the embedded engine (and the import trace sees it)', () => {
    const hook = path.join(root, 'test/helpers/trace-pglite-import.mjs');
    const { code, stdout, stderr } = run(['inspect', example, '--exact', '--format', 'json'], { nodeArgs: ['--import', hook] });
    expect(code).toBe(0);
    expect(stderr).toContain('pglite imported');
    const orders = JSON.parse(stdout).schemas[0].tables.find((t: any) => t.name === 'orders');
    expect(orders.columns.find((c: any) => c.name === 'status')).toMatchObject({ type: 'order_status', default: "'pending'::order_status" });
  });
});

describe('schemawise inspect --format sql', () => {
  it('prints DDL that runs on PostgreSQL even when --table leaves referenced tables out', async () => {
    const { code, stdout } = run(['inspect', example, '--table', 'orders', '--format', 'sql', '-q']);
    expect(code).toBe(0);
    expect(stdout).toContain('-- public.orders.orders_customer_id_fkey references public.customers, which is not in this output:');
    const engine = await createEmbeddedEngine({ extensions: ['citext'] });
    try {
      await engine.exec(stdout);
      const [{ n }] = await engine.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_class WHERE relname = 'orders' AND relkind = 'r'`);
      expect(n).toBe(1);
    } finally {
      await engine.close();
    }
  });
});

describe('schemawise erd', () => {
  it('writes a fenced Mermaid diagram to a .md file', () => {
    const out = path.join(tmp(), 'docs', 'erd.md');
    const { code } = run(['erd', example, '--out', out, '-q']);
    expect(code).toBe(0);
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/^```mermaid\nerDiagram\n/);
    expect(text).toContain('orders }o--|| customers');
  });
});

describe('bad input: a message and exit code 2, never a stack trace or a partial file', () => {
  const expectCleanFailure = (r: ReturnType<typeof run>, message: RegExp) => {
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.stdout).toBe('');
  };

  it('colours nothing when stderr is not a terminal, even in CI, unless FORCE_COLOR says so', () => {
    expect(run(['inspect', 'nope.sql'], { env: { CI: 'true' } }).stderr).not.toContain('\u001b[');
    expect(run(['inspect', 'nope.sql'], { env: { FORCE_COLOR: '1' } }).stderr).toContain('\u001b[31merror');
  });

  it('a missing file', () => {
    expectCleanFailure(run(['inspect', 'nope.sql']), /^error: nope\.sql: no such file or directory\n$/);
  });

  it('a directory without SQL', () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'README.md'), '# not sql');
    expectCleanFailure(run(['inspect', dir]), /no SQL migrations found in /);
  });

  it('a binary file', () => {
    const file = path.join(tmp(), 'blob.sql');
    writeFileSync(file, Buffer.from([0x43, 0x52, 0x00, 0xff, 0x01]));
    expectCleanFailure(run(['inspect', file]), /blob\.sql is not a text file/);
  });

  it('a syntax error, located', () => {
    const dir = tmp();
    const file = path.join(dir, 'bad.sql');
    writeFileSync(file, 'create table a (id int);\n-- é\ncreate table b (id int,, x int);\n');
    const out = path.join(dir, 'erd.md');
    const r = run(['erd', file, '--out', out]);
    expectCleanFailure(r, new RegExp(`^error: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3:24: syntax error at or near ","\n$`));
    expect(existsSync(out)).toBe(false);
  });

  it('an unknown type still loads, kept verbatim', () => {
    const file = path.join(tmp(), 'geo.sql');
    writeFileSync(file, 'create table places (id int primary key, at geometry(Point,4326), v my_custom_type);\n');
    const r = run(['inspect', file, '-q']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).schemas[0].tables[0].columns.map((c: any) => c.type)).toEqual(['integer', 'geometry(point,4326)', 'my_custom_type']);
  });

  it('an unknown option', () => {
    const r = run(['inspect', example, '--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown option '--frobnicate'");
  });

  it('an unreachable database, quickly, without the password', () => {
    const started = Date.now();
    const r = run(['inspect', 'postgres://app:s3cret@127.0.0.1:1/shop']);
    expectCleanFailure(r, /127\.0\.0\.1:1/);
    expect(r.stderr).not.toContain('s3cret');
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it.skipIf(!process.env.SCHEMAWISE_TEST_DATABASE_URL)('a database that does not exist on a reachable server, without the password', () => {
    const url = new URL(process.env.SCHEMAWISE_TEST_DATABASE_URL!);
    url.pathname = '/schemawise_no_such_db';
    url.password = 'hunter2';
    const r = run(['inspect', url.toString()]);
    expectCleanFailure(r, /could not connect to postgres:\/\/.*:\*\*\*@.*schemawise_no_such_db: .*does not exist/);
    expect(r.stderr).not.toContain('hunter2');
  });

  it('an output path that cannot be written', () => {
    const file = path.join(tmp(), 'not-a-folder');
    writeFileSync(file, 'x');
    expectCleanFailure(run(['erd', example, '-q', '--out', path.join(file, 'erd.md')]), /^error: cannot write .*erd\.md: ENOTDIR/);
  });

  it('an empty migrations folder', () => {
    const dir = path.join(tmp(), 'migrations');
    mkdirSync(dir);
    expectCleanFailure(run(['inspect', dir]), /no SQL migrations found/);
  });
});
