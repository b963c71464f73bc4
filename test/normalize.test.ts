import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedEngine } from '../src/engine/embedded.js';
import type { Engine } from '../src/engine/engine.js';
import { connectServer } from '../src/engine/server.js';
import { emptyDatabase, emptySchema, emptyTable } from '../src/model/empty.js';
import { initNormalizer, normalizeExpression, normalizeForComparison } from '../src/model/normalize.js';
import type { Database, Table } from '../src/model/types.js';

const serverUrl = process.env.SCHEMAWISE_TEST_DATABASE_URL;

const COLUMNS = `price numeric, kind text, code varchar(10), status order_status, name text, qty int,
  at timestamptz, tags text[], data jsonb`;

/** CHECK expressions on a table with COLUMNS: as written in DDL, as pg_get_expr(conbin, conrelid, true) prints them. */
const CHECKS: [string, string][] = [
  ['price > 0', 'price > 0::numeric'],
  ['price >= 0.5', 'price >= 0.5'],
  ["kind IN ('a', 'b')", "kind = ANY (ARRAY['a'::text, 'b'::text])"],
  ["kind NOT IN ('a', 'b')", "kind <> ALL (ARRAY['a'::text, 'b'::text])"],
  ["code IN ('x', 'y')", "code::text = ANY (ARRAY['x'::character varying, 'y'::character varying]::text[])"],
  ["status IN ('paid')", "status = 'paid'::order_status"],
  ["status = 'paid'", "status = 'paid'::order_status"],
  ["code = 'x'", "code::text = 'x'::text"],
  ["kind <> ''", "kind <> ''::text"],
  ["name LIKE 'a%'", "name ~~ 'a%'::text"],
  ["name NOT ILIKE 'a%'", "name !~~* 'a%'::text"],
  ["name ~ '^[a-z]+$'", "name ~ '^[a-z]+$'::text"],
  ['qty BETWEEN 1 AND 10', 'qty >= 1 AND qty <= 10'],
  ['qty NOT BETWEEN 1 AND 10', 'qty < 1 OR qty > 10'],
  ["length(name) BETWEEN 1 AND 50 AND kind IN ('a')", "length(name) >= 1 AND length(name) <= 50 AND kind = 'a'::text"],
  ['"qty" > -1', "qty > '-1'::integer"],
  ['price * 2 > qty', '(price * 2::numeric) > qty::numeric'],
  ['qty % 2 = 0 OR qty IS NULL', '(qty % 2) = 0 OR qty IS NULL'],
  ['NOT (qty > 5)', 'NOT qty > 5'],
  ["at > '2024-01-01'", "at > '2024-01-01 00:00:00+00'::timestamp with time zone"],
  ["at < now() + interval '1 day'", "at < (now() + '1 day'::interval)"],
  ["tags <> '{}'", "tags <> '{}'::text[]"],
  ["kind = ANY ('{a,b}')", "kind = ANY ('{a,b}'::text[])"],
  ["data ->> 'k' IS NOT NULL", "(data ->> 'k'::text) IS NOT NULL"],
  ['coalesce(qty, 0) >= 0', 'COALESCE(qty, 0) >= 0'],
  ['CASE WHEN qty > 0 THEN true ELSE false END', '\nCASE\n    WHEN qty > 0 THEN true\n    ELSE false\nEND'],
  ['price::int > 0', 'price::integer > 0'],
];

/** Column defaults: the column's type, the default as written, as pg_get_expr(adbin, adrelid, true) prints it. */
const DEFAULTS: [string, string, string][] = [
  ['text', "'web'", "'web'::text"],
  ['varchar(5)', "'ab'", "'ab'::character varying"],
  ['numeric', '0', '0'],
  ['numeric', '-1.5', "'-1.5'::numeric"],
  ['int', '-1', "'-1'::integer"],
  ['boolean', 'false', 'false'],
  ['timestamptz', 'now()', 'now()'],
  ['timestamptz', 'CURRENT_TIMESTAMP', 'CURRENT_TIMESTAMP'],
  ['timestamptz', "now() + interval '1 day'", "now() + '1 day'::interval"],
  ['interval', "interval '1 day'", "'1 day'::interval"],
  ['date', "'2024-01-01'", "'2024-01-01'::date"],
  ['text[]', "'{}'", "'{}'::text[]"],
  ['jsonb', "'{}'", "'{}'::jsonb"],
  ['order_status', "'pending'", "'pending'::order_status"],
  ['bigint', "nextval('s')", "nextval('s'::regclass)"],
  ['uuid', 'gen_random_uuid()', 'gen_random_uuid()'],
];

