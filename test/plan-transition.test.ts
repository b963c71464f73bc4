/**
 * Expand → backfill → contract: type changes that rewrite and renames, planned online, on
 * PostgreSQL — the diff invariant (up gives `to`, down gives `from`), and the data: the sync
 * trigger keeps both shapes in step for clients of either, the backfill fills in batches and
 * goes on where it stopped, the contract keeps every value, its down puts the old column back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Renames } from '../src/diff/changes.js';
import { diffModels } from '../src/diff/diff-models.js';
import { createEmbeddedEngine } from '../src/engine/embedded.js';
import type { Engine } from '../src/engine/engine.js';
import { serverDatabase, serverUrl } from './helpers/server-database.js';
import { loadStatic } from '../src/load/load-schema.js';
import { initNormalizer } from '../src/model/normalize.js';
import { planChanges } from '../src/plan/plan-changes.js';
import type { PlanOptions } from '../src/plan/plan-types.js';
import { renderMigrations, type RenderedMigration } from '../src/plan/render-migrations.js';
import { roundTrip } from './helpers/round-trip.js';
import { execStatements, resetEngine } from './helpers/scratch-engine.js';

const renames = (tables: [string, string][] = [], columns: [string, string][] = []): Renames => ({ tables: new Map(tables), columns: new Map(columns) });

const orders = `CREATE TABLE orders (
  id bigint PRIMARY KEY,
  customer text,
  total integer NOT NULL DEFAULT 0,
  mail text
);
CREATE INDEX idx_orders_total ON orders (total);
CREATE INDEX idx_orders_customer_total ON orders (customer, total);
ALTER TABLE orders ADD CONSTRAINT orders_mail_key UNIQUE (mail);
COMMENT ON COLUMN orders.total IS 'cents';`;

const widened = orders.replace('total integer NOT NULL DEFAULT 0', 'total bigint NOT NULL DEFAULT 0');

interface Case {
  name: string;
  from: string;
  to: string;
  renames?: Renames;
  /** Phases of the online plan, in order. */
  phases: string[];
}

