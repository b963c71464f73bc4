/**
 * seed: generated rows that honour the schema, computed inside PostgreSQL — on the embedded
 * engine and on the server. Every assertion reads the rows back from the database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedEngine } from '../src/engine/embedded.js';
import type { Engine } from '../src/engine/engine.js';
import { introspect } from '../src/engine/introspect.js';
import { initParser } from '../src/parse/parse-script.js';
import { columnBounds } from '../src/seed/check-bounds.js';
import { runSeed } from '../src/seed/run-seed.js';
import { planSeed, type SeedOptions } from '../src/seed/seed-plan.js';
import { onEachEngine } from './helpers/each-engine.js';
import { execStatements, resetEngine } from './helpers/scratch-engine.js';
import { SHOP } from './helpers/shop-schema.js';


const ROWS = new Map([['customers', 2000], ['orders', 10_000], ['order_items', 20_000], ['products', 300], ['categories', 40], ['product_categories', 600]]);

async function seed(engine: Engine, schema: string, options: SeedOptions = {}, force = false) {
  await resetEngine(engine);
  await execStatements(engine, schema);
  const plan = planSeed((await introspect(engine)).database, { anchor: '2026-11-25', ...options });
  return { plan, report: await runSeed(engine, plan, { batchSize: 3000, force }) };
}

const one = async <T>(engine: Engine, sql: string) => (await engine.query<T>(sql))[0];

function suite(label: string, connect: () => Promise<Engine>, disconnect: (engine: Engine) => Promise<void>) {
  describe(label, () => {
    let engine: Engine;
    beforeAll(async () => {
      await initParser();
      engine = await connect();
    }, 60_000);
    afterAll(() => engine && disconnect(engine));

    it('fills every table with the asked rows, parents first, honouring keys, CHECKs and enums', async () => {
      const { report } = await seed(engine, SHOP, { rows: ROWS });
      expect(report.tables.map((t) => [t.table.name, t.generated])).toEqual([
        ['categories', 40], ['customers', 2000], ['orders', 10_000], ['products', 300], ['order_items', 20_000], ['product_categories', 600],
      ]);
      for (const [table, rows] of ROWS) expect(await one(engine, `SELECT count(*)::int AS n FROM ${table}`)).toEqual({ n: rows });
      expect(await one(engine, 'SELECT count(DISTINCT email)::int AS n FROM customers')).toEqual({ n: 2000 });
      const checks = await one(engine, `SELECT min(quantity) AS lo, max(quantity) AS hi, (SELECT min(price)::float8 FROM products) AS price,
        (SELECT count(*)::int FROM orders WHERE shipped_at <= placed_at) AS disordered, (SELECT count(*)::int FROM orders WHERE shipped_at IS NULL) AS unshipped FROM order_items`);
      expect(checks).toMatchObject({ lo: 1, hi: 50, disordered: 0 });
      expect((checks as { price: number }).price).toBeGreaterThan(0);
      // Timestamps over the year before the anchor, in insertion order.
      const span = await one<{ first: string; last: string; ordered: boolean }>(engine, `SELECT min(placed_at)::date::text AS first, max(placed_at)::date::text AS last,
        (SELECT placed_at FROM orders WHERE id = 1) < (SELECT placed_at FROM orders WHERE id = 10000) AS ordered FROM orders`);
      expect(span).toEqual({ first: '2025-11-24', last: '2026-11-24', ordered: true });
    });

    it('draws foreign keys with a skew, statuses by age, NULLs in a tenth of nullable columns, trees through self-references', async () => {
      await seed(engine, SHOP, { rows: ROWS });
      // Zipf-skewed: the busiest customer has far more orders than the mean of 5.
      const top = await one<{ n: number }>(engine, 'SELECT count(*)::int AS n FROM orders GROUP BY customer_id ORDER BY 1 DESC LIMIT 1');
      expect(top.n).toBeGreaterThan(50);
      // Old orders shipped or cancelled, recent ones pending or paid.
      const ages = await engine.query<{ status: string; age: number }>(`SELECT status::text, avg(extract(epoch FROM TIMESTAMPTZ '2026-11-25' - placed_at) / 86400)::float8 AS age FROM orders GROUP BY 1 ORDER BY 2`);
      expect(ages[0].status).toBe('pending');
      expect(ages.at(-1)!.age).toBeGreaterThan(ages[0].age + 100);
      const nulls = await one<{ f: number }>(engine, 'SELECT avg((birth_date IS NULL)::int)::float8 AS f FROM customers');
      expect(nulls.f).toBeGreaterThan(0.05);
      expect(nulls.f).toBeLessThan(0.15);
      // Categories form a tree: a parent is an earlier row, the first is a root.
      const tree = await one(engine, `SELECT count(*) FILTER (WHERE parent_id IS NULL)::int AS roots, count(*) FILTER (WHERE parent_id >= id)::int AS forward FROM categories`);
      expect(tree).toMatchObject({ forward: 0 });
      expect((tree as { roots: number }).roots).toBeGreaterThanOrEqual(1);
      // Every pair of the join table once (its primary key held), over many products.
      expect(await one(engine, 'SELECT count(DISTINCT product_id)::int AS n FROM product_categories')).toEqual({ n: 300 });
    });

    it('gives the same rows for the same date, whatever the batch size', async () => {
      const digest = `SELECT md5(string_agg(o::text, ',' ORDER BY o.id)) AS d FROM (SELECT id, customer_id, status, total, placed_at FROM orders) AS o`;
      await seed(engine, SHOP, { rows: ROWS });
      const first = await one(engine, digest);
      await resetEngine(engine);
      await execStatements(engine, SHOP);
      const plan = planSeed((await introspect(engine)).database, { anchor: '2026-11-25', rows: ROWS });
      await runSeed(engine, plan, { batchSize: 777 });
      expect(await one(engine, digest)).toEqual(first);
    });

    it('fills a cycle of nullable foreign keys afterwards; refuses a NOT NULL cycle, a type it cannot generate, and tables with rows', async () => {
      const cycle = 'CREATE TABLE a (id int PRIMARY KEY, b_id int);\nCREATE TABLE b (id int PRIMARY KEY, a_id int NOT NULL REFERENCES a (id));\nALTER TABLE a ADD FOREIGN KEY (b_id) REFERENCES b (id);';
      await seed(engine, cycle, { rows: new Map([['a', 100], ['b', 50]]) });
      const filled = await one(engine, 'SELECT count(b_id)::int AS n FROM a');
      expect((filled as { n: number }).n).toBeGreaterThan(70);

      await expect(seed(engine, cycle.replace('b_id int)', 'b_id int NOT NULL)'))).rejects.toThrow(/tables public\.a, public\.b reference each other through NOT NULL foreign keys/);
      await expect(seed(engine, 'CREATE TABLE places (id int PRIMARY KEY, at point NOT NULL);')).rejects.toThrow('public.places.at: cannot generate values of type point (NOT NULL, no default)');
      await engine.exec('INSERT INTO places VALUES (1, point(0, 0))').catch(() => undefined);
      await resetEngine(engine);
      await execStatements(engine, 'CREATE TABLE t (id int PRIMARY KEY, n int);\nINSERT INTO t VALUES (1, 1);');
      const plan = planSeed((await introspect(engine)).database, { defaultRows: 10 });
      await expect(runSeed(engine, plan)).rejects.toThrow('table public.t already holds rows: seed adds rows to what is there only with --force');
      expect(await one(engine, 'SELECT count(*)::int AS n FROM t')).toEqual({ n: 1 });
    });

    it('honours what a second review found missed: booleans and IN lists do not cap a table, varchar and domain CHECKs, partial and expression unique indexes, date order, inheritance', async () => {
      const schema = `CREATE DOMAIN posint AS int CHECK (VALUE > 0);
CREATE TABLE users (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL, active boolean NOT NULL, flag boolean UNIQUE,
  status varchar(20) NOT NULL CHECK (status IN ('new', 'done')), code varchar(8) CHECK (char_length(code) <= 6), score posint NOT NULL, deleted_at timestamptz);
CREATE UNIQUE INDEX users_email_live ON users (email) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX users_email_lower ON users (lower(email));
CREATE TABLE stays (id int PRIMARY KEY, start_on date, end_on date NOT NULL, CHECK (end_on > start_on));
CREATE TABLE events (id int PRIMARY KEY, at timestamptz NOT NULL);
CREATE TABLE click_events (x int) INHERITS (events);
CREATE TABLE event_notes (id int PRIMARY KEY, event_id int NOT NULL REFERENCES events (id));`;
      const { plan, report } = await seed(engine, schema, { rows: new Map([['users', 3000], ['stays', 2000], ['events', 500], ['click_events', 800], ['event_notes', 1000]]) });
      expect(report.tables.map((t) => [t.table.name, t.generated, t.scaled]).sort()).toEqual([
        ['click_events', 800, false], ['event_notes', 1000, false], ['events', 500, false], ['stays', 2000, false], ['users', 2, false],
      ]);
      // Only the unique boolean caps users (two values), and the note says so.
      expect(plan.notes).toEqual(['public.users: 2 rows at most (flag is unique), not 3000']);
      const users = await one(engine, `SELECT count(DISTINCT flag)::int AS flags, bool_and(status IN ('new', 'done')) AS statuses, bool_and(score > 0) AS scores FROM users`);
      expect(users).toEqual({ flags: 2, statuses: true, scores: true });
    });

    it('refuses two foreign keys through one column, with the reason', async () => {
      const schema = `CREATE TABLE tenants (id int PRIMARY KEY);
CREATE TABLE customers (tenant_id int REFERENCES tenants (id), id int, PRIMARY KEY (tenant_id, id));
CREATE TABLE products (tenant_id int REFERENCES tenants (id), id int, PRIMARY KEY (tenant_id, id));
CREATE TABLE orders (id int PRIMARY KEY, tenant_id int NOT NULL, customer_id int NOT NULL, product_id int NOT NULL,
  FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id), FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id));`;
      await expect(seed(engine, schema, { defaultRows: 10 })).rejects.toThrow('public.orders: foreign keys orders_tenant_id_customer_id_fkey and orders_tenant_id_product_id_fkey share the column tenant_id: seed cannot yet draw rows that satisfy both');
    });

    it('names the constraint generated rows break', async () => {
      await expect(seed(engine, `CREATE TABLE t (id int PRIMARY KEY, code text NOT NULL CHECK (code ~ '^[A-Z]{3}$'));`, { defaultRows: 10 })).rejects.toThrow(/seeding public\.t: PostgreSQL: new row for relation "t" violates check constraint "t_code_check"/);
    });
  });
}

onEachEngine('schemawise_seed', suite);

describe('a sample standing for a larger table (PostgreSQL 18: the embedded engine)', () => {
  let engine: Engine;
  beforeAll(async () => {
    await initParser();
    engine = await createEmbeddedEngine();
  }, 60_000);
  afterAll(() => engine?.close());

  it('generates at most --max-rows and scales the planner statistics to the asked rows', async () => {
    const { plan, report } = await seed(engine, SHOP, { rows: new Map([['orders', 2_000_000], ['customers', 100_000]]), defaultRows: 100, maxRows: 21_000 });
    const orders = report.tables.find((t) => t.table.name === 'orders')!;
    expect(orders).toMatchObject({ rows: 2_000_000, scaled: true });
    expect(orders.generated).toBeLessThan(21_000);
    expect(plan.scaled.map((s) => s.table.name).sort()).toEqual(['customers', 'orders']);
    expect(report.statistics.join('\n')).toMatch(/public\.orders: \d+ rows generated for 2000000; planner statistics scaled/);
    const plans = await engine.query<{ 'QUERY PLAN': string }>('EXPLAIN SELECT * FROM orders');
    const estimate = Number(/rows=(\d+)/.exec(plans[0]['QUERY PLAN'])![1]);
    expect(estimate).toBeGreaterThan(1_800_000);
    expect(estimate).toBeLessThan(2_200_000);
    // A foreign key column has about as many distinct values as its parent has rows (asked, not sampled):
    // a customer outside the sample's most common values has ~20 orders, not 2M / the sample's parents.
    const [{ distinct }] = await engine.query<{ distinct: number }>(`SELECT n_distinct::float8 AS distinct FROM pg_stats WHERE tablename = 'orders' AND attname = 'customer_id'`);
    expect(distinct).toBe(100_000);
    expect(report.statistics).toContain('public.orders.customer_id: n_distinct 100000 (the rows of public.customers)');
    const lookup = await engine.query<{ 'QUERY PLAN': string }>('EXPLAIN SELECT * FROM orders WHERE customer_id = 99999');
    const perCustomer = Number(/rows=(\d+)/.exec(lookup.map((r) => r['QUERY PLAN']).join('\n'))![1]);
    expect(perCustomer).toBeGreaterThan(5);
    expect(perCustomer).toBeLessThan(80);
  });

  it('spreads a sampled join table\'s pairs over both sides (not every member following member 1)', async () => {
    await resetEngine(engine);
    const ddl = 'CREATE TABLE members (id bigint PRIMARY KEY);\nCREATE TABLE follows (member_id bigint NOT NULL REFERENCES members, related_member_id bigint NOT NULL REFERENCES members, PRIMARY KEY (member_id, related_member_id));';
    await seed(engine, ddl, { rows: new Map([['members', 1_000_000], ['follows', 200_000_000]]), maxTableRows: 5_000 });
    const spread = await one<{ a: number; b: number; top: number }>(engine, 'SELECT count(DISTINCT member_id)::int AS a, count(DISTINCT related_member_id)::int AS b, (SELECT count(*)::int FROM follows GROUP BY related_member_id ORDER BY 1 DESC LIMIT 1) AS top FROM follows');
    expect(spread.a).toBeGreaterThan(1_000);
    expect(spread.b).toBeGreaterThan(1_000);
    expect(spread.top).toBeLessThan(20);
  });

  it('gives each partition of a sampled partitioned table its foreign key\'s distinct count (a scan of one partition estimates by it)', async () => {
    await resetEngine(engine);
    const ddl = 'CREATE TABLE products (id bigint PRIMARY KEY);\nCREATE TABLE sales (id bigint NOT NULL, sold_at timestamptz NOT NULL, product_id bigint NOT NULL REFERENCES products, PRIMARY KEY (id, sold_at)) PARTITION BY RANGE (sold_at);\nCREATE TABLE sales_default PARTITION OF sales DEFAULT;';
    await seed(engine, ddl, { rows: new Map([['products', 80_000], ['sales', 900_000_000]]), maxTableRows: 20_000 });
    const [{ distinct }] = await engine.query<{ distinct: number }>(`SELECT n_distinct::float8 AS distinct FROM pg_stats WHERE tablename = 'sales_default' AND attname = 'product_id' AND NOT inherited`);
    expect(distinct).toBe(80_000);
    const plan = (await engine.query<{ 'QUERY PLAN': string }>('EXPLAIN SELECT * FROM sales WHERE product_id = 12345')).map((r) => r['QUERY PLAN']).join('\n');
    const estimate = Number(/rows=(\d+)/.exec(plan)![1]);
    // 900M sales over 80k products: about 11 250 each (2 before: the partition's sample looked unique).
    expect(estimate).toBeGreaterThan(5_000);
    expect(estimate).toBeLessThan(25_000);
  });
});

describe('simple CHECKs as bounds', () => {
  beforeAll(() => initParser());
  it.each([
    [['(qty > 0)'], 'qty', { min: 0, minExclusive: true }],
    [['qty BETWEEN 1 AND 5'], 'qty', { min: 1, minExclusive: false, max: 5, maxExclusive: false }],
    [['((a >= 0) AND (a < 100))'], 'a', { min: 0, minExclusive: false, max: 100, maxExclusive: true }],
    [["status = ANY (ARRAY['a'::text, 'b'::text])"], 'status', { values: ['a', 'b'] }],
    [["status IN ('x', 'y')"], 'status', { values: ['x', 'y'] }],
    [['(char_length(code) <= 8)'], 'code', { maxLength: 8 }],
    [['(ends_at > starts_at)'], 'ends_at', { after: ['starts_at'] }],
    [['(10 > n)'], 'n', { max: 10, maxExclusive: true }],
    [["(code ~ '^[A-Z]+$')"], 'code', {}],
    [['(qty > 0)'], 'other', {}],
  ] as const)('%j on %s', (expressions, column, bounds) => {
    expect(columnBounds(expressions, column)).toEqual(bounds);
  });
});