/** View queries on VIEW_TABLES, as written; PostgreSQL 15 and 18 each print them back their own way. */
const VIEW_TABLES = `CREATE TABLE vt (id int, name text, kind text); CREATE TABLE vu (id int, t_id int)`;
const VIEWS: string[] = [
  "SELECT id, name FROM vt WHERE kind = 'a'",
  'SELECT kind, count(*) FROM vt GROUP BY 1 ORDER BY 2 DESC',
  'SELECT vt.id, vu.id AS u_id FROM vt JOIN vu ON vu.t_id = vt.id',
  'SELECT x.id FROM vt AS x LEFT JOIN vu y ON y.t_id = x.id WHERE y.id IS NULL',
  'SELECT id FROM vt UNION SELECT t_id FROM vu',
  'WITH k AS (SELECT kind FROM vt) SELECT kind FROM k',
  "SELECT upper(name) AS n, id::text FROM vt WHERE name LIKE 'a%' AND id IN (1, 2)",
  'SELECT id FROM vt WHERE id BETWEEN 1 AND 5 ORDER BY name',
  'SELECT DISTINCT kind FROM vt',
  'SELECT id FROM vt WHERE EXISTS (SELECT 1 FROM vu WHERE vu.t_id = vt.id)',
  'SELECT coalesce(name, kind), sum(id) AS total FROM vt GROUP BY name, kind HAVING sum(id) > 10',
];

beforeAll(async () => {
  await initNormalizer();
});

function withView(definition: string): Database {
  const db = emptyDatabase();
  const schema = emptySchema('app');
  schema.views.push({ name: 'v', materialized: false, definition, reads: [] });
  db.schemas.push(schema);
  return db;
}

describe('normalizeExpression', () => {
  it.each(CHECKS)('CHECK (%s) reads back equal', (written, printed) => {
    expect(normalizeExpression(printed)).toBe(normalizeExpression(written));
  });

  it.each(DEFAULTS)('DEFAULT on %s: %s reads back equal', (_type, written, printed) => {
    expect(normalizeExpression(printed)).toBe(normalizeExpression(written));
  });

  it('gives one readable spelling', () => {
    expect(normalizeExpression("kind = ANY (ARRAY['a'::text, 'b'::text])")).toBe("kind IN ('a', 'b')");
    expect(normalizeExpression("name ~~ 'a%'::text")).toBe("name LIKE 'a%'");
    expect(normalizeExpression('qty BETWEEN 1 AND 10')).toBe('qty >= 1 AND qty <= 10');
    expect(normalizeExpression("nextval('orders_id_seq'::regclass)")).toBe("nextval('orders_id_seq')");
    expect(normalizeExpression('(  ("Price" > (0)::numeric) )')).toBe('"Price" > 0');
  });

  it('drops the public and pg_catalog qualifications PostgreSQL leaves out', () => {
    expect(normalizeExpression("nextval('public.orders_id_seq')")).toBe("nextval('orders_id_seq')");
    expect(normalizeExpression('pg_catalog.now()')).toBe('now()');
    expect(normalizeExpression('public.f(x)')).toBe('f(x)');
    expect(normalizeExpression("nextval('sales.orders_id_seq'::regclass)")).toBe("nextval('sales.orders_id_seq')");
  });

  it('keeps what PostgreSQL itself keeps apart', () => {
    const distinct: [string, string][] = [
      ['now()', 'CURRENT_TIMESTAMP'],
      ['length(name)', 'char_length(name)'],
      ['qty > 1', 'qty >= 1'],
      ["kind IN ('a', 'b')", "kind IN ('b', 'a')"],
      ['"Qty" > 0', 'qty > 0'],
      ["'a'", "'b'"],
    ];
    for (const [a, b] of distinct) expect(normalizeExpression(a)).not.toBe(normalizeExpression(b));
  });

  it('collapses whitespace in what does not parse as one expression', () => {
    expect(normalizeExpression('a  +\n (')).toBe('a + (');
    expect(normalizeExpression('a, b')).toBe('a, b');
  });
});