const CASES: Case[] = [
  { name: 'integer → bigint with indexes, NOT NULL, default and comment', from: orders, to: widened, phases: ['main', 'backfill', 'concurrent', 'validate', 'contract'] },
  {
    name: 'a column renamed, with its unique key',
    from: orders,
    to: orders.replace('mail text', 'email text').replace('orders_mail_key UNIQUE (mail)', 'orders_email_key UNIQUE (email)'),
    renames: renames([], [['public.orders.mail', 'email']]),
    phases: ['main', 'backfill', 'concurrent', 'contract'],
  },
  {
    name: 'renamed and retyped at once, on a table without a primary key',
    from: 'CREATE TABLE readings (sensor int, value real NOT NULL);',
    to: 'CREATE TABLE readings (sensor int, reading double precision NOT NULL);',
    renames: renames([], [['public.readings.value', 'reading']]),
    phases: ['main', 'backfill', 'validate', 'contract'],
  },
  {
    name: 'text → enum (cast through text both ways)',
    from: "CREATE TYPE state AS ENUM ('new', 'done');\nCREATE TABLE tasks (id int PRIMARY KEY, state text DEFAULT 'new');",
    to: "CREATE TYPE state AS ENUM ('new', 'done');\nCREATE TABLE tasks (id int PRIMARY KEY, state state DEFAULT 'new');",
    phases: ['main', 'backfill', 'contract'],
  },
  {
    name: 'a domain with a default as the new type (the new column starts empty all the same)',
    from: 'CREATE DOMAIN cents AS bigint DEFAULT 0 CHECK (VALUE >= 0);\nCREATE TABLE t (id int PRIMARY KEY, n int);',
    to: 'CREATE DOMAIN cents AS bigint DEFAULT 0 CHECK (VALUE >= 0);\nCREATE TABLE t (id int PRIMARY KEY, n cents);',
    phases: ['main', 'backfill', 'contract'],
  },
  { name: 'json → jsonb (no = operator on json)', from: 'CREATE TABLE docs (id int PRIMARY KEY, body json);', to: 'CREATE TABLE docs (id int PRIMARY KEY, body jsonb);', phases: ['main', 'backfill', 'contract'] },
  {
    name: 'odd names: a % in the table, a dollar tag in a column, a column named like the batch size',
    from: 'CREATE TABLE "50%_off" (id int PRIMARY KEY, "x$sync$" int, batch_size int, pause int);',
    to: 'CREATE TABLE "50%_off" (id int PRIMARY KEY, "x$sync$" bigint, batch_size int, pause int);',
    phases: ['main', 'backfill', 'contract'],
  },
  {
    name: 'an index name that `to` gives to another index, and a comment that changes',
    from: "CREATE TABLE t (id int PRIMARY KEY, n int, c text);\nCREATE INDEX ix ON t (n);\nCOMMENT ON COLUMN t.n IS 'old';",
    to: "CREATE TABLE t (id int PRIMARY KEY, n bigint, c text);\nCREATE INDEX ix ON t (c);\nCOMMENT ON COLUMN t.n IS 'new';",
    phases: ['main', 'backfill', 'concurrent', 'contract'],
  },
  {
    name: 'a table renamed while one of its columns is retyped and another renamed in place',
    from: 'CREATE TABLE customers (id int PRIMARY KEY, name text, n int);',
    to: 'CREATE TABLE clients (id int PRIMARY KEY, full_name text, n bigint, CONSTRAINT customers_pkey PRIMARY KEY (id));'.replace('id int PRIMARY KEY,', 'id int,'),
    renames: renames([['public.customers', 'clients']], [['public.clients.name', 'full_name']]),
    phases: ['main', 'backfill', 'contract'],
  },
  {
    name: 'a table renamed: the old name lives on as a view',
    from: 'CREATE TABLE customers (id int PRIMARY KEY, name text);\nCREATE TABLE notes (id int PRIMARY KEY, customer_id int REFERENCES customers (id));',
    to: 'CREATE TABLE clients (id int, name text, CONSTRAINT customers_pkey PRIMARY KEY (id));\nCREATE TABLE notes (id int PRIMARY KEY, customer_id int REFERENCES clients (id));',
    renames: renames([['public.customers', 'clients']]),
    phases: ['main', 'contract'],
  },
];

function plan(from: string, to: string, options: PlanOptions & { renames?: Renames } = {}) {
  return (async () => {
    const a = (await loadStatic([{ file: 'from.sql', sql: from }])).database;
    const b = (await loadStatic([{ file: 'to.sql', sql: to }])).database;
    const p = planChanges(diffModels(a, b, options.renames), options);
    return { plan: p, migrations: renderMigrations(p, 'case') };
  })();
}

async function apply(engine: Engine, m: RenderedMigration, direction: 'up' | 'down'): Promise<void> {
  if (!m.transactional) return execStatements(engine, m[direction]);
  await engine.exec('BEGIN');
  try {
    await execStatements(engine, m[direction]);
    await engine.exec('COMMIT');
  } catch (error) {
    await engine.exec('ROLLBACK');
    throw error;
  }
}

const byPhase = (migrations: RenderedMigration[], phase: string) => migrations.find((m) => m.phase === phase)!;

