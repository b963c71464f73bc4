/**
 * The statement rules of `migrate lint` against the context their examples do not cover: where
 * a table was created (earlier migration, same file, renamed), schemas and search_path, version
 * boundaries, several subcommands in one statement, exact positions. Rewrite and index-rebuild
 * verdicts are checked against what the embedded PostgreSQL actually does (a new relfilenode),
 * and every fix is executed there in place of its statement.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedEngine } from '../src/engine/embedded.js';
import type { Engine } from '../src/engine/engine.js';
import { introspect } from '../src/engine/introspect.js';
import { initNormalizer, normalizeForComparison } from '../src/model/normalize.js';
import { lintMigrations } from '../src/lint/lint-migrations.js';
import { exampleInput } from '../src/lint/migration-example.js';
import { MIGRATION_RULES } from '../src/lint/migration-rules/index.js';
import type { MigrationExample } from '../src/lint/migration-types.js';
import type { Finding } from '../src/lint/types.js';
import { parseScript } from '../src/parse/parse-script.js';
import { execStatements, resetEngine } from './helpers/scratch-engine.js';

const OURS = [
  'constraint-missing-not-valid',
  'adding-field-with-volatile-default',
  'adding-foreign-key-constraint',
  'changing-column-type',
  'adding-not-nullable-field',
  'adding-required-field',
  'adding-primary-key',
  'adding-unique-constraint',
  'renaming-column',
  'renaming-table',
  'ban-drop-column',
  'ban-drop-table',
  'ban-drop-not-null',
  'require-enum-value-ordering',
];

// One embedded PostgreSQL for the file, reset between cases.
let engine: Engine;
beforeAll(async () => {
  await initNormalizer();
  engine = await createEmbeddedEngine();
}, 60_000);
afterAll(() => engine?.close());

const rule = (id: string) => {
  const found = MIGRATION_RULES.find((r) => r.id === id);
  if (!found) throw new Error(`no rule ${id}`);
  return found;
};

async function lint(id: string, previous: string, sql: string, options: { pgVersion?: number; transactional?: boolean } = {}): Promise<Finding[]> {
  const { findings } = await lintMigrations({
    previous: previous ? [{ file: 'earlier.sql', sql: previous }] : [],
    files: [{ file: 'm.sql', sql }],
    rules: [rule(id)],
    ...(options.pgVersion !== undefined && { pgVersion: options.pgVersion }),
    ...(options.transactional !== undefined && { transactional: () => options.transactional! }),
  });
  return findings;
}

describe('where the table comes from', () => {
  // [rule, the schema before, the statement]: the statement is flagged on a table of an earlier
  // migration and on a table the model does not know, never on one the same file created.
  const cases: [string, string, string][] = [
    ['constraint-missing-not-valid', 'CREATE TABLE t (id bigint PRIMARY KEY, n int);', 'ALTER TABLE t ADD CONSTRAINT t_n_check CHECK (n > 0);'],
    ['adding-foreign-key-constraint', 'CREATE TABLE p (id bigint PRIMARY KEY);\nCREATE TABLE t (id bigint PRIMARY KEY, p_id bigint);', 'ALTER TABLE t ADD FOREIGN KEY (p_id) REFERENCES p (id);'],
    ['adding-field-with-volatile-default', 'CREATE TABLE t (id bigint PRIMARY KEY);', 'ALTER TABLE t ADD COLUMN r float8 DEFAULT random();'],
    ['changing-column-type', 'CREATE TABLE t (id bigint PRIMARY KEY, n int);', 'ALTER TABLE t ALTER COLUMN n TYPE bigint;'],
    ['adding-not-nullable-field', 'CREATE TABLE t (id bigint PRIMARY KEY, n int);', 'ALTER TABLE t ALTER COLUMN n SET NOT NULL;'],
    ['adding-required-field', 'CREATE TABLE t (id bigint PRIMARY KEY);', 'ALTER TABLE t ADD COLUMN n int NOT NULL;'],
    ['adding-primary-key', 'CREATE TABLE t (id bigint NOT NULL);', 'ALTER TABLE t ADD PRIMARY KEY (id);'],
    ['adding-unique-constraint', 'CREATE TABLE t (id bigint PRIMARY KEY, n int);', 'ALTER TABLE t ADD UNIQUE (n);'],
    ['renaming-column', 'CREATE TABLE t (id bigint PRIMARY KEY, n int);', 'ALTER TABLE t RENAME COLUMN n TO m;'],
    ['renaming-table', 'CREATE TABLE t (id bigint PRIMARY KEY);', 'ALTER TABLE t RENAME TO u;'],
    ['ban-drop-column', 'CREATE TABLE t (id bigint PRIMARY KEY, n int);', 'ALTER TABLE t DROP COLUMN n;'],
    ['ban-drop-table', 'CREATE TABLE t (id bigint PRIMARY KEY);', 'DROP TABLE t;'],
    ['ban-drop-not-null', 'CREATE TABLE t (id bigint PRIMARY KEY, n int NOT NULL);', 'ALTER TABLE t ALTER COLUMN n DROP NOT NULL;'],
  ];

  it('covers every ALTER/DROP TABLE rule of ours', () => {
    expect(cases.map(([id]) => id).sort()).toEqual(OURS.filter((id) => id !== 'require-enum-value-ordering').sort());
  });

  it.each(cases)('%s: flagged on a table of an earlier migration', async (id, schema, statement) => {
    const findings = await lint(id, schema, statement);
    expect(findings).toHaveLength(1);
    expect(findings[0].object).toMatch(/^public\.t(\.|$)/);
    expect(findings[0].location).toEqual({ file: 'm.sql', line: 1, column: expect.any(Number) });
  });

  it.each(cases)('%s: flagged on a table the model does not know (assumed to exist, with rows)', async (id, _, statement) => {
    expect(await lint(id, '', statement)).toHaveLength(1);
  });

  it.each(cases)('%s: not flagged on a table created earlier in the same file', async (id, schema, statement) => {
    expect(await lint(id, '', `${schema}\n${statement}`)).toEqual([]);
  });

  it.each(cases)('%s: not flagged on a new table renamed before the statement', async (id, schema, statement) => {
    const created = schema.replace('CREATE TABLE t (', 'CREATE TABLE t0 (');
    expect(await lint(id, '', `${created}\nALTER TABLE t0 RENAME TO t;\n${statement}`)).toEqual([]);
  });

  it('ban-drop-column: DROP COLUMN IF EXISTS of a column the table does not have drops nothing', async () => {
    const schema = 'CREATE TABLE t (id bigint PRIMARY KEY, n int);';
    expect(await lint('ban-drop-column', schema, 'ALTER TABLE t DROP COLUMN IF EXISTS gone;')).toEqual([]);
    expect(await lint('ban-drop-column', schema, 'ALTER TABLE t DROP COLUMN IF EXISTS n;')).toHaveLength(1);
  });

  it('does not carry "new" from one file to the next', async () => {
    const { findings } = await lintMigrations({
      files: [
        { file: '1.sql', sql: 'CREATE TABLE t (id bigint PRIMARY KEY, n int);' },
        { file: '2.sql', sql: 'ALTER TABLE t ADD CONSTRAINT t_n_check CHECK (n > 0);' },
      ],
      rules: [rule('constraint-missing-not-valid')],
    });
    expect(findings.map((f) => f.location?.file)).toEqual(['2.sql']);
  });
});

describe('schemas and search_path', () => {
  const schema = `CREATE SCHEMA app;
CREATE TABLE app.orders (id bigint PRIMARY KEY, total numeric, label varchar(10));
CREATE TABLE public.orders (id bigint PRIMARY KEY);`;

  it('resolves an unqualified name on the search_path the file set', async () => {
    const findings = await lint('constraint-missing-not-valid', schema, "SET search_path = app, public;\nALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);");
    expect(findings.map((f) => f.object)).toEqual(['app.orders']);
    expect(findings[0].location?.line).toBe(2);
    expect(findings[0].fix?.sql).toContain('ALTER TABLE app.orders VALIDATE CONSTRAINT orders_total_check;');
    // The rewritten statement is qualified too: the fix may run under another search_path.
    expect(findings[0].fix?.sql).toMatch(/^ALTER TABLE app\.orders ADD CONSTRAINT orders_total_check CHECK \(total >= 0\) NOT VALID;/);
  });

  it('judges the column of the table the name resolves to', async () => {
    // app.orders.label is varchar(10): widening it is free. public.orders has no label, so the
    // wrong table would give an "old type unknown" finding.
    expect(await lint('changing-column-type', schema, 'SET search_path = app;\nALTER TABLE orders ALTER COLUMN label TYPE varchar(20);')).toEqual([]);
    expect(await lint('changing-column-type', schema, 'ALTER TABLE orders ALTER COLUMN label TYPE varchar(20);')).toHaveLength(1);
    expect(await lint('changing-column-type', schema, 'ALTER TABLE app.orders ALTER COLUMN label TYPE varchar(20);')).toEqual([]);
  });

  it('matches a new table however it is named: qualified, or through the search_path', async () => {
    const create = 'CREATE SCHEMA app;\nCREATE TABLE app.invoices (id bigint PRIMARY KEY, n int);';
    expect(await lint('constraint-missing-not-valid', '', `${create}\nSET search_path = app;\nALTER TABLE invoices ADD CHECK (n > 0);`)).toEqual([]);
    expect(await lint('constraint-missing-not-valid', '', `CREATE SCHEMA app;\nSET search_path = app;\nCREATE TABLE invoices (id bigint PRIMARY KEY, n int);\nALTER TABLE app.invoices ADD CHECK (n > 0);`)).toEqual([]);
    // Same name, other schema: not the new table.
    expect(await lint('constraint-missing-not-valid', 'CREATE TABLE invoices (id bigint PRIMARY KEY, n int);', `${create}\nALTER TABLE public.invoices ADD CHECK (n > 0);`)).toHaveLength(1);
  });

  it('names each table of a DROP TABLE list by its own schema', async () => {
    const findings = await lint('ban-drop-table', schema, 'SET search_path = app;\nDROP TABLE orders, public.orders;');
    expect(findings.map((f) => f.object)).toEqual(['app.orders', 'public.orders']);
    expect(findings.map((f) => f.location?.line)).toEqual([2, 2]);
  });
});

describe('version boundaries', () => {
  const table = 'CREATE TABLE t (id bigint PRIMARY KEY, email text);';

  it('adding-field-with-volatile-default: any non-null default rewrites before 11, only a volatile one from 11', async () => {
    const constant = 'ALTER TABLE t ADD COLUMN n int NOT NULL DEFAULT 0;';
    expect(await lint('adding-field-with-volatile-default', table, constant, { pgVersion: 10 })).toHaveLength(1);
    expect(await lint('adding-field-with-volatile-default', table, constant, { pgVersion: 11 })).toEqual([]);
    // DEFAULT NULL stores no default at all, on any version.
    expect(await lint('adding-field-with-volatile-default', table, 'ALTER TABLE t ADD COLUMN n int DEFAULT NULL::int;', { pgVersion: 10 })).toEqual([]);
    // now() is STABLE: evaluated once. clock_timestamp() is VOLATILE: once per row.
    expect(await lint('adding-field-with-volatile-default', table, 'ALTER TABLE t ADD COLUMN at timestamptz DEFAULT now();', { pgVersion: 11 })).toEqual([]);
    expect(await lint('adding-field-with-volatile-default', table, 'ALTER TABLE t ADD COLUMN at timestamptz DEFAULT clock_timestamp();', { pgVersion: 11 })).toHaveLength(1);
  });

  it("adding-field-with-volatile-default: a function's volatility comes from its CREATE FUNCTION in this file, else it is taken for VOLATILE", async () => {
    const stable = "CREATE FUNCTION region() RETURNS text LANGUAGE sql STABLE AS $$ SELECT 'eu' $$;";
    const unsaid = "CREATE FUNCTION region() RETURNS text LANGUAGE sql AS $$ SELECT 'eu' $$;";
    const add = 'ALTER TABLE t ADD COLUMN region text DEFAULT region();';
    expect(await lint('adding-field-with-volatile-default', table, `${stable}\n${add}`)).toEqual([]);
    const [volatile] = await lint('adding-field-with-volatile-default', table, `${unsaid}\n${add}`);
    expect(volatile.message).toContain('region(), which is VOLATILE');
    // Created by an earlier migration: the model keeps no volatility.
    const [unknown] = await lint('adding-field-with-volatile-default', `${table}\n${stable}`, add);
    expect(unknown.message).toContain('whose volatility the schema model does not keep');
    // A volatile call anywhere in the expression counts, qualified or not.
    expect(await lint('adding-field-with-volatile-default', table, 'ALTER TABLE t ADD COLUMN n int DEFAULT (random() * 10)::int;')).toHaveLength(1);
    expect(await lint('adding-field-with-volatile-default', table, 'ALTER TABLE t ADD COLUMN u uuid DEFAULT pg_catalog.gen_random_uuid();')).toHaveLength(1);
  });

  it('adding-not-nullable-field: a validated CHECK (col IS NOT NULL) spares the scan from PostgreSQL 12', async () => {
    const validated = `${table}\nALTER TABLE t ADD CONSTRAINT t_email_check CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT t_email_check;`;
    const set = 'ALTER TABLE t ALTER COLUMN email SET NOT NULL;';
    expect(await lint('adding-not-nullable-field', validated, set, { pgVersion: 11 })).toHaveLength(1);
    expect(await lint('adding-not-nullable-field', validated, set, { pgVersion: 12 })).toEqual([]);
    // Still NOT VALID: PostgreSQL does not trust it.
    expect(await lint('adding-not-nullable-field', `${table}\nALTER TABLE t ADD CONSTRAINT t_email_check CHECK (email IS NOT NULL) NOT VALID;`, set, { pgVersion: 12 })).toHaveLength(1);
    // Validated earlier in the same file.
    expect(await lint('adding-not-nullable-field', table, 'ALTER TABLE t ADD CONSTRAINT c CHECK (email IS NOT NULL) NOT VALID;\nALTER TABLE t VALIDATE CONSTRAINT c;\n' + set)).toEqual([]);
    // One term of an AND proves it too; an OR does not.
    expect(await lint('adding-not-nullable-field', `${table}\nALTER TABLE t ADD CONSTRAINT c CHECK (email IS NOT NULL AND length(email) > 3);`, set)).toEqual([]);
    expect(await lint('adding-not-nullable-field', `${table}\nALTER TABLE t ADD CONSTRAINT c CHECK (email IS NOT NULL OR id < 0);`, set)).toHaveLength(1);
    // The fix needs PostgreSQL 12 too.
    expect((await lint('adding-not-nullable-field', table, set, { pgVersion: 11 }))[0].fix).toBeUndefined();
    expect((await lint('adding-not-nullable-field', table, set, { pgVersion: 12 }))[0].fix?.sql).toContain('CHECK (email IS NOT NULL) NOT VALID');
  });

  it('changing-column-type: timestamp → timestamptz is free from PostgreSQL 12, and only with TimeZone UTC', async () => {
    const events = 'CREATE TABLE events (id bigint PRIMARY KEY, at timestamp);';
    const alter = 'ALTER TABLE events ALTER COLUMN at TYPE timestamptz;';
    expect(await lint('changing-column-type', events, `SET TIME ZONE 'UTC';\n${alter}`, { pgVersion: 11 })).toHaveLength(1);
    expect(await lint('changing-column-type', events, `SET TIME ZONE 'UTC';\n${alter}`, { pgVersion: 12 })).toEqual([]);
    expect(await lint('changing-column-type', events, `SET timezone = 'Etc/UTC';\n${alter}`)).toEqual([]);
    expect(await lint('changing-column-type', events, `SET LOCAL TIME ZONE 0;\n${alter}`)).toEqual([]);
    expect(await lint('changing-column-type', events, `SET TIME ZONE 'Europe/Paris';\n${alter}`)).toHaveLength(1);
    expect(await lint('changing-column-type', events, `SET TIME ZONE 'UTC';\nRESET timezone;\n${alter}`)).toHaveLength(1);
    // UTC spares the rewrite, not the rebuild of an index on the column.
    const [indexed] = await lint('changing-column-type', `${events}\nCREATE INDEX events_at_idx ON events (at);`, `SET TIME ZONE 'UTC';\n${alter}`);
    expect(indexed.message).toContain('rewrites no row of public.events but rebuilds events_at_idx');
  });

  it('foreign keys on a partitioned table: NOT VALID (and so the fix) only from PostgreSQL 18', async () => {
    const schema = 'CREATE TABLE p (id bigint PRIMARY KEY);\nCREATE TABLE m (id bigint, p_id bigint) PARTITION BY RANGE (id);';
    const add = 'ALTER TABLE m ADD FOREIGN KEY (p_id) REFERENCES p (id);';
    for (const id of ['adding-foreign-key-constraint', 'constraint-missing-not-valid']) {
      const [old] = await lint(id, schema, add, { pgVersion: 17 });
      expect(old.fix, id).toBeUndefined();
      expect(old.help, id).toContain('Before PostgreSQL 18');
      const [recent] = await lint(id, schema, add, { pgVersion: 18 });
      expect(recent.fix?.sql, id).toContain('NOT VALID');
    }
  });

  it('require-enum-value-ordering: ADD VALUE fails in a transaction before PostgreSQL 12, its value is unusable until commit from 12', async () => {
    const schema = "CREATE TYPE mood AS ENUM ('happy', 'sad');\nCREATE TABLE people (id bigint PRIMARY KEY, mood mood);";
    const add = "ALTER TYPE mood ADD VALUE 'neutral';";
    expect((await lint('require-enum-value-ordering', schema, add, { pgVersion: 11 }))[0].message).toContain('cannot run inside a transaction block');
    expect(await lint('require-enum-value-ordering', schema, add, { pgVersion: 11, transactional: false })).toEqual([]);
    expect(await lint('require-enum-value-ordering', schema, `BEGIN;\n${add}\nCOMMIT;`, { pgVersion: 11, transactional: false })).toHaveLength(1);
    expect(await lint('require-enum-value-ordering', schema, add, { pgVersion: 12 })).toEqual([]);

    const use = "UPDATE people SET mood = 'neutral' WHERE id = 1;";
    const [unsafe] = await lint('require-enum-value-ordering', schema, `${add}\n${use}`, { pgVersion: 12 });
    expect(unsafe.message).toContain("'neutral' is used on line 2");
    expect(unsafe.location?.line).toBe(1);
    // A COMMIT in between makes it usable; without a transaction it is usable at once.
    expect(await lint('require-enum-value-ordering', schema, `BEGIN;\n${add}\nCOMMIT;\n${use}`, { transactional: false })).toEqual([]);
    expect(await lint('require-enum-value-ordering', schema, `${add}\n${use}`, { transactional: false })).toEqual([]);
  });
});

describe('several subcommands in one statement', () => {
  it('reports each on its own line and column, with one fix for the statement', async () => {
    const schema = 'CREATE TABLE customers (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, total numeric, quantity int);';
    const sql = `ALTER TABLE orders
  ADD CONSTRAINT orders_total_check CHECK (total >= 0),
  ADD CONSTRAINT orders_quantity_check CHECK (quantity > 0) NOT VALID,
    ADD FOREIGN KEY (customer_id) REFERENCES customers (id);`;
    const findings = await lint('constraint-missing-not-valid', schema, sql);
    expect(findings.map((f) => [f.location?.line, f.location?.column])).toEqual([
      [2, 7],
      [4, 9],
    ]);
    expect(findings.map((f) => f.message)).toEqual([
      expect.stringContaining('CHECK orders_total_check'),
      expect.stringContaining('foreign key orders_customer_id_fkey'),
    ]);
    expect(findings[0].fix).toEqual(findings[1].fix);
    expect(findings[0].fix?.sql.split('\n').filter((l) => l.includes('VALIDATE'))).toEqual([
      'ALTER TABLE public.orders VALIDATE CONSTRAINT orders_total_check;',
      'ALTER TABLE public.orders VALIDATE CONSTRAINT orders_customer_id_fkey;',
    ]);
  });

  it('judges each ALTER COLUMN TYPE of a statement on its own', async () => {
    const schema = 'CREATE TABLE prices (id bigint PRIMARY KEY, a numeric(10,2), b varchar(20), c int);';
    const sql = 'ALTER TABLE prices\n  ALTER COLUMN a TYPE numeric(12,2),\n  ALTER COLUMN b TYPE varchar(10),\n  ALTER COLUMN c TYPE bigint;';
    const findings = await lint('changing-column-type', schema, sql);
    expect(findings.map((f) => [f.object, f.location?.line])).toEqual([
      ['public.prices.b', 3],
      ['public.prices.c', 4],
    ]);
  });

  it('reports several volatile columns of one ADD COLUMN list, and strips every default in the fix', async () => {
    const findings = await lint('adding-field-with-volatile-default', 'CREATE TABLE t (id bigint PRIMARY KEY);', 'ALTER TABLE t ADD COLUMN a float8 DEFAULT random(), ADD COLUMN b int DEFAULT 1, ADD COLUMN c uuid NOT NULL DEFAULT gen_random_uuid();');
    expect(findings.map((f) => f.object)).toEqual(['public.t.a', 'public.t.c']);
    expect(findings[0].fix?.sql.split('\n').slice(0, 3)).toEqual([
      'ALTER TABLE public.t ADD COLUMN a float8, ADD COLUMN b int DEFAULT 1, ADD COLUMN c uuid;',
      'ALTER TABLE public.t ALTER COLUMN a SET DEFAULT random();',
      'ALTER TABLE public.t ALTER COLUMN c SET DEFAULT gen_random_uuid();',
    ]);
  });
});

describe('ALTER COLUMN TYPE verdicts against PostgreSQL', () => {
  // [column type, new type clause, setup, timezone]: the rule must flag exactly the changes after
  // which PostgreSQL gave the table (or, when one exists, the index on the column) a new relfilenode.
  const cases: [string, string, string?, string?][] = [
    ['varchar(10)', 'varchar(20)'],
    ['varchar(10)', 'varchar(5)'],
    ['varchar(10)', 'varchar'],
    ['varchar(10)', 'text'],
    ['text', 'varchar'],
    ['text', 'varchar(10)'],
    ['varchar', 'varchar(10)'],
    ['char(5)', 'char(10)'],
    ['char(5)', 'text'],
    ['numeric(10,2)', 'numeric(12,2)'],
    ['numeric(10,2)', 'numeric(12,3)'],
    ['numeric(10,2)', 'numeric(8,2)'],
    ['numeric(10,2)', 'numeric'],
    ['numeric', 'numeric(10,2)'],
    ['varbit(5)', 'varbit(10)'],
    ['varbit(10)', 'varbit(5)'],
    ['bit(5)', 'varbit'],
    ['bit(5)', 'varbit(10)'],
    ['timestamp(3)', 'timestamp(6)'],
    ['timestamp(3)', 'timestamp'],
    ['timestamp', 'timestamp(3)'],
    ['timestamptz(3)', 'timestamptz'],
    ['time(3)', 'time'],
    ['timetz(3)', 'timetz(6)'],
    ['interval(3)', 'interval'],
    ['interval day', 'interval'],
    ['timestamp', 'timestamptz', '', 'UTC'],
    ['timestamptz', 'timestamp', '', 'UTC'],
    ['timestamp(3)', 'timestamptz', '', 'UTC'],
    ['timestamp', 'timestamptz', '', 'Europe/Paris'],
    ['timestamp', 'timestamptz USING c::timestamptz', '', 'UTC'],
    ["timestamp", "timestamptz USING c AT TIME ZONE 'UTC'", '', 'UTC'],
    ['cidr', 'inet'],
    ['inet', 'cidr'],
    ['integer', 'bigint'],
    ['bigint', 'integer'],
    ['integer', 'integer'],
    ['text', 'text COLLATE "C"'],
    ['varchar(10) COLLATE "C"', 'varchar(20)'],
    ['varchar(10) COLLATE "C"', 'varchar(20) COLLATE "C"'],
    ['varchar(10)', 'varchar(20) USING c'],
    ['varchar(10)', 'varchar(20) USING c::varchar(20)'],
    ['varchar(10)', 'varchar(20) USING lower(c)'],
    ['varchar(10)[]', 'varchar(20)[]'],
    ['varchar(10)[]', 'varchar[]'],
    ['numeric(10,2)[]', 'numeric[]'],
    ['text[]', 'varchar[]'],
    ['d', 'varchar(20)', 'CREATE DOMAIN d AS varchar(10);'],
    ['d', 'text', 'CREATE DOMAIN d AS varchar(10);'],
    ['text', 'd', 'CREATE DOMAIN d AS text;'],
    ['text', 'd', "CREATE DOMAIN d AS text CHECK (VALUE <> '');"],
    ['varchar(10)', 'd', 'CREATE DOMAIN d AS varchar(20);'],
    ['e', 'text', "CREATE TYPE e AS ENUM ('a');"],
    ['json', 'jsonb'],
  ];

  const relfilenodes = async () =>
    Object.fromEntries(
      (await engine.query<{ relname: string; relfilenode: number }>("SELECT relname, relfilenode FROM pg_class WHERE relname IN ('t', 't_c_idx')")).map((r) => [r.relname, r.relfilenode]),
    );

  it.each(cases)('%s → %s', async (from, to, setup = '', timezone = 'UTC') => {
    for (const indexed of [false, true]) {
      // json has no btree operator class.
      if (indexed && from === 'json') continue;
      const schema = `${setup}\nCREATE TABLE t (id int PRIMARY KEY, c ${from});${indexed ? '\nCREATE INDEX t_c_idx ON t (c);' : ''}`;
      const migration = `SET TIME ZONE '${timezone}';\nALTER TABLE t ALTER COLUMN c TYPE ${to};`;
      await resetEngine(engine);
      await execStatements(engine, `${schema}\nINSERT INTO t SELECT g, NULL FROM generate_series(1, 3) g;`);
      const before = await relfilenodes();
      await execStatements(engine, migration);
      const after = await relfilenodes();
      const rewritten = before.t !== after.t;
      const rebuilt = indexed && before.t_c_idx !== after.t_c_idx;
      const findings = await lint('changing-column-type', schema, migration);
      expect(findings.length, `${indexed ? 'indexed' : 'not indexed'}: rewritten ${rewritten}, index rebuilt ${rebuilt}; ${findings.map((f) => f.message).join(' | ')}`).toBe(rewritten || rebuilt ? 1 : 0);
      if (findings.length && !rewritten) expect(findings[0].message).toContain('rewrites no row');
    }
  });
});

describe('ADD COLUMN verdicts against PostgreSQL', () => {
  // [setup, column definition]: flagged exactly when PostgreSQL rewrote the table.
  const cases: [string, string][] = [
    ['', 'c timestamptz DEFAULT now()'],
    ['', 'c timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP'],
    ['', 'c timestamptz DEFAULT clock_timestamp()'],
    ['', 'c float8 DEFAULT random()'],
    ['', 'c int DEFAULT (random() * 0)::int'],
    ['', 'c uuid DEFAULT gen_random_uuid()'],
    ['', 'c text DEFAULT md5(\'x\')'],
    ['', "c text NOT NULL DEFAULT 'x'"],
    ['', 'c int NOT NULL DEFAULT 0'],
    ['', 'c int DEFAULT NULL'],
    ['', 'c serial'],
    ['', 'c bigint GENERATED ALWAYS AS IDENTITY'],
    ['', 'c int GENERATED ALWAYS AS (id + 1) STORED'],
    ['', 'c int GENERATED ALWAYS AS (id + 1) VIRTUAL'],
    ['CREATE DOMAIN d AS int CHECK (VALUE > 0);', 'c d'],
    ['CREATE DOMAIN d AS int DEFAULT 5;', 'c d'],
    ["CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $$ BEGIN RETURN 1; END $$;", 'c int DEFAULT f()'],
    ["CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql IMMUTABLE AS $$ BEGIN RETURN 1; END $$;", 'c int DEFAULT f()'],
  ];

  it.each(cases)('%s ADD COLUMN %s', async (setup, column) => {
    const schema = 'CREATE TABLE t (id int PRIMARY KEY);';
    // The function is created by the migration itself, so its declared volatility is known.
    const migration = `${setup}\nALTER TABLE t ADD COLUMN ${column};`;
    await resetEngine(engine);
    await execStatements(engine, `${schema}\nINSERT INTO t SELECT g FROM generate_series(1, 3) g;`);
    const relfilenode = async () => (await engine.query<{ relfilenode: number }>("SELECT relfilenode FROM pg_class WHERE relname = 't'"))[0].relfilenode;
    const before = await relfilenode();
    await execStatements(engine, migration);
    const rewritten = before !== (await relfilenode());
    const findings = await lint('adding-field-with-volatile-default', schema, migration);
    expect(findings.length, `rewritten ${rewritten}: ${findings.map((f) => f.message).join(' | ')}`).toBe(rewritten ? 1 : 0);
  });
});

describe('fixes, executed on the embedded PostgreSQL in place of their statement', () => {
  // Beyond the documented examples: fixes of statements with several subcommands, of a column's
  // REFERENCES, of a primary key over nullable columns, of SET NOT NULL next to other subcommands.
  const extra: [string, MigrationExample][] = [
    [
      'adding-foreign-key-constraint',
      `CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE emails (id bigint PRIMARY KEY);
---
ALTER TABLE emails ADD COLUMN user_id bigint CONSTRAINT emails_user_fk REFERENCES users (id) ON DELETE CASCADE, ADD COLUMN note text;`,
    ],
    [
      'constraint-missing-not-valid',
      `CREATE TABLE customers (id bigint PRIMARY KEY);
CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, total numeric);
---
ALTER TABLE orders ADD CHECK (total >= 0), ADD FOREIGN KEY (customer_id) REFERENCES customers (id) MATCH FULL DEFERRABLE INITIALLY DEFERRED;`,
    ],
    [
      'adding-primary-key',
      `CREATE TABLE items (id bigint, tenant int, name text);
---
ALTER TABLE items ADD COLUMN note text, ADD CONSTRAINT items_pk PRIMARY KEY (tenant, id) INCLUDE (name);`,
    ],
    [
      'adding-unique-constraint',
      `CREATE TABLE users (id bigint PRIMARY KEY, email text, tenant int);
---
ALTER TABLE users ADD UNIQUE NULLS NOT DISTINCT (tenant, email) DEFERRABLE;`,
    ],
    [
      'adding-not-nullable-field',
      `CREATE TABLE users (id bigint PRIMARY KEY, email text, name text);
---
ALTER TABLE users ALTER COLUMN email SET NOT NULL, ADD COLUMN note text, ALTER COLUMN name SET NOT NULL;`,
    ],
    [
      'adding-not-nullable-field',
      `CREATE TABLE users (id bigint PRIMARY KEY, email text);
---
ALTER TABLE users ADD CONSTRAINT users_email_nn NOT NULL email;`,
    ],
    [
      'adding-field-with-volatile-default',
      `CREATE TABLE events (id bigint PRIMARY KEY);
---
ALTER TABLE events ADD COLUMN a float8 NOT NULL DEFAULT random() CHECK (a >= 0), ADD COLUMN b int DEFAULT 1;`,
    ],
  ];
  // [rule, example, whether it must have a fix]: some documented examples have none (no mechanical rewrite exists).
  const examples: [string, MigrationExample, boolean][] = [
    ...OURS.flatMap((id) => rule(id).meta.invalid.map((e) => [id, e, false] as [string, MigrationExample, boolean])),
    ...extra.map(([id, e]) => [id, e, true] as [string, MigrationExample, boolean]),
  ];

  /** The linted file with each statement that has a fixed finding replaced by its fix (once). */
  function fixed(sql: string, findings: Finding[]): string {
    const statements = parseScript('m.sql', sql, { all: true }).statements;
    const lines = sql.split('\n');
    const offset = (line: number, column: number) => lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + column - 1;
    const fixes = new Map<number, string>();
    for (const f of findings.filter((x) => x.fix)) {
      const at = offset(f.location!.line, f.location!.column);
      const index = statements.findLastIndex((st) => offset(st.span.line, st.span.column) <= at);
      expect(!fixes.has(index) || fixes.get(index) === f.fix!.sql, 'one fix per statement').toBe(true);
      fixes.set(index, f.fix!.sql);
    }
    return statements.map((st, i) => fixes.get(i) ?? (/;\s*$/.test(st.text) ? st.text.trim() : `${st.text.trim()}\n;`)).join('\n');
  }

  // What the fix does on purpose differently from the statement it replaces.
  const differs: Record<string, string> = {
    'adding-field-with-volatile-default': 'existing rows are backfilled by hand, and NOT NULL comes after the backfill',
    'renaming-table': 'the old name lives on as a view until no code uses it',
  };

  const cases = examples.map(([id, example, mustFix], i) => [`${id} #${i + 1}`, id, example, mustFix] as const);

  it('executes a fix of every rule that has one', async () => {
    const fixedRules = new Set<string>();
    for (const [, id, example] of cases) {
      const { findings } = await lintMigrations({ ...exampleInput(example, 'm.sql'), rules: [rule(id)] });
      if (findings.some((f) => f.fix)) fixedRules.add(id);
    }
    expect([...fixedRules].sort()).toEqual([
      'adding-field-with-volatile-default',
      'adding-foreign-key-constraint',
      'adding-not-nullable-field',
      'adding-primary-key',
      'adding-unique-constraint',
      'constraint-missing-not-valid',
      'renaming-table',
    ]);
  });

  it.each(cases)('%s', async (_, id, example, mustFix) => {
    const input = exampleInput(example, 'm.sql');
    const { findings } = await lintMigrations({ ...input, rules: [rule(id)] });
    expect(findings.length).toBeGreaterThan(0);
    if (mustFix) expect(findings.every((f) => f.fix)).toBe(true);
    if (!findings.some((f) => f.fix)) return;
    const previous = input.previous.map((p) => p.sql).join('\n');
    const original = input.files[0].sql;
    const rewritten = fixed(original, findings);

    await resetEngine(engine);
    await execStatements(engine, previous);
    await execStatements(engine, rewritten);
    // Compared without statistics: a VALIDATE's scan shows in seqScan, and the counters lag.
    const after = normalizeForComparison((await introspect(engine)).database);

    if (differs[id] === undefined) {
      await resetEngine(engine);
      await execStatements(engine, previous);
      await execStatements(engine, original);
      expect(after, rewritten).toEqual(normalizeForComparison((await introspect(engine)).database));
    }
    // The fixed migration is not reported again for what the fix addressed.
    const again = await lintMigrations({ ...input, files: [{ file: 'm.sql', sql: rewritten }], rules: [rule(id)] });
    expect(again.findings.filter((f) => f.fix), rewritten).toEqual([]);
  });

  it('keeps the old name of a renamed table writable through its view', async () => {
    const [finding] = await lint('renaming-table', 'CREATE TABLE customer (id bigint PRIMARY KEY, name text);', 'ALTER TABLE customer RENAME TO customers;');
    await resetEngine(engine);
    await execStatements(engine, 'CREATE TABLE customer (id bigint PRIMARY KEY, name text);');
    await execStatements(engine, finding.fix!.sql);
    await execStatements(engine, "INSERT INTO customer VALUES (1, 'old release'); UPDATE customer SET name = 'still old' WHERE id = 1;");
    expect(await engine.query('SELECT id, name FROM customers')).toEqual([{ id: 1, name: 'still old' }]);
  });

  it('gives the new column its default for new rows only', async () => {
    const [finding] = await lint('adding-field-with-volatile-default', 'CREATE TABLE events (id bigint PRIMARY KEY);', 'ALTER TABLE events ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid();');
    await resetEngine(engine);
    await execStatements(engine, 'CREATE TABLE events (id bigint PRIMARY KEY); INSERT INTO events VALUES (1);');
    await execStatements(engine, finding.fix!.sql);
    await execStatements(engine, 'INSERT INTO events (id) VALUES (2);');
    expect(await engine.query('SELECT id, token IS NOT NULL AS filled FROM events ORDER BY id')).toEqual([
      { id: 1, filled: false },
      { id: 2, filled: true },
    ]);
  });
});