/** The printed column of CHECKS and DEFAULTS is what PostgreSQL prints, and VIEWS read back equal: checked on each engine. */
function describeSpellings(label: string, connect: () => Promise<{ engine: Engine; close(): Promise<void> }>) {
  describe(label, () => {
    let target: { engine: Engine; close(): Promise<void> };
    beforeAll(async () => {
      target = await connect();
      await target.engine.exec(`SET TimeZone = 'UTC';
        CREATE TYPE order_status AS ENUM ('pending', 'paid'); CREATE SEQUENCE s; CREATE TABLE t (${COLUMNS}); ${VIEW_TABLES}`);
    });
    afterAll(async () => {
      await target?.close();
    });

    it.each(CHECKS.map(([written, printed], i) => [i, written, printed] as const))('CHECK %i: %s', async (i, written, printed) => {
      await target.engine.exec(`ALTER TABLE t ADD CONSTRAINT c${i} CHECK (${written})`);
      const [row] = await target.engine.query<{ expr: string }>(
        `SELECT pg_get_expr(conbin, conrelid, true) AS expr FROM pg_constraint WHERE conrelid = 't'::regclass AND conname = $1`,
        [`c${i}`],
      );
      expect(row.expr).toBe(printed);
    });

    it.each(VIEWS.map((query, i) => [i, query] as const))('view %i: %s reads back equal', async (i, query) => {
      await target.engine.exec(`CREATE VIEW v${i} AS ${query}`);
      const [row] = await target.engine.query<{ definition: string }>(`SELECT pg_get_viewdef($1::regclass, true) AS definition`, [`v${i}`]);
      expect(normalizeForComparison(withView(row.definition))).toEqual(normalizeForComparison(withView(query)));
    });

    it.each(DEFAULTS.map(([type, written, printed], i) => [i, type, written, printed] as const))(
      'DEFAULT %i on %s: %s',
      async (i, type, written, printed) => {
        await target.engine.exec(`ALTER TABLE t ADD COLUMN d${i} ${type} DEFAULT ${written}`);
        const [row] = await target.engine.query<{ expr: string }>(
          `SELECT pg_get_expr(d.adbin, d.adrelid, true) AS expr FROM pg_attrdef d
           JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum WHERE d.adrelid = 't'::regclass AND a.attname = $1`,
          [`d${i}`],
        );
        expect(row.expr).toBe(printed);
      },
    );
  });
}

describe('PostgreSQL prints the spellings above', () => {
  describeSpellings('PGlite (PostgreSQL 18)', async () => {
    const engine = await createEmbeddedEngine();
    return { engine, close: () => engine.close() };
  });

  describe.skipIf(!serverUrl)('server', () => {
    describeSpellings('PostgreSQL server', async () => {
      // A scratch schema of its own, first on the search_path so its names print bare.
      const schema = `schemawise_test_${randomBytes(4).toString('hex')}`;
      const engine = await connectServer(serverUrl!);
      await engine.exec(`CREATE SCHEMA ${schema}; SET search_path = ${schema}, public`);
      return {
        engine,
        async close() {
          await engine.exec(`DROP SCHEMA ${schema} CASCADE`);
          await engine.close();
        },
      };
    });
  });
});

function table(name: string, extra: Partial<Table>): Table {
  return { ...emptyTable(name), ...extra };
}

/** The same DDL as a static loader would model it, and as introspection of PostgreSQL 15 reads it. */
function staticModel(): Database {
  const span = { file: 'schema.sql', line: 1, column: 1 };
  const db = emptyDatabase();
  const app = emptySchema('app');
  app.tables.push(
    table('orders', {
      span,
      columns: [
        { name: 'id', type: 'integer', notNull: true, default: "nextval('app.orders_id_seq')", span },
        { name: 'kind', type: 'text', notNull: true, default: "'web'" },
        { name: 'qty', type: 'integer', notNull: true, default: null },
      ],
      checks: [
        { name: 'orders_qty_check', expression: 'qty BETWEEN 1 AND 9', notValid: false },
        { name: 'orders_kind_check', expression: "kind IN ('web', 'shop')" },
      ],
      uniques: [{ name: 'orders_kind_key', columns: ['kind'], nullsNotDistinct: false, deferrable: false }],
      indexes: [
        {
          name: 'orders_lower_kind_idx',
          unique: false,
          method: 'btree',
          columns: ['lower(kind)'],
          keys: [{ column: null, expression: 'lower(kind)', nulls: 'last' }],
          where: "kind LIKE 'w%'",
          include: [],
          nullsNotDistinct: false,
          only: false,
        },
      ],
      partitioning: { strategy: 'range', keys: ['qty', '(qty + 1)'] },
    }),
  );
  app.views.push({ name: 'web_orders', materialized: false, definition: "SELECT id, qty AS qty FROM app.orders WHERE kind = 'web'", reads: [] });
  db.schemas.push(app, emptySchema('public'));
  return db;
}