function suite(label: string, connect: () => Promise<Engine>, disconnect: (engine: Engine) => Promise<void>) {
  describe(label, () => {
    let engine: Engine;
    beforeAll(async () => {
      await initNormalizer();
      engine = await connect();
    }, 60_000);
    afterAll(() => engine && disconnect(engine));

    it.each(CASES.map((c) => [c.name, c] as const))('%s: round-trips, in the expected phases', async (_, c) => {
      const result = await roundTrip(engine, c.from, c.to, { renames: c.renames });
      expect(result.migrations.map((m) => m.phase)).toEqual(c.phases);
      expect(result.upDifferences, result.migrations.map((m) => m.up).join('\n')).toEqual([]);
      expect(result.downDifferences, result.migrations.map((m) => m.down).join('\n')).toEqual([]);
    });

    it('keeps both columns in step while both live, backfills in batches, resumes, and keeps every value', async () => {
      const { migrations } = await plan(orders, widened, { batchSize: 400, batchPauseMs: 0 });
      await resetEngine(engine);
      await execStatements(engine, orders);
      await engine.exec(`INSERT INTO orders (id, customer, total, mail) SELECT g, 'c' || (g % 7), g * 10, 'm' || g FROM generate_series(1, 2500) AS g`);

      await apply(engine, byPhase(migrations, 'main'), 'up');
      // A client of the old shape inserts and updates: the trigger fills the new column.
      await engine.exec(`INSERT INTO orders (id, total) VALUES (3000, 42)`);
      await engine.exec(`UPDATE orders SET total = 7 WHERE id = 1`);
      // A client of the new shape writes the new column alone: the old one follows.
      await engine.exec(`INSERT INTO orders (id, total_new) VALUES (3001, 5000000000)`.replace('5000000000', '99'));
      const pair = await engine.query<{ id: string; total: number; total_new: string }>('SELECT id, total, total_new FROM orders WHERE id IN (1, 3000, 3001, 2) ORDER BY id');
      expect(pair.map((r) => [Number(r.id), Number(r.total), r.total_new === null ? null : Number(r.total_new)])).toEqual([
        [1, 7, 7],
        [2, 20, null],
        [3000, 42, 42],
        [3001, 99, 99],
      ]);

      // A first run interrupted after the rows up to 2000 (as its batches would have left them):
      // CALLed again, it fills the rest and rewrites none of those.
      await engine.exec('UPDATE orders SET total_new = total WHERE id <= 2000');
      const before = await engine.query<{ id: string; xmin: string }>('SELECT id, xmin::text FROM orders WHERE id <= 2000 ORDER BY id');
      await apply(engine, byPhase(migrations, 'backfill'), 'up');
      const after = await engine.query<{ id: string; xmin: string }>('SELECT id, xmin::text FROM orders WHERE id <= 2000 ORDER BY id');
      expect(after).toEqual(before);
      const left = await engine.query<{ n: string }>('SELECT count(*) AS n FROM orders WHERE total_new IS DISTINCT FROM total::bigint');
      expect(Number(left[0].n)).toBe(0);
      // Batches of 400 in key order, each committed on its own: 2001–2400 and 2401–2500 in two transactions.
      const transactions = await engine.query<{ n: string }>('SELECT count(DISTINCT xmin::text)::text AS n FROM orders WHERE id BETWEEN 2001 AND 2500');
      expect(transactions[0].n).toBe('2');

      await apply(engine, byPhase(migrations, 'concurrent'), 'up');
      await apply(engine, byPhase(migrations, 'validate'), 'up');
      await apply(engine, byPhase(migrations, 'contract'), 'up');
      const type = await engine.query<{ t: string }>(`SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attname = 'total'`);
      expect(type[0].t).toBe('bigint');
      const sum = await engine.query<{ s: string; n: string }>('SELECT sum(total)::text AS s, count(*)::text AS n FROM orders');
      // 10 × (1 + … + 2500), row 1 set to 7 instead of 10, plus 42 and 99.
      expect(sum[0]).toEqual({ s: String(10 * 1250 * 2501 - 10 + 7 + 42 + 99), n: '2502' });
      const gone = await engine.query<{ n: string }>(`SELECT count(*)::text AS n FROM pg_proc WHERE proname LIKE 'schemawise\\_%'`);
      expect(gone[0].n).toBe('0');

      // The contract's down puts the old column back, with its values.
      await apply(engine, byPhase(migrations, 'contract'), 'down');
      const back = await engine.query<{ s: string }>('SELECT sum(total)::text AS s FROM orders');
      expect(back[0].s).toBe(sum[0].s);
      const oldType = await engine.query<{ t: string }>(`SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute WHERE attrelid = 'orders'::regclass AND attname = 'total'`);
      expect(oldType[0].t).toBe('integer');
    });

    it.each([
      ['a domain default does not overwrite values', 'CREATE DOMAIN cents AS bigint DEFAULT 0 CHECK (VALUE >= 0);\nCREATE TABLE t (id int PRIMARY KEY, n int);', 'CREATE DOMAIN cents AS bigint DEFAULT 0 CHECK (VALUE >= 0);\nCREATE TABLE t (id int PRIMARY KEY, n cents);', undefined, 'INSERT INTO t VALUES (1, 42)', ['INSERT INTO t (id, n) VALUES (2, 7)'], 'SELECT id, n::text AS v FROM t ORDER BY id', [{ id: 1, v: '42' }, { id: 2, v: '7' }]],
      ['json rows can be updated while both columns live', 'CREATE TABLE docs (id int PRIMARY KEY, body json, tag text);', 'CREATE TABLE docs (id int PRIMARY KEY, body jsonb, tag text);', undefined, `INSERT INTO docs VALUES (1, '{"a": 1}', 'x')`, [`UPDATE docs SET tag = 'y'`, `UPDATE docs SET body = '{"b": 2}' WHERE id = 1`], 'SELECT id, body::text AS v FROM docs', [{ id: 1, v: '{"b": 2}' }]],
      ['a composite with a NULL field is copied', 'CREATE TYPE addr AS (street text, zip text);\nCREATE TABLE users (id int PRIMARY KEY, home addr);', 'CREATE TYPE addr AS (street text, zip text);\nCREATE TABLE users (id int PRIMARY KEY, address addr);', renames([], [['public.users.home', 'address']]), `INSERT INTO users VALUES (1, ROW('x', NULL))`, [`INSERT INTO users (id, address) VALUES (2, ROW('y', NULL))`], 'SELECT id, address::text AS v FROM users ORDER BY id', [{ id: 1, v: '(x,)' }, { id: 2, v: '(y,)' }]],
      ['a value written to the new column is not recomputed through a lossy cast', 'CREATE TABLE m (id int PRIMARY KEY, v real, note text);', 'CREATE TABLE m (id int PRIMARY KEY, w double precision, note text);', renames([], [['public.m.v', 'w']]), 'INSERT INTO m VALUES (1, 2.5)', ['INSERT INTO m (id, w) VALUES (2, 1.1)', "UPDATE m SET note = 'touched'"], 'SELECT id, w::text AS v FROM m ORDER BY id', [{ id: 1, v: '2.5' }, { id: 2, v: '1.1' }]],
    ] as const)('%s', async (_, from, to, names, rows, writes, query, expected) => {
      const { migrations } = await plan(from, to, { renames: names });
      await resetEngine(engine);
      await execStatements(engine, from);
      await engine.exec(rows);
      await apply(engine, byPhase(migrations, 'main'), 'up');
      for (const w of writes) await engine.exec(w);
      for (const m of migrations.filter((x) => x.phase !== 'main')) await apply(engine, m, 'up');
      expect(await engine.query(query)).toEqual(expected);
    });

    it('the contract refuses to run before the backfill (it would drop values not copied yet)', async () => {
      const { migrations } = await plan(orders, widened);
      await resetEngine(engine);
      await execStatements(engine, orders);
      await engine.exec(`INSERT INTO orders (id, total) VALUES (1, 5)`);
      await apply(engine, byPhase(migrations, 'main'), 'up');
      await expect(apply(engine, byPhase(migrations, 'contract'), 'up')).rejects.toThrow(/public\.orders: rows are not backfilled yet/);
      expect(await engine.query('SELECT total FROM orders')).toEqual([{ total: 5 }]);
    });

    it('a renamed table answers to its old name (reads and writes) until the contract', async () => {
      const c = CASES.find((x) => x.name.startsWith('a table renamed'))!;
      const { migrations } = await plan(c.from, c.to, { renames: c.renames });
      await resetEngine(engine);
      await execStatements(engine, c.from);
      await engine.exec(`INSERT INTO customers VALUES (1, 'Ada')`);
      await apply(engine, byPhase(migrations, 'main'), 'up');
      await engine.exec(`INSERT INTO customers VALUES (2, 'Grace')`);
      await engine.exec(`UPDATE customers SET name = 'Ada L.' WHERE id = 1`);
      const rows = await engine.query<{ id: number; name: string }>('SELECT id, name FROM clients ORDER BY id');
      expect(rows).toEqual([{ id: 1, name: 'Ada L.' }, { id: 2, name: 'Grace' }]);
      await apply(engine, byPhase(migrations, 'contract'), 'up');
      await expect(engine.query('SELECT * FROM customers')).rejects.toThrow(/customers/);
    });
  });
}

