import { describe, expect, it } from 'vitest';
import { loadStatic } from '../src/load/load-schema.js';
import type { Database, Table } from '../src/model/types.js';

async function load(sql: string): Promise<Database> {
  return (await loadStatic([{ file: 'test.sql', sql }])).database;
}

function table(db: Database, name: string, schema = 'public'): Table {
  const t = db.schemas.find((s) => s.name === schema)?.tables.find((x) => x.name === name);
  if (!t) throw new Error(`no table ${schema}.${name}`);
  return t;
}

describe('static load: tables and columns', () => {
  it('spells types as format_type does', async () => {
    const db = await load(`create table t (
      a int, b int8, c smallint, d float, e real, f bool, g varchar(20), h varchar, i char(3), j char,
      k numeric(10,2), l numeric(5), m decimal, n timestamptz(3), o timestamp, p time with time zone,
      q interval day to second, r interval(3), s text[], u int[][], v double precision, w bit varying(4),
      x jsonb, y uuid, z "char");`);
    expect(table(db, 't').columns.map((c) => c.type)).toEqual([
      'integer', 'bigint', 'smallint', 'double precision', 'real', 'boolean', 'character varying(20)', 'character varying',
      'character(3)', 'character(1)', 'numeric(10,2)', 'numeric(5,0)', 'numeric', 'timestamp(3) with time zone',
      'timestamp without time zone', 'time with time zone', 'interval day to second', 'interval(3)', 'text[]', 'integer[]',
      'double precision', 'bit varying(4)', 'jsonb', 'uuid', '"char"',
    ]);
  });

  it('models serial, identity, generated, defaults, collation and NOT NULL', async () => {
    const db = await load(`create table orders (
      id bigserial primary key,
      n int generated always as identity,
      total numeric not null default 0,
      tax numeric generated always as (total * 0.2) stored,
      code text collate "C",
      note text null);`);
    const t = table(db, 'orders');
    expect(t.columns[0]).toMatchObject({ name: 'id', type: 'bigint', notNull: true, default: "nextval('orders_id_seq'::regclass)" });
    expect(t.columns[1]).toMatchObject({ identity: 'always', notNull: true, default: null });
    expect(t.columns[2]).toMatchObject({ notNull: true, default: '0' });
    expect(t.columns[3].generated).toBe('total * 0.2');
    expect(t.columns[4].collation).toBe('C');
    expect(t.columns[5].notNull).toBe(false);
    expect(db.schemas[0].sequences).toEqual([
      expect.objectContaining({ name: 'orders_id_seq', type: 'bigint', ownedBy: { table: { schema: 'public', name: 'orders' }, column: 'id' } }),
    ]);
    expect(t.primaryKey).toMatchObject({ name: 'orders_pkey', columns: ['id'] });
  });

  it('names constraints as PostgreSQL does, and records spans', async () => {
    const db = await load(`create table users (id int primary key, email text unique, age int check (age > 0));
create table orders (
  id int,
  user_id int references users on delete cascade,
  a int, b int,
  unique nulls not distinct (a, b),
  check (a < b),
  constraint orders_pk primary key (id),
  foreign key (a) references users (id) match full deferrable initially deferred not valid
);`);
    const users = table(db, 'users');
    expect(users.uniques).toMatchObject([{ name: 'users_email_key', columns: ['email'], nullsNotDistinct: false }]);
    expect(users.checks).toMatchObject([{ name: 'users_age_check', expression: 'age > 0' }]);
    expect(users.columns.find((c) => c.name === 'id')!.notNull).toBe(true);
    const orders = table(db, 'orders');
    expect(orders.primaryKey?.name).toBe('orders_pk');
    expect(orders.uniques[0]).toMatchObject({ name: 'orders_a_b_key', nullsNotDistinct: true });
    expect(orders.checks[0].name).toBe('orders_check');
    expect(orders.foreignKeys).toEqual([
      expect.objectContaining({ name: 'orders_a_fkey', columns: ['a'], refColumns: ['id'], match: 'full', deferrable: true, initiallyDeferred: true, notValid: true }),
      expect.objectContaining({ name: 'orders_user_id_fkey', columns: ['user_id'], refTable: { schema: 'public', name: 'users' }, refColumns: ['id'], onDelete: 'cascade', onUpdate: 'no action' }),
    ]);
    expect(orders.foreignKeys[1].span).toEqual({ file: 'test.sql', line: 4, column: 15 });
    expect(orders.span).toEqual({ file: 'test.sql', line: 2, column: 1 });
  });

  it('models indexes with every feature', async () => {
    const db = await load(`create table t (id int, email text, created_at timestamptz, deleted_at timestamptz, doc jsonb, name text);
create unique index on t (lower(email)) where deleted_at is null;
create index t_created on t (created_at desc nulls last, id) include (name);
create index on t using gin (doc jsonb_path_ops);
create index on t (name collate "C" text_pattern_ops nulls first);
create index on t (id, email);`);
    const indexes = table(db, 't').indexes;
    expect(indexes.map((i) => i.name)).toEqual(['t_created', 't_doc_idx', 't_id_email_idx', 't_lower_idx', 't_name_idx']);
    const lower = indexes.find((i) => i.name === 't_lower_idx')!;
    expect(lower).toMatchObject({ unique: true, method: 'btree', columns: ['lower(email)'], where: 'deleted_at IS NULL' });
    expect(indexes[0]).toMatchObject({ columns: ['created_at', 'id'], include: ['name'], keys: [{ column: 'created_at', expression: null, order: 'desc', nulls: 'last' }, { column: 'id', expression: null }] });
    expect(indexes[1]).toMatchObject({ method: 'gin', keys: [{ column: 'doc', opclass: 'jsonb_path_ops' }] });
    expect(indexes[4].keys[0]).toEqual({ column: 'name', expression: null, nulls: 'first', opclass: 'text_pattern_ops', collation: 'C' });
  });
});

