/**
 * explain: plans of a workload's queries on seeded data, with the warnings a reader needs —
 * each warning provoked on a real plan (embedded engine and server), and the CLI's output and
 * refusals.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../src/engine/engine.js';
import { introspect } from '../src/engine/introspect.js';
import { explainQuery, tableSizes } from '../src/explain/explain-query.js';
import { formatExplainMarkdown, planTree, reportQueries } from '../src/explain/format-explain.js';
import { readQueries } from '../src/explain/read-queries.js';
import { initParser } from '../src/parse/parse-script.js';
import { runSeed } from '../src/seed/run-seed.js';
import { planSeed } from '../src/seed/seed-plan.js';
import { onEachEngine } from './helpers/each-engine.js';
import { runCli } from './helpers/run-cli.js';
import { serverDatabase, serverUrl } from './helpers/server-database.js';
import { execStatements, resetEngine } from './helpers/scratch-engine.js';
import { SHOP } from './helpers/shop-schema.js';

const ROWS = new Map([['customers', 5000], ['orders', 40_000], ['order_items', 20_000], ['products', 300], ['categories', 40], ['product_categories', 600]]);

const explain = async (engine: Engine, sql: string, analyze = true) => {
  const [query] = readQueries('q.sql', sql);
  const e = await explainQuery(engine, query, { analyze });
  return reportQueries([e], await tableSizes(engine))[0];
};

describe('reading a queries file', () => {
  beforeAll(() => initParser());
  it('counts the parameters from the parse tree: a $1 in a string is text', () => {
    expect(readQueries('q.sql', `SELECT * FROM t WHERE a LIKE '%$1%' AND b = $2`)[0].parameters).toBe(2);
    expect(readQueries('q.sql', `SELECT '$1'`)[0].parameters).toBe(0);
  });
  it('takes the name, weight and parameter values above each query', () => {
    const queries = readQueries('q.sql', `-- name: history\n-- per_second: 300\nSELECT * FROM orders WHERE customer_id = $1;\n\n-- params: 7, 'a, b'\nSELECT $1::int, $2::text;\nSELECT 1`);
    expect(queries.map(({ name, weight, parameters, params, span }) => ({ name, weight, parameters, params, line: span.line }))).toEqual([
      { name: 'history', weight: 300, parameters: 1, params: undefined, line: 3 },
      { name: 'query 2', weight: 1, parameters: 2, params: ['7', "'a, b'"], line: 6 },
      { name: 'query 3', weight: 1, parameters: 0, params: undefined, line: 7 },
    ]);
  });
  it.each([
    ['-- params: 1\nSELECT $1, $2', 'q.sql:2:1: -- params: 1 value(s) for 2 parameter(s)'],
    ['-- weight: often\nSELECT 1', 'q.sql:2:1: -- weight: "often" is not a number'],
    ['-- nothing here', 'q.sql: no queries'],
    ['\\set x 1\nSELECT 1', 'q.sql:1:1: psql meta-command in a queries file: \\set x 1'],
  ])('refuses %j', (text, message) => {
    expect(() => readQueries('q.sql', text)).toThrow(message.replace(/^q\.sql:\d+:\d+: /, ''));
    try {
      readQueries('q.sql', text);
    } catch (error) {
      expect((error as { format: () => string }).format()).toBe(message);
    }
  });
});

function suite(label: string, connect: () => Promise<Engine>, disconnect: (engine: Engine) => Promise<void>) {
  describe(label, () => {
    let engine: Engine;
    beforeAll(async () => {
      await initParser();
      engine = await connect();
      await resetEngine(engine);
      await execStatements(engine, SHOP);
      await runSeed(engine, planSeed((await introspect(engine)).database, { rows: ROWS, anchor: '2026-11-25' }));
    }, 120_000);
    afterAll(() => engine && disconnect(engine));

    it('a sequential scan of a large table whose filter keeps almost nothing', async () => {
      const r = await explain(engine, `SELECT id FROM orders WHERE status = 'paid' AND total > 995`);
      expect(r.warnings.map((w) => w.kind).sort()).toEqual(['filter-discards-most', 'seq-scan-large-table']);
      expect(r.warnings.find((w) => w.kind === 'seq-scan-large-table')!.message).toMatch(/^reads all 40k rows of orders to keep the rows where/);
      expect(r.dominant[0]).toMatchObject({ node: 'Seq Scan on orders', by: 'time' });
    });

    it('a row estimate off by 10× or more, but not a Limit stopping early', async () => {
      const r = await explain(engine, 'SELECT * FROM orders WHERE id % 2 = 0');
      expect(r.warnings.find((w) => w.kind === 'rows-misestimated')?.message).toMatch(/^planned 200 rows, got 20k \(100× more\)/);
      const limited = await explain(engine, 'SELECT * FROM orders ORDER BY total DESC LIMIT 5');
      expect(limited.warnings.filter((w) => w.kind === 'rows-misestimated')).toEqual([]);
    });

    it('a sort that spills to disk when work_mem is small', async () => {
      await engine.exec(`SET work_mem = '64kB'`);
      try {
        const r = await explain(engine, 'SELECT * FROM orders ORDER BY placed_at DESC, total');
        expect(r.warnings.find((w) => w.kind === 'spills-to-disk')?.message).toMatch(/^sort spilled \d+ kB to disk \(external (merge|sort)\)/);
      } finally {
        await engine.exec('RESET work_mem');
      }
    });

    it('a nested loop scanning its inner side for each of many outer rows', async () => {
      await engine.exec('SET enable_hashjoin = off; SET enable_mergejoin = off; SET enable_memoize = off');
      try {
        const r = await explain(engine, 'SELECT count(*) FROM customers c JOIN products p ON p.name = c.full_name', false);
        expect(r.warnings.find((w) => w.kind === 'nested-loop-large')?.message).toMatch(/^for each of 5000 outer rows, .* runs again over about 300 rows/);
      } finally {
        await engine.exec('RESET enable_hashjoin; RESET enable_mergejoin; RESET enable_memoize');
      }
    });

    it('the dominant node of a query whose work is in an InitPlan is that work, not the Result above it', async () => {
      const r = await explain(engine, 'SELECT (SELECT count(*) FROM order_items) AS n');
      expect(r.dominant[0].node).not.toBe('Result');
      expect(r.dominant[0].node).toMatch(/order_items|Aggregate/);
    });

    it('a parameterised query gets its generic plan; values given by -- params: run it', async () => {
      const generic = await explain(engine, 'SELECT * FROM orders WHERE customer_id = $1', true);
      expect(generic.explained).toMatchObject({ generic: true, analyzed: false });
      expect(planTree(generic.explained.plan!)).toContain('$1');
      const valued = await explain(engine, '-- params: 42\nSELECT * FROM orders WHERE customer_id = $1', true);
      expect(valued.explained).toMatchObject({ generic: false, analyzed: true });
      // The shop has no index on orders.customer_id: with a value, the scan and its filter show.
      expect(valued.warnings.map((w) => w.kind).sort()).toEqual(['filter-discards-most', 'seq-scan-large-table']);
    });

    it('ANALYZE of a write leaves nothing behind; a bad query is an error of its own', async () => {
      const r = await explain(engine, 'DELETE FROM order_items');
      expect(r.explained.analyzed).toBe(true);
      expect(await engine.query('SELECT count(*)::int AS n FROM order_items')).toEqual([{ n: 20_000 }]);
      const bad = await explain(engine, 'SELECT nope FROM orders');
      expect(bad.explained.error).toMatch(/column "nope" does not exist/);
      expect(formatExplainMarkdown([bad])).toContain('**Error:** ');
    });
  });
}

onEachEngine('schemawise_explain', suite);

describe('schemawise explain (the built CLI)', () => {
  const run = (args: string[], cwd: string) => runCli(args, cwd, 120_000);
  const project = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'schemawise-explain-'));
    writeFileSync(path.join(dir, 'schema.sql'), SHOP);
    writeFileSync(path.join(dir, 'q.sql'), `-- name: to ship\nSELECT id FROM orders WHERE status = 'paid' AND placed_at > DATE '2026-11-20';\n-- name: history\nSELECT id FROM orders WHERE customer_id = $1 ORDER BY placed_at DESC LIMIT 20;\n`);
    return dir;
  };

  it('seeds the embedded engine and writes the markdown section', () => {
    const r = run(['explain', 'schema.sql', '--queries', 'q.sql', '--rows', 'orders=20k,customers=2k', '--analyze', '--date', '2026-11-25', '--format', 'markdown'], project());
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^## Query examples with EXPLAIN\n\n### to ship\n\n```sql\nSELECT id FROM orders/);
    expect(r.stdout).toContain('**seq-scan-large-table**: `Seq Scan on orders` reads all 20k rows of orders');
    expect(r.stdout).toContain('### history');
    expect(r.stdout).toContain('EXPLAIN (generic plan)');
  });

  it.each([
    [['--queries', 'missing.sql'], 'missing.sql: no such file or directory'],
    [['--queries', 'q.sql', '--timeout', '0'], '--timeout: "0" is not a positive number of seconds'],
    [[], "required option '--queries <file>' not specified"],
  ])('refuses %j with exit code 2', (args, message) => {
    const r = run(['explain', 'schema.sql', ...args], project());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stdout).toBe('');
  });

  it.runIf(!!serverUrl)('on a live database: read-only, so an ANALYZE of a write is refused and reported; exit 2', async () => {
    const database = serverDatabase('schemawise_explain_cli');
    const engine = await database.open();
    try {
      await engine.exec('CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 100); ANALYZE t');
      const dir = project();
      writeFileSync(path.join(dir, 'w.sql'), 'SELECT count(*) FROM t;\nDELETE FROM t;\n');
      const r = run(['explain', database.url(), '--queries', 'w.sql', '--analyze'], dir);
      expect(r.code).toBe(2);
      expect(r.stdout).toContain('error: cannot execute DELETE in a read-only transaction');
      expect(r.stdout).toContain('2 queries explained, 0 warnings, 1 failed');
      expect(await engine.query('SELECT count(*)::int AS n FROM t')).toEqual([{ n: 100 }]);
    } finally {
      await database.close(engine);
    }
  });
});