suite(
  'on the embedded engine',
  () => createEmbeddedEngine(),
  (engine) => engine.close(),
);

// The same on the PostgreSQL server (CI sets SCHEMAWISE_TEST_DATABASE_URL), in a database of its own.
if (serverUrl) {
  const database = serverDatabase('schemawise_transition');
  suite('on the PostgreSQL server', database.open, database.close);
}

describe('when a transition is not planned', () => {
  beforeAll(() => initNormalizer());
  const cases: [string, string, string, PlanOptions & { renames?: Renames }, RegExp][] = [
    ['a view reads the table', `${orders}\nCREATE VIEW big_orders AS SELECT id FROM orders WHERE total > 100;`, `${widened}\nCREATE VIEW big_orders AS SELECT id FROM orders WHERE total > 100;`, {}, /a view reads the table \(public\.big_orders\)/],
    ['the column is in a foreign key', 'CREATE TABLE a (id int PRIMARY KEY);\nCREATE TABLE b (a_id int REFERENCES a (id), x int);', 'CREATE TABLE a (id int PRIMARY KEY);\nCREATE TABLE b (a_id bigint REFERENCES a (id), x int);', {}, /in a foreign key/],
    ['a CHECK uses it', 'CREATE TABLE t (id int PRIMARY KEY, n int CHECK (n > 0));', 'CREATE TABLE t (id int PRIMARY KEY, n bigint CHECK (n > 0));', {}, /a CHECK constraint uses it/],
    ['the target is PostgreSQL 10', orders, widened, { pgVersion: 10 }, /needs PostgreSQL 11/],
    ['the table has a trigger', `${orders}\nCREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';\nCREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();`, `${widened}\nCREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';\nCREATE TRIGGER orders_touch BEFORE UPDATE ON orders FOR EACH ROW EXECUTE FUNCTION touch();`, {}, /the table has triggers \(orders_touch\)/],
    ['the new type is a NOT NULL domain', 'CREATE DOMAIN cents AS bigint NOT NULL;\nCREATE TABLE t (id int PRIMARY KEY, n int NOT NULL);', 'CREATE DOMAIN cents AS bigint NOT NULL;\nCREATE TABLE t (id int PRIMARY KEY, n cents NOT NULL);', {}, /the NOT NULL domain cents/],
    ['the old type is dropped by the same plan', "CREATE TYPE s1 AS ENUM ('a');\nCREATE TABLE t (id int PRIMARY KEY, s s1);", "CREATE TYPE s2 AS ENUM ('a');\nCREATE TABLE t (id int PRIMARY KEY, s s2);", {}, /its type s1 is dropped by the same plan/],
    ['`to` has a column of the old name', 'CREATE TABLE t (id int PRIMARY KEY, mail text);', 'CREATE TABLE t (id int PRIMARY KEY, email text, mail int);', { renames: renames([], [['public.t.mail', 'email']]) }, /`to` has another column named mail/],
    ['a sequence is owned by the column', 'CREATE SEQUENCE t_n_seq;\nCREATE TABLE t (id int PRIMARY KEY, n int);\nALTER SEQUENCE t_n_seq OWNED BY t.n;', 'CREATE SEQUENCE t_n_seq;\nCREATE TABLE t (id int PRIMARY KEY, n bigint);\nALTER SEQUENCE t_n_seq OWNED BY t.n;', {}, /a sequence is OWNED BY it/],
  ];
  it.each(cases)('%s: in place, with a note saying why', async (_, from, to, options, reason) => {
    const { plan: p, migrations } = await plan(from, to, options);
    expect(migrations.map((m) => m.phase)).not.toContain('contract');
    expect(p.statements.some((s) => / (TYPE|RENAME COLUMN) /.test(s.sql))).toBe(true);
    expect(p.notes.join('\n')).toMatch(reason);
  });

  it('--in-place and --offline plan one ALTER and no note', async () => {
    for (const options of [{ inPlace: true }, { offline: true }]) {
      const { plan: p, migrations } = await plan(orders, widened, options);
      expect(migrations.map((m) => m.phase)).toEqual(['main']);
      expect(p.statements.map((s) => s.sql)).toContain('ALTER TABLE public.orders ALTER COLUMN total TYPE bigint USING total::bigint;');
      expect(p.notes).toEqual([]);
    }
  });

  it('a type change that does not rewrite stays in place', async () => {
    const { plan: p, migrations } = await plan(orders, orders.replace('customer text', 'customer varchar'), {});
    expect(p.statements.map((s) => s.sql)).toEqual(['ALTER TABLE public.orders ALTER COLUMN customer TYPE character varying USING customer::character varying;']);
    expect(migrations.map((m) => m.phase)).toEqual(['main']);
  });
});