describe('static load: ALTER, DROP, RENAME', () => {
  it('folds statements in order', async () => {
    const db = await load(`create table a (id int, x text, y text);
alter table a add column z int not null default 1, alter column x set not null, alter column y type varchar(10);
alter table a add primary key (id);
alter table a add constraint a_z_positive check (z > 0) not valid;
alter table a validate constraint a_z_positive;
alter table a rename column x to x2;
alter table a drop column y;
create index a_x_idx on a (x2);
alter table a rename to b;
alter index a_x_idx rename to b_x_idx;
create table c (id int primary key, b_id int references b);
drop table c;`);
    const b = table(db, 'b');
    expect(b.columns.map((c) => `${c.name}:${c.type}:${c.notNull}`)).toEqual(['id:integer:true', 'x2:text:true', 'z:integer:true']);
    expect(b.primaryKey).toMatchObject({ name: 'a_pkey', columns: ['id'] });
    expect(b.checks).toEqual([expect.objectContaining({ name: 'a_z_positive', expression: 'z > 0' })]);
    expect(b.checks[0].notValid).toBeUndefined();
    expect(b.indexes.map((i) => [i.name, i.columns])).toEqual([['b_x_idx', ['x2']]]);
    expect(db.schemas[0].tables.map((t) => t.name)).toEqual(['b']);
  });

  it('renames referenced tables inside foreign keys and drops FKs to a dropped table', async () => {
    const db = await load(`create table p (id int primary key);
create table ch (p_id int references p);
alter table p rename to parent;
create table other (p_id int references parent);
drop table parent cascade;`);
    expect(table(db, 'ch').foreignKeys).toEqual([]);
    expect(table(db, 'other').foreignKeys).toEqual([]);
  });
});