function introspectedModel(): Database {
  const db = emptyDatabase();
  const app = emptySchema('app');
  app.tables.push(
    table('orders', {
      stats: { rows: 10, bytes: 8192 },
      columns: [
        { name: 'id', type: 'integer', notNull: true, default: "nextval('app.orders_id_seq'::regclass)" },
        { name: 'kind', type: 'text', notNull: true, default: "'web'::text" },
        { name: 'qty', type: 'integer', notNull: true, default: null },
      ],
      checks: [
        { name: 'orders_kind_check', expression: "kind = ANY (ARRAY['web'::text, 'shop'::text])" },
        { name: 'orders_qty_check', expression: 'qty >= 1 AND qty <= 9' },
      ],
      uniques: [{ name: 'orders_kind_key', columns: ['kind'], nullsNotDistinct: false }],
      indexes: [
        {
          name: 'orders_lower_kind_idx',
          unique: false,
          method: 'btree',
          columns: ['lower(kind)'],
          keys: [{ column: null, expression: 'lower(kind)' }],
          where: "kind ~~ 'w%'::text",
          include: [],
          stats: { bytes: 8192, scans: 3 },
        },
      ],
      partitioning: { strategy: 'range', keys: ['qty', 'qty + 1'] },
    }),
  );
  app.views.push({
    name: 'web_orders',
    materialized: false,
    definition: " SELECT orders.id,\n    orders.qty\n   FROM app.orders\n  WHERE orders.kind = 'web'::text;",
    reads: [],
  });
  db.schemas.push(app);
  return db;
}

describe('normalizeForComparison', () => {
  it('makes a static and an introspected model of the same DDL equal', () => {
    expect(normalizeForComparison(staticModel())).toEqual(normalizeForComparison(introspectedModel()));
  });

  it('removes spans and statistics without touching its argument', () => {
    const model = introspectedModel();
    const normal = normalizeForComparison(model);
    expect(JSON.stringify(normal)).not.toMatch(/"span"|"stats"/);
    expect(model.schemas[0].tables[0].stats).toEqual({ rows: 10, bytes: 8192 });
    expect(model.schemas[0].tables[0].checks[0].expression).toBe("kind = ANY (ARRAY['web'::text, 'shop'::text])");
  });

  it('still tells different models apart', () => {
    const other = introspectedModel();
    other.schemas[0].tables[0].checks[1].expression = 'qty >= 1 AND qty <= 10';
    expect(normalizeForComparison(other)).not.toEqual(normalizeForComparison(staticModel()));
  });

  it('reads names in an object\'s own schema bare, and a NULL default as none', () => {
    const sales = (definition: string, columnDefault: string | null): Database => {
      const db = emptyDatabase();
      const schema = emptySchema('sales');
      schema.tables.push(table('orders', { columns: [{ name: 'id', type: 'integer', notNull: true, default: columnDefault }] }));
      schema.views.push({ name: 'v', materialized: false, definition, reads: [{ schema: 'sales', name: 'orders' }] });
      db.schemas.push(schema);
      return db;
    };
    expect(normalizeForComparison(sales('SELECT id FROM sales.orders', "nextval('sales.orders_id_seq'::regclass)"))).toEqual(
      normalizeForComparison(sales('SELECT id FROM orders', "nextval('orders_id_seq')")),
    );
    expect(normalizeForComparison(sales('SELECT 1', 'NULL::integer'))).toEqual(normalizeForComparison(sales('SELECT 1', null)));
    // Outside its own schema a qualification still counts.
    expect(normalizeExpression("nextval('sales.orders_id_seq')")).toBe("nextval('sales.orders_id_seq')");
  });

  it('sorts by name and keeps a public schema that holds something', () => {
    const db = emptyDatabase();
    const pub = emptySchema('public');
    pub.enums.push({ name: 'b', values: ['y', 'x'] }, { name: 'a', values: ['z'] });
    db.schemas.push(emptySchema('zeta'), pub);
    const normal = normalizeForComparison(db);
    expect(normal.schemas.map((s) => s.name)).toEqual(['public', 'zeta']);
    expect(normal.schemas[0].enums).toEqual([
      { name: 'a', values: ['z'] },
      { name: 'b', values: ['y', 'x'] },
    ]);
  });
});