describe('the view that keeps a renamed table\'s old name', () => {
  beforeAll(() => initNormalizer());
  it('shows the old shape (the old columns, none of the new ones) and checks the caller\'s rights (PostgreSQL 15+)', async () => {
    const c = CASES.find((x) => x.name.startsWith('a table renamed while'))!;
    const main = byPhase((await plan(c.from, c.to, { renames: c.renames })).migrations, 'main').up;
    expect(main).toContain('CREATE VIEW public.customers WITH (security_invoker = true) AS SELECT id, name, n FROM public.clients;');
    const pg14 = byPhase((await plan(c.from, c.to, { renames: c.renames, pgVersion: 14 })).migrations, 'main').up;
    expect(pg14).toContain('CREATE VIEW public.customers AS SELECT id, name, n FROM public.clients;');
  });
});

describe('the backfill migration', () => {
  beforeAll(() => initNormalizer());
  it('is one CALL, outside a transaction, with no SET a session would keep; the procedure takes the batch size and pause asked for', async () => {
    const { migrations } = await plan(orders, widened, { batchSize: 5000, batchPauseMs: 20 });
    const backfill = byPhase(migrations, 'backfill');
    expect(backfill.transactional).toBe(false);
    expect(backfill.suffix).toBe('_backfill');
    const statements = backfill.up.split('\n').filter((l) => l.trim() && !l.startsWith('--'));
    expect(statements).toEqual(['CALL public.schemawise_backfill_orders();']);
    expect(byPhase(migrations, 'main').up).toContain("CREATE PROCEDURE public.schemawise_backfill_orders(batch_size integer DEFAULT 5000, pause interval DEFAULT '20 milliseconds')");
    expect(byPhase(migrations, 'contract').up).toContain('DROP PROCEDURE public.schemawise_backfill_orders;');
  });
});