describe('static load: types, schemas, views, routines', () => {
  it('models enums with ADD/RENAME VALUE, domains, composites, and qualifies types outside public', async () => {
    const db = await load(`create schema sales;
create type sales.status as enum ('new', 'paid');
alter type sales.status add value 'shipped' after 'paid';
alter type sales.status add value 'draft' before 'new';
alter type sales.status rename value 'paid' to 'settled';
create domain email as text check (value ~ '@') not null;
create type money_amount as (currency char(3), amount numeric(12,2));
set search_path = sales, public;
create table orders (status status default 'new', contact email, price money_amount);`);
    const sales = db.schemas.find((s) => s.name === 'sales')!;
    expect(sales.enums[0].values).toEqual(['draft', 'new', 'settled', 'shipped']);
    expect(db.schemas.find((s) => s.name === 'public')!.domains[0]).toMatchObject({ name: 'email', type: 'text', notNull: true, checks: [{ name: 'email_check' }] });
    expect(table(db, 'orders', 'sales').columns.map((c) => c.type)).toEqual(['sales.status', 'email', 'money_amount']);
  });

  it('follows pg_dump\'s set_config search_path and CREATE SCHEMA ... CREATE TABLE', async () => {
    const db = await load(`SELECT pg_catalog.set_config('search_path', '', false);
CREATE SCHEMA hr CREATE TABLE staff (id int PRIMARY KEY) CREATE VIEW staff_ids AS SELECT id FROM staff;
CREATE TABLE public.x (id int);`);
    const hr = db.schemas.find((s) => s.name === 'hr')!;
    expect(hr.tables.map((t) => t.name)).toEqual(['staff']);
    expect(hr.views[0]).toMatchObject({ name: 'staff_ids', reads: [{ schema: 'hr', name: 'staff' }] });
  });

  it('places each CREATE SCHEMA element at its own line, not at the CREATE SCHEMA', async () => {
    const db = await load(`CREATE SCHEMA hr\n  CREATE TABLE staff (id int)\n  CREATE TABLE teams (id int);`);
    const hr = db.schemas.find((s) => s.name === 'hr')!;
    expect(hr.tables.map((t) => [t.name, t.span?.line])).toEqual([['staff', 2], ['teams', 3]]);
    expect(hr.tables[0].columns[0].span?.line).toBe(2);
  });

  it('models views, materialized views, functions, triggers, extensions and comments', async () => {
    const db = await load(`create extension if not exists citext;
create table t (id int, v citext);
create view recent as with r as (select * from t) select r.id from r join t using (id);
create materialized view mv as select count(*) from t;
create function touch(p_id integer, variadic rest text[]) returns trigger language plpgsql as $$ begin return new; end $$;
create function pairs() returns table(a int, b text) language sql as 'select 1, ''x''';
create trigger t_touch before insert or update on t for each row execute function touch();
comment on table t is 'The t''s';
comment on column t.id is 'identifier';
do $$ begin perform 1; end $$;`);
    const s = db.schemas[0];
    expect(db.extensions).toEqual([{ name: 'citext', schema: 'public' }]);
    expect(table(db, 't').columns[1].type).toBe('citext');
    expect(s.views.map((v) => [v.name, v.materialized, v.reads])).toEqual([
      ['mv', true, [{ schema: 'public', name: 't' }]],
      ['recent', false, [{ schema: 'public', name: 't' }]],
    ]);
    expect(s.functions.map((f) => [f.name, f.arguments, f.returns, f.language])).toEqual([
      ['pairs', '', 'TABLE(a integer, b text)', 'sql'],
      ['touch', 'integer, text[]', 'trigger', 'plpgsql'],
    ]);
    expect(s.triggers[0]).toMatchObject({ name: 't_touch', timing: 'before', events: ['insert', 'update'], forEach: 'row', function: { schema: 'public', name: 'touch' } });
    expect(table(db, 't').comment).toBe("The t's");
    expect(table(db, 't').columns[0].comment).toBe('identifier');
  });

  it('gives partitions their parent\'s columns, and leaves the parent\'s keys and indexes to the parent', async () => {
    const db = await load(`create table events (id bigint, at timestamptz not null, kind text check (kind <> ''), primary key (id, at)) partition by range (at);
create table events_2024 partition of events for values from ('2024-01-01') to ('2025-01-01');
create index on events (kind);
create table events_old (id bigint, at timestamptz not null, kind text, constraint events_kind_check check (kind <> ''));
create index events_old_kind on events_old (kind);
create index events_old_at on events_old (at);
alter table events attach partition events_old for values from ('2000-01-01') to ('2024-01-01');`);
    expect(table(db, 'events').partitioning).toEqual({ strategy: 'range', keys: ['at'] });
    const p = table(db, 'events_2024');
    expect(p.partitionOf).toEqual({ parent: { schema: 'public', name: 'events' }, bound: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')" });
    expect(p.columns.map((c) => `${c.name}:${c.notNull}`)).toEqual(['id:true', 'at:true', 'kind:false']);
    // PostgreSQL clones these onto each partition, but the catalog keeps them the parent's.
    expect(p.primaryKey).toBeNull();
    expect(p.checks).toEqual([]);
    expect(p.indexes).toEqual([]);
    // On ATTACH a matching index is attached and the same-named CHECK merged: the parent's.
    const old = table(db, 'events_old');
    expect(old.indexes.map((i) => i.name)).toEqual(['events_old_at']);
    expect(old.checks).toEqual([]);
  });

  it('notes what it cannot model instead of failing', async () => {
    const result = await loadStatic([{ file: 'n.sql', sql: 'alter table missing add column x int;\ndo $$ begin end $$;\ncreate table t as select 1 as x;' }]);
    expect(result.notes.map((n) => `${n.span?.line}: ${n.message}`)).toEqual([
      '1: table missing is not defined at this point; ALTER TABLE ignored',
      '2: DO block: not modelled statically; use --exact to run it on the embedded engine',
      '3: CREATE TABLE t AS ...: columns not modelled statically; use --exact',
    ]);
    expect(result.statements).toEqual({ modelled: 2, skipped: 0, notModelled: 1 });
  });
});

describe('static load: session and statement forms', () => {
  it('follows RESET search_path, set_config spellings, and names CREATE SCHEMA AUTHORIZATION after the role', async () => {
    const db = await load(`create schema app;
SELECT pg_catalog.set_config('search_path', 'APP, "Odd"', false);
create table a (id int);
reset search_path;
create table b (id int);
create schema authorization bob;
create temp table scratch (x int);`);
    expect(db.schemas.map((s) => `${s.name}:${s.tables.map((t) => t.name).join(',')}`)).toEqual(['app:a', 'bob:', 'public:b']);
  });

  it('models ALTER DOMAIN and notes SELECT ... INTO', async () => {
    const result = await loadStatic([{ file: 'd.sql', sql: `create domain qty as int;
alter domain qty set not null;
alter domain qty set default 1;
alter domain qty add check (value > 0);
alter domain qty add constraint qty_small check (value < 100);
alter domain qty drop constraint qty_small;
select 1 as x into copied;` }]);
    expect(result.database.schemas[0].domains[0]).toMatchObject({ name: 'qty', notNull: true, default: '1', checks: [{ name: 'qty_check', expression: 'value > 0' }] });
    expect(result.notes.map((n) => n.message)).toEqual(['SELECT ... INTO creates a table whose columns come from execution: not modelled statically; use --exact']);
  });

  it('gives functions with OUT parameters their result type', async () => {
    const db = await load(`create function one(a int, out b text) language sql as $$ select 'x' $$;
create function two(a int, out b text, out c int) language sql as $$ select 'x', 1 $$;`);
    expect(db.schemas[0].functions.map((f) => [f.name, f.arguments, f.returns])).toEqual([
      ['one', 'integer', 'text'],
      ['two', 'integer', 'record'],
    ]);
  });

  it('reads a routine\'s parameters, options and body, and ALTER FUNCTION', async () => {
    const db = await load(`create schema app;
create function app.fee(amount numeric(10, 2), inout note varchar(20) default 'x', variadic codes int[] default '{}')
  language plpgsql stable strict security definer parallel restricted cost 100
  set search_path = app, public set Work_Mem to 65536 as $$ begin end $$;
create function lib(int) returns int language c as 'mylib';
alter function app.fee(numeric, character varying, integer[]) volatile leakproof reset work_mem;`);
    const fee = db.schemas.find((s) => s.name === 'app')!.functions[0];
    expect(fee).toEqual({
      name: 'fee',
      arguments: 'numeric, character varying, integer[]',
      returns: 'character varying',
      language: 'plpgsql',
      kind: 'function',
      // PostgreSQL keeps no type modifiers on parameters.
      parameters: [
        { name: 'amount', type: 'numeric' },
        { name: 'note', mode: 'inout', type: 'character varying', default: "'x'" },
        { name: 'codes', mode: 'variadic', type: 'integer[]', default: "'{}'" },
      ],
      body: ' begin end ',
      strict: true,
      securityDefiner: true,
      leakproof: true,
      parallel: 'restricted',
      // COST 100 is plpgsql's default: left out, as pg_get_functiondef leaves it out.
      config: ["search_path TO 'app', 'public'"],
      span: expect.anything(),
    });
    expect(db.schemas.find((s) => s.name === 'public')!.functions[0]).toMatchObject({ name: 'lib', library: 'mylib', body: 'lib' });
  });

  it('drops the overload DROP FUNCTION names, and by a bare name the only one', async () => {
    const db = await load(`create function f(int) returns int language sql return 1;
create function f(varchar(10)) returns int language sql return 2;
create function g(int) returns int language sql return 4;
drop function f(integer);
drop function g;`);
    expect(db.schemas[0].functions.map((f) => `${f.name}(${f.arguments})`)).toEqual(['f(character varying)']);
  });

  it('reads a trigger\'s UPDATE OF columns, WHEN, arguments, transition tables and constraint options', async () => {
    const db = await load(`create schema app;
create table app.t (a int, b int);
create table app.u (id int);
set search_path = app;
create function f() returns trigger language plpgsql as $$ begin return null; end $$;
create trigger t1 after update of a, b on t for each row when (old.a is distinct from new.a) execute procedure f(x, 1, 'y z');
create trigger t2 after insert on t referencing new table as added for each statement execute function app.f();
create constraint trigger t3 after delete on t from u deferrable initially deferred for each row execute function f();`);
    const [t1, t2, t3] = db.schemas.find((s) => s.name === 'app')!.triggers;
    const on = { table: { schema: 'app', name: 't' }, function: { schema: 'app', name: 'f' } };
    expect(t1).toMatchObject({ ...on, events: ['update'], columns: ['a', 'b'], when: 'old.a IS DISTINCT FROM new.a', arguments: ['x', '1', 'y z'] });
    expect(t2).toMatchObject({ ...on, forEach: 'statement', newTable: 'added' });
    expect(t2).not.toHaveProperty('oldTable');
    expect(t3).toMatchObject({ ...on, constraint: true, deferrable: true, initiallyDeferred: true, from: { schema: 'app', name: 'u' } });
  });

  it('does not expand * from a CTE that shares a table\'s name', async () => {
    const db = await load(`create table t (a int, b int);
create view v as with t as (select 1 as z) select * from t;`);
    expect(db.schemas[0].views[0].definition).toMatch(/SELECT \*\s+FROM t$/);
  });

  it('follows pg_dump\'s partitioned indexes: ON ONLY, then ATTACH PARTITION', async () => {
    const db = await load(`create table r (s int, at date) partition by range (at);
create table r1 partition of r for values from ('2025-01-01') to ('2026-01-01');
create table r2 partition of r for values from ('2026-01-01') to ('2027-01-01');
create index r_s_idx on only r (s);
create index r1_s_idx on r1 (s);
alter index r_s_idx attach partition r1_s_idx;
create index r_at_idx on only r (at);
create index r2_s_idx on r2 (s);
alter index r_s_idx attach partition r2_s_idx;`);
    expect(table(db, 'r').indexes.map((i) => [i.name, i.only ?? false])).toEqual([['r_at_idx', true], ['r_s_idx', false]]);
    expect([table(db, 'r1').indexes, table(db, 'r2').indexes]).toEqual([[], []]);
  });
});
