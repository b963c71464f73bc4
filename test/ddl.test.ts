import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedEngine } from '../src/engine/embedded.js';
import type { Engine } from '../src/engine/engine.js';
import { introspect } from '../src/engine/introspect.js';
import { loadStatic } from '../src/load/load-schema.js';
import { emptyDatabase, emptySchema, emptyTable } from '../src/model/empty.js';
import type { Column, Database, ForeignKey, Function as Routine, Index, Schema, Table, Trigger } from '../src/model/types.js';
import { initNormalizer, normalizeForComparison } from '../src/model/normalize.js';
import { toDDL } from '../src/report/ddl.js';
import { qualifiedName, quoteIdent } from '../src/model/quote-ident.js';
import { modelDiff } from './helpers/model-diff.js';

function col(name: string, type: string, extra: Partial<Column> = {}): Column {
  return { name, type, notNull: false, default: null, ...extra };
}

function table(name: string, columns: Column[], extra: Partial<Table> = {}): Table {
  return { ...emptyTable(name), columns, ...extra };
}

function schema(name: string, extra: Partial<Schema> = {}): Schema {
  return { ...emptySchema(name), ...extra };
}

function database(...schemas: Schema[]): Database {
  return { ...emptyDatabase(), schemas };
}

function fk(name: string, columns: string[], refTable: string, refColumns: string[], extra: Partial<ForeignKey> = {}): ForeignKey {
  return { name, columns, refTable: { schema: 'public', name: refTable }, refColumns, onDelete: 'no action', onUpdate: 'no action', ...extra };
}

function index(name: string, columns: string[], extra: Partial<Index> = {}): Index {
  return { name, unique: false, method: 'btree', columns, keys: columns.map((column) => ({ column, expression: null })), where: null, include: [], ...extra };
}

/** Third-party schemas beside the project (absent in a fresh clone: tests using them skip). */
const CHINOOK = new URL('../../shared/corpus/schemas/chinook.sql', import.meta.url).pathname;

/** The script's statements and comment groups, as separated by blank lines. */
function groups(sql: string): string[] {
  return sql.trimEnd().split('\n\n');
}

describe('quoteIdent', () => {
  it('leaves plain lower-case names bare and quotes the rest as quote_ident() does', () => {
    expect(quoteIdent('users')).toBe('users');
    expect(quoteIdent('_t1')).toBe('_t1');
    expect(quoteIdent('user')).toBe('"user"');
    expect(quoteIdent('order')).toBe('"order"');
    // Not reserved, but still quoted by PostgreSQL: a column-name and a type/function-name keyword.
    expect(quoteIdent('int')).toBe('"int"');
    expect(quoteIdent('left')).toBe('"left"');
    expect(quoteIdent('name')).toBe('name');
    expect(quoteIdent('Order Id')).toBe('"Order Id"');
    expect(quoteIdent('1st')).toBe('"1st"');
    expect(quoteIdent('cost$')).toBe('"cost$"');
    expect(quoteIdent('say "hi"')).toBe('"say ""hi"""');
  });

  it('always qualifies, public included', () => {
    expect(qualifiedName('public', 'users')).toBe('public.users');
    expect(qualifiedName('sales dept', 'order')).toBe('"sales dept"."order"');
  });
});

describe('toDDL', () => {
  it('writes schemas, extensions, types, sequences, tables, views, indexes, foreign keys and comments in that order', () => {
    const users = table('user', [col('id', 'integer', { notNull: true }), col('Order Id', 'integer')], {
      primaryKey: { name: 'user_pkey', columns: ['id'] },
      indexes: [index('user_order_idx', ['Order Id'])],
      foreignKeys: [fk('user_self_fkey', ['Order Id'], 'user', ['id'])],
      comment: 'People',
    });
    const db = database(
      schema('public', {
        tables: [users],
        enums: [{ name: 'mood', values: ['ok'] }],
        sequences: [{ name: 'counter', type: 'bigint' }],
        views: [{ name: 'v', materialized: false, definition: ' SELECT id\n   FROM "user";', reads: [{ schema: 'public', name: 'user' }] }],
      }),
      schema('sales dept'),
    );
    db.extensions.push({ name: 'uuid-ossp', schema: 'public' });
    expect(groups(toDDL(db, { header: 'from test\n' }))).toEqual([
      '-- from test',
      'SET search_path TO public;',
      'CREATE SCHEMA "sales dept";',
      'CREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA public;',
      "CREATE TYPE public.mood AS ENUM ('ok');",
      'CREATE SEQUENCE public.counter AS bigint;',
      'CREATE TABLE public."user" (\n    id integer NOT NULL,\n    "Order Id" integer,\n    CONSTRAINT user_pkey PRIMARY KEY (id)\n);',
      'CREATE VIEW public.v AS\nSELECT id\n   FROM "user";',
      'CREATE INDEX user_order_idx ON public."user" USING btree ("Order Id");',
      'ALTER TABLE public."user" ADD CONSTRAINT user_self_fkey FOREIGN KEY ("Order Id") REFERENCES public."user" (id);',
      "COMMENT ON TABLE public.\"user\" IS 'People';",
    ]);
  });

  it('writes a column with collation, identity, generation, default and NOT NULL', () => {
    const t = table('t', [
      col('code', 'text', { collation: 'C', default: "'x'::text", notNull: true }),
      col('n', 'bigint', { identity: 'by default', notNull: true }),
      col('m', 'integer', { identity: 'always', notNull: true }),
      col('twice', 'bigint', { generated: 'n * 2' }),
      col('tags', 'text[]'),
    ]);
    const sql = toDDL(database(schema('public', { tables: [t] })));
    expect(sql).toContain(
      [
        'CREATE TABLE public.t (',
        `    code text COLLATE "C" DEFAULT 'x'::text NOT NULL,`,
        '    n bigint GENERATED BY DEFAULT AS IDENTITY NOT NULL,',
        '    m integer GENERATED ALWAYS AS IDENTITY NOT NULL,',
        '    twice bigint GENERATED ALWAYS AS (n * 2) STORED,',
        '    tags text[]',
        ');',
      ].join('\n'),
    );
  });

  it('creates a serial column\'s sequence before its table and hands it to the column after', () => {
    const t = table('t', [col('id', 'integer', { notNull: true, default: "nextval('t_id_seq'::regclass)" })]);
    const db = database(schema('public', { tables: [t], sequences: [{ name: 't_id_seq', type: 'integer', ownedBy: { table: { schema: 'public', name: 't' }, column: 'id' } }] }));
    expect(groups(toDDL(db)).slice(1)).toEqual([
      'CREATE SEQUENCE public.t_id_seq AS integer;',
      "CREATE TABLE public.t (\n    id integer DEFAULT nextval('t_id_seq'::regclass) NOT NULL\n);\nALTER SEQUENCE public.t_id_seq OWNED BY public.t.id;",
    ]);
  });

  it('writes every constraint kind, NOT VALID ones through ALTER TABLE', () => {
    const t = table('booking', [col('room', 'integer'), col('during', 'tstzrange'), col('a', 'integer'), col('b', 'integer')], {
      primaryKey: { name: 'booking_pk', columns: ['room', 'during'] },
      uniques: [
        { name: 'booking_a_b_key', columns: ['a', 'b'], nullsNotDistinct: true },
        { name: 'booking_b_key', columns: ['b'], nullsNotDistinct: false, deferrable: true, initiallyDeferred: true },
      ],
      checks: [
        { name: 'a_positive', expression: 'a > 0', noInherit: true },
        { name: 'b_small', expression: '(b < 10)', notValid: true },
      ],
      exclusions: [
        { name: 'no_overlap', method: 'gist', elements: [{ key: 'during', operator: '&&' }, { key: 'lower(during)', operator: 'pg_catalog.=' }], where: 'room IS NOT NULL' },
      ],
      foreignKeys: [
        fk('booking_a_fkey', ['a', 'b'], 'booking', ['a', 'b'], { match: 'full', onDelete: 'set null', onUpdate: 'cascade', initiallyDeferred: true, notValid: true }),
      ],
    });
    const sql = toDDL(database(schema('public', { tables: [t] })));
    expect(sql).toContain(
      [
        'CREATE TABLE public.booking (',
        '    room integer,',
        '    during tstzrange,',
        '    a integer,',
        '    b integer,',
        '    CONSTRAINT booking_pk PRIMARY KEY (room, during),',
        '    CONSTRAINT booking_a_b_key UNIQUE NULLS NOT DISTINCT (a, b),',
        '    CONSTRAINT booking_b_key UNIQUE (b) DEFERRABLE INITIALLY DEFERRED,',
        '    CONSTRAINT a_positive CHECK (a > 0) NO INHERIT,',
        '    CONSTRAINT no_overlap EXCLUDE USING gist (during WITH &&, (lower(during)) WITH OPERATOR(pg_catalog.=)) WHERE (room IS NOT NULL)',
        ');',
        'ALTER TABLE public.booking ADD CONSTRAINT b_small CHECK ((b < 10)) NOT VALID;',
      ].join('\n'),
    );
    expect(sql).toContain(
      'ALTER TABLE public.booking ADD CONSTRAINT booking_a_fkey FOREIGN KEY (a, b) REFERENCES public.booking (a, b) MATCH FULL ON DELETE SET NULL ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED NOT VALID;',
    );
  });

  it('writes every index option', () => {
    const t = table('t', [col('a', 'text'), col('b', 'text')], {
      indexes: [
        {
          ...index('t_idx', ['a', 'lower(b)']),
          unique: true,
          keys: [
            { column: 'a', expression: null, collation: 'C', opclass: 'text_pattern_ops', order: 'desc', nulls: 'last' },
            { column: null, expression: 'lower(b)' },
          ],
          include: ['b'],
          nullsNotDistinct: true,
          where: 'a IS NOT NULL',
          only: true,
        },
      ],
    });
    expect(toDDL(database(schema('public', { tables: [t] })))).toContain(
      'CREATE UNIQUE INDEX t_idx ON ONLY public.t USING btree (a COLLATE "C" text_pattern_ops DESC NULLS LAST, (lower(b))) INCLUDE (b) NULLS NOT DISTINCT WHERE (a IS NOT NULL);',
    );
  });

  it('orders domains and composite types by what they are built from', () => {
    const db = database(
      schema('public', {
        domains: [
          { name: 'addresses', type: 'address[]', notNull: false, default: null, checks: [] },
          { name: 'zip', type: 'text', notNull: true, default: "'0000'::text", checks: [{ name: 'zip_check', expression: "VALUE ~ '^[0-9]+$'" }] },
        ],
        compositeTypes: [{ name: 'address', attributes: [{ name: 'street', type: 'text' }, { name: 'zip', type: 'zip' }] }],
      }),
    );
    expect(groups(toDDL(db)).slice(1)).toEqual([
      "CREATE DOMAIN public.zip AS text\n    DEFAULT '0000'::text\n    NOT NULL\n    CONSTRAINT zip_check CHECK (VALUE ~ '^[0-9]+$');",
      'CREATE TYPE public.address AS (\n    street text,\n    zip zip\n);',
      'CREATE DOMAIN public.addresses AS address[];',
    ]);
  });

  it('writes a partition with only what its parent does not give it', () => {
    const columns = [col('id', 'bigint', { notNull: true }), col('at', 'date', { notNull: true }), col('v', 'integer')];
    const parent = table('m', columns, {
      primaryKey: { name: 'm_pkey', columns: ['id', 'at'] },
      checks: [{ name: 'v_positive', expression: 'v > 0' }],
      foreignKeys: [fk('m_v_fkey', ['v'], 'ref', ['id'])],
      indexes: [index('m_v_idx', ['v'])],
      partitioning: { strategy: 'range', keys: ['at'] },
    });
    const child = table('m_2024', [...columns.slice(0, 2), col('v', 'integer', { default: '0', notNull: true })], {
      primaryKey: { name: 'm_2024_pkey', columns: ['id', 'at'] },
      checks: [{ name: 'v_positive', expression: 'v > 0' }, { name: 'v_small', expression: 'v < 10' }],
      foreignKeys: [fk('m_v_fkey', ['v'], 'ref', ['id'])],
      indexes: [index('m_2024_v_idx', ['v']), index('m_2024_id_idx', ['id'])],
      partitionOf: { parent: { schema: 'public', name: 'm' }, bound: "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')" },
    });
    const rest = table('m_rest', columns, {
      primaryKey: { name: 'm_rest_pkey', columns: ['id', 'at'] },
      checks: [{ name: 'v_positive', expression: 'v > 0' }],
      partitionOf: { parent: { schema: 'public', name: 'm' }, bound: 'DEFAULT' },
    });
    // Model order puts partitions before their parent: the DDL must not.
    const sql = toDDL(database(schema('public', { tables: [child, rest, parent] })));
    const out = groups(sql);
    const position = (start: string) => out.findIndex((g) => g.startsWith(start));
    expect(position('CREATE TABLE public.m (')).toBeLessThan(position('CREATE TABLE public.m_2024'));
    expect(out).toContain(
      [
        "CREATE TABLE public.m_2024 PARTITION OF public.m (\n    CONSTRAINT v_small CHECK (v < 10)\n) FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
        'ALTER TABLE public.m_2024 ALTER COLUMN v SET DEFAULT 0;',
        'ALTER TABLE public.m_2024 ALTER COLUMN v SET NOT NULL;',
      ].join('\n'),
    );
    expect(out).toContain('CREATE TABLE public.m_rest PARTITION OF public.m DEFAULT;');
    expect(out).toContain(
      'CREATE TABLE public.m (\n    id bigint NOT NULL,\n    at date NOT NULL,\n    v integer,\n    CONSTRAINT m_pkey PRIMARY KEY (id, at),\n    CONSTRAINT v_positive CHECK (v > 0)\n) PARTITION BY RANGE (at);',
    );
    // PostgreSQL copies the parent's index and foreign key to each partition itself.
    expect(sql).not.toContain('m_2024_v_idx');
    expect(sql).toContain('CREATE INDEX m_2024_id_idx ON public.m_2024 USING btree (id);');
    expect(sql.match(/FOREIGN KEY/g)).toHaveLength(1);
  });

  it('writes an inheritance child with only the columns and checks it adds', () => {
    const parent = table('base', [col('id', 'integer'), col('msg', 'text', { notNull: true })], { checks: [{ name: 'msg_short', expression: 'length(msg) < 500' }] });
    const child = table('audit', [col('id', 'integer', { default: '0' }), col('msg', 'text', { notNull: true }), col('who', 'text')], {
      checks: [{ name: 'msg_short', expression: 'length(msg) < 500' }],
      inherits: [{ schema: 'public', name: 'base' }],
    });
    expect(toDDL(database(schema('public', { tables: [child, parent] })))).toContain(
      'CREATE TABLE public.audit (\n    id integer DEFAULT 0,\n    who text\n) INHERITS (public.base);',
    );
  });

  it('creates views after the views they read', () => {
    const view = (name: string, reads: string[]) => ({ name, materialized: name.startsWith('mv'), definition: 'SELECT 1', reads: reads.map((r) => ({ schema: 'public', name: r })) });
    const db = database(schema('public', { views: [view('a', ['b']), view('b', ['mv_c']), view('mv_c', [])] }));
    expect(groups(toDDL(db)).slice(1)).toEqual([
      'CREATE MATERIALIZED VIEW public.mv_c AS\nSELECT 1;',
      'CREATE VIEW public.b AS\nSELECT 1;',
      'CREATE VIEW public.a AS\nSELECT 1;',
    ]);
  });

  it('creates routines where what they use exists and what uses them follows, triggers last', () => {
    const fn = (name: string, extra: Partial<Routine> = {}): Routine => ({ name, arguments: '', returns: 'integer', language: 'sql', kind: 'function', parameters: [], body: 'SELECT 1', ...extra });
    const db = database(
      schema('public', {
        tables: [table('t', [col('id', 'integer', { default: 'one()' })])],
        domains: [{ name: 'positive', type: 'integer', notNull: false, default: null, checks: [{ name: 'positive_check', expression: 'is_positive(VALUE)' }] }],
        views: [{ name: 'v', materialized: false, definition: 'SELECT 1 AS id', reads: [] }],
        functions: [
          fn('is_positive', { arguments: 'n integer', returns: 'boolean', parameters: [{ name: 'n', type: 'integer' }], body: 'SELECT n > 0' }),
          fn('one', { parameters: [{ name: 'p', type: 'positive', default: '1' }], arguments: 'p positive' }),
          fn('rows_of_v', { returns: 'SETOF v' }),
          fn('touch', { returns: 'trigger', language: 'plpgsql', body: ' BEGIN RETURN NEW; END ' }),
          fn('archive', { kind: 'procedure', returns: '', parameters: [{ name: 'days', type: 'integer' }], arguments: 'days integer', body: 'DELETE FROM t' }),
          { name: 'total', arguments: 'integer', returns: 'bigint', language: 'internal', kind: 'aggregate' },
        ],
        triggers: [{ name: 't_touch', table: { schema: 'public', name: 't' }, function: { schema: 'public', name: 'touch' }, timing: 'before', events: ['insert', 'update'], forEach: 'row', columns: ['id'] }],
      }),
    );
    const out = groups(toDDL(db));
    const at = (start: string) => out.findIndex((g) => g.startsWith(start));
    // pg_dump's setting: bodies may name tables created later.
    expect(out[0]).toBe('SET search_path TO public;\nSET check_function_bodies = false;');
    expect(out[at('CREATE OR REPLACE FUNCTION public.is_positive')]).toBe('CREATE OR REPLACE FUNCTION public.is_positive(n integer)\n RETURNS boolean\n LANGUAGE sql\nAS $function$SELECT n > 0$function$;');
    expect(at('CREATE OR REPLACE FUNCTION public.is_positive')).toBeLessThan(at('CREATE DOMAIN public.positive'));
    expect(at('CREATE DOMAIN public.positive')).toBeLessThan(at('CREATE OR REPLACE FUNCTION public.one'));
    expect(at('CREATE OR REPLACE FUNCTION public.one')).toBeLessThan(at('CREATE TABLE public.t'));
    expect(at('CREATE OR REPLACE PROCEDURE public.archive(days integer)\n LANGUAGE sql\nAS $procedure$DELETE FROM t$procedure$;')).toBeLessThan(at('CREATE TABLE'));
    // A view's row type in the signature: PostgreSQL needs the view first.
    expect(at('CREATE OR REPLACE FUNCTION public.rows_of_v')).toBeGreaterThan(at('CREATE VIEW public.v'));
    expect(out).toContain("-- aggregate public.total(integer) returns bigint (not re-created: the model keeps an aggregate's signature only)");
    expect(out[out.length - 1]).toBe('CREATE TRIGGER t_touch BEFORE INSERT OR UPDATE OF id ON public.t FOR EACH ROW EXECUTE FUNCTION public.touch();');
  });

  it('shows a trigger as a comment when its function is not in the output, so the script still runs', () => {
    const trigger = (name: string, fnSchema: string, fnName: string): Trigger => ({ name, table: { schema: 'public', name: 't' }, function: { schema: fnSchema, name: fnName }, timing: 'after', events: ['delete'], forEach: 'statement' });
    const db = database(
      schema('public', {
        tables: [table('t', [col('id', 'integer')])],
        // From a snapshot written before bodies were modelled.
        functions: [{ name: 'old', arguments: '', returns: 'trigger', language: 'plpgsql', kind: 'function' }],
        triggers: [trigger('t_audit', 'audit', 'record'), trigger('t_builtin', 'pg_catalog', 'suppress_redundant_updates_trigger'), trigger('t_old', 'public', 'old')],
      }),
    );
    expect(groups(toDDL(db)).slice(-3)).toEqual([
      '-- t_audit on public.t calls audit.record(), which is not in this output:\n-- CREATE TRIGGER t_audit AFTER DELETE ON public.t FOR EACH STATEMENT EXECUTE FUNCTION audit.record();',
      'CREATE TRIGGER t_builtin AFTER DELETE ON public.t FOR EACH STATEMENT EXECUTE FUNCTION pg_catalog.suppress_redundant_updates_trigger();',
      '-- t_old on public.t calls public.old(), which is not in this output:\n-- CREATE TRIGGER t_old AFTER DELETE ON public.t FOR EACH STATEMENT EXECUTE FUNCTION public.old();',
    ]);
  });

  it('quotes comments as string constants, backslashes included', () => {
    const db = database(
      schema('public', {
        comment: 'standard public schema',
        tables: [table('t', [col('Order Id', 'integer', { comment: 'it\'s "quoted"' }), col('path', 'text', { comment: 'C:\\temp' })])],
        views: [{ name: 'mv', materialized: true, definition: 'SELECT 1', reads: [], comment: 'refreshed nightly' }],
        enums: [{ name: 'e', values: ["it's"], comment: 'an enum' }],
      }),
    );
    const out = groups(toDDL(db));
    expect(out).toContain("CREATE TYPE public.e AS ENUM ('it''s');");
    expect(out.slice(-4)).toEqual([
      "COMMENT ON SCHEMA public IS 'standard public schema';",
      "COMMENT ON TYPE public.e IS 'an enum';",
      `COMMENT ON COLUMN public.t."Order Id" IS 'it''s "quoted"';\nCOMMENT ON COLUMN public.t.path IS E'C:\\\\temp';`,
      "COMMENT ON MATERIALIZED VIEW public.mv IS 'refreshed nightly';",
    ]);
  });
});

describe('toDDL on PostgreSQL: introspect, write the DDL, run it on an empty database, introspect again', () => {
  let engine: Engine;

  beforeAll(async () => {
    await initNormalizer();
    engine = await createEmbeddedEngine({ extensions: ['btree_gist', 'pg_trgm'] });
  });

  afterAll(async () => {
    await engine?.close();
  });

  /** Back to an empty database: every user schema (and the extensions in it) dropped, public re-created. */
  async function reset(): Promise<void> {
    const schemas = await engine.query<{ name: string }>(`SELECT nspname AS name FROM pg_namespace WHERE nspname !~ '^pg_' AND nspname <> 'information_schema'`);
    // The DDL turns body checks off for the session: each case starts with PostgreSQL's default.
    await engine.exec(`${schemas.map((s) => `DROP SCHEMA ${quoteIdent(s.name)} CASCADE;`).join('\n')}\nCREATE SCHEMA public;\nRESET check_function_bodies;`);
  }

  /** The model of the database `sql` creates, its DDL, and the model of the database that DDL creates. */
  async function recreate(sql: string): Promise<{ before: Database; ddl: string; after: Database }> {
    await reset();
    await engine.exec(sql);
    const before = (await introspect(engine)).database;
    const ddl = toDDL(before);
    await reset();
    await engine.exec(ddl);
    return { before, ddl, after: (await introspect(engine)).database };
  }

  /** The DDL of the database `sql` creates, after checking that it re-creates that database. */
  async function roundTrip(sql: string): Promise<string> {
    const { before, ddl, after } = await recreate(sql);
    expect(modelDiff(normalizeForComparison(before), normalizeForComparison(after))).toEqual([]);
    // Same PostgreSQL on both sides: even the catalog's own spelling of every expression agrees.
    expect(modelDiff(withoutStats(before), withoutStats(after))).toEqual([]);
    return ddl;
  }

  it('re-creates quoted names, serial, identity, generated and array columns, enums, domains and composite types, and comments', async () => {
    const ddl = await roundTrip(`
      CREATE SCHEMA "sales dept";
      COMMENT ON SCHEMA "sales dept" IS 'Sales; it''s "quoted"';
      CREATE TYPE public.mood AS ENUM ('sad', 'ok', 'it''s great');
      COMMENT ON TYPE public.mood IS 'How it feels';
      CREATE TYPE "sales dept".status AS ENUM ('new', 'paid');
      CREATE DOMAIN public.positive_int AS integer DEFAULT 1 NOT NULL CONSTRAINT positive_int_check CHECK (VALUE > 0);
      CREATE DOMAIN public.moods AS mood[];
      CREATE TYPE public.address AS (street text, zip positive_int, feeling mood);
      CREATE DOMAIN "sales dept".addresses AS address[] CHECK (cardinality(VALUE) < 5);
      CREATE TABLE public."user" (
        id serial PRIMARY KEY,
        "Order Id" integer GENERATED ALWAYS AS IDENTITY,
        email text COLLATE "C" NOT NULL,
        tags text[] DEFAULT '{}',
        matrix integer[][],
        name character varying(80),
        upper_name text GENERATED ALWAYS AS (upper(name)) STORED,
        home address,
        other_homes "sales dept".addresses,
        mood mood DEFAULT 'ok',
        history moods,
        score positive_int,
        "select" text,
        "from" timestamp with time zone DEFAULT now()
      );
      COMMENT ON TABLE public."user" IS 'People who log in; it''s "user", quoted';
      COMMENT ON COLUMN public."user"."Order Id" IS 'back\\slash and ''quote''';
      CREATE TABLE "sales dept"."order" (
        id bigserial PRIMARY KEY,
        "user" integer NOT NULL,
        status "sales dept".status NOT NULL DEFAULT 'new',
        n smallint GENERATED BY DEFAULT AS IDENTITY
      );
      CREATE SEQUENCE "sales dept".invoice_no AS bigint;
      CREATE SEQUENCE public."Odd Seq";
      ALTER TABLE "sales dept"."order" ADD COLUMN invoice bigint DEFAULT nextval('"sales dept".invoice_no');
      CREATE TABLE public.nothing ();
      CREATE UNLOGGED TABLE public.scratch (note text);
    `);
    expect(ddl).toContain('CREATE TABLE public."user" (\n    id integer DEFAULT nextval(\'user_id_seq\'::regclass) NOT NULL,\n    "Order Id" integer GENERATED ALWAYS AS IDENTITY NOT NULL,');
    expect(ddl).toContain('CREATE SEQUENCE public.user_id_seq AS integer;');
    expect(ddl).toContain('ALTER SEQUENCE public.user_id_seq OWNED BY public."user".id;');
    expect(ddl).toContain("COMMENT ON COLUMN public.\"user\".\"Order Id\" IS E'back\\\\slash and ''quote''';");
  });

  it('re-creates every constraint kind, foreign keys in a cycle and to their own table, and every index kind', async () => {
    const ddl = await roundTrip(`
      CREATE SCHEMA ext;
      CREATE EXTENSION btree_gist WITH SCHEMA ext;
      CREATE EXTENSION pg_trgm WITH SCHEMA ext;
      CREATE TABLE public.a (id integer PRIMARY KEY, b_id integer, parent_id integer REFERENCES public.a ON DELETE CASCADE);
      CREATE TABLE public.b (id integer PRIMARY KEY, a_id integer REFERENCES public.a DEFERRABLE INITIALLY DEFERRED);
      ALTER TABLE public.a ADD FOREIGN KEY (b_id) REFERENCES public.b MATCH FULL ON UPDATE CASCADE ON DELETE SET NULL;
      CREATE TABLE public.booking (
        id integer GENERATED ALWAYS AS IDENTITY,
        room integer NOT NULL,
        during tstzrange NOT NULL,
        code text,
        x integer,
        y integer,
        CONSTRAINT booking_pk PRIMARY KEY (id),
        CONSTRAINT booking_code_key UNIQUE NULLS NOT DISTINCT (code),
        UNIQUE (room, code) DEFERRABLE,
        UNIQUE (x, y),
        CONSTRAINT x_positive CHECK (x > 0) NO INHERIT,
        CHECK (x < y),
        CONSTRAINT no_double_booking EXCLUDE USING gist (room WITH =, during WITH &&) WHERE (code IS NOT NULL)
      );
      ALTER TABLE public.booking ADD CONSTRAINT y_small CHECK (y < 1000) NOT VALID;
      ALTER TABLE public.booking ADD CONSTRAINT booking_self FOREIGN KEY (x, y) REFERENCES public.booking (x, y) NOT VALID;
      ALTER TABLE public.b ADD CONSTRAINT b_room FOREIGN KEY (id) REFERENCES public.booking (id) ON DELETE RESTRICT ON UPDATE SET DEFAULT;
      CREATE UNIQUE INDEX booking_lower_code ON public.booking (lower(code)) INCLUDE (room, x);
      CREATE INDEX booking_code_pattern ON public.booking (code text_pattern_ops DESC NULLS LAST, room);
      CREATE INDEX booking_code_c ON public.booking (code COLLATE "C" NULLS FIRST);
      CREATE INDEX booking_partial ON public.booking USING hash (code) WHERE x IS NOT NULL AND code <> '';
      CREATE INDEX booking_during ON public.booking USING gist (during);
      CREATE INDEX booking_brin ON public.booking USING brin (id);
      CREATE INDEX booking_code_trgm ON public.booking USING gin (code ext.gin_trgm_ops);
      CREATE UNIQUE INDEX booking_xy ON public.booking (x, (y + 1)) NULLS NOT DISTINCT;
    `);
    expect(ddl).toContain('CREATE EXTENSION IF NOT EXISTS btree_gist WITH SCHEMA ext;');
    expect(ddl).toContain('CREATE INDEX booking_code_trgm ON public.booking USING gin (code ext.gin_trgm_ops);');
    expect(ddl).toContain(
      'ALTER TABLE public.a ADD CONSTRAINT a_b_id_fkey FOREIGN KEY (b_id) REFERENCES public.b (id) MATCH FULL ON DELETE SET NULL ON UPDATE CASCADE;',
    );
  });

  it('re-creates partitioned tables with their partitions, indexes and keys, and inheritance', async () => {
    const ddl = await roundTrip(`
      CREATE TABLE public.account (id integer PRIMARY KEY);
      CREATE TABLE public.measurement (
        id bigint NOT NULL,
        logged_at timestamp with time zone NOT NULL,
        value numeric CHECK (value >= 0),
        account_id integer REFERENCES public.account,
        PRIMARY KEY (id, logged_at)
      ) PARTITION BY RANGE (logged_at);
      CREATE TABLE public.measurement_2024 PARTITION OF public.measurement FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
      CREATE TABLE public.measurement_rest PARTITION OF public.measurement (value WITH OPTIONS DEFAULT 0, CONSTRAINT rest_positive CHECK (id > 0)) DEFAULT;
      CREATE INDEX measurement_value_idx ON public.measurement (value DESC NULLS LAST) WHERE value IS NOT NULL;
      CREATE INDEX ON public.measurement_2024 (account_id);
      CREATE TABLE public.reading (id bigint NOT NULL, m_id bigint, m_at timestamp with time zone, FOREIGN KEY (m_id, m_at) REFERENCES public.measurement);
      CREATE TABLE public.event (region text NOT NULL, kind integer NOT NULL, body jsonb) PARTITION BY LIST (region);
      CREATE TABLE public.event_eu PARTITION OF public.event FOR VALUES IN ('eu', 'uk') PARTITION BY HASH (kind);
      CREATE TABLE public.event_eu_0 PARTITION OF public.event_eu FOR VALUES WITH (MODULUS 2, REMAINDER 0);
      CREATE TABLE public.event_eu_1 PARTITION OF public.event_eu FOR VALUES WITH (MODULUS 2, REMAINDER 1);
      CREATE TABLE public.event_us PARTITION OF public.event FOR VALUES IN ('us');
      CREATE INDEX event_kind ON ONLY public.event (kind);
      CREATE TABLE public.base_log (id integer, msg text NOT NULL, CONSTRAINT msg_short CHECK (length(msg) < 500));
      CREATE TABLE public.audit_log (who text, id integer DEFAULT 0) INHERITS (public.base_log);
      CREATE TABLE public.other_log (extra text) INHERITS (public.audit_log, public.base_log);
    `);
    expect(ddl).toContain("CREATE TABLE public.measurement_2024 PARTITION OF public.measurement FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00');");
    expect(ddl).toContain('ALTER TABLE public.measurement_rest ALTER COLUMN value SET DEFAULT 0;');
    expect(ddl).toContain('CREATE TABLE public.audit_log (\n    id integer DEFAULT 0,\n    who text\n) INHERITS (public.base_log);');
    expect(ddl).not.toContain('measurement_2024_pkey');
  });

  it('re-creates views in dependency order, across schemas, and materialized views', async () => {
    await roundTrip(`
      CREATE SCHEMA "report s";
      CREATE TABLE public."user" (id integer PRIMARY KEY, email text, manager_id integer);
      CREATE TABLE public."order" (id integer PRIMARY KEY, user_id integer, total numeric);
      CREATE VIEW public.active_users AS SELECT id, email FROM public."user" WHERE manager_id IS NOT NULL;
      CREATE VIEW "report s".user_orders AS SELECT u.email, o.id, o.total FROM public.active_users u JOIN public."order" o ON o.user_id = u.id;
      CREATE MATERIALIZED VIEW public.order_totals AS SELECT email, count(*) AS n, sum(total) AS total FROM "report s".user_orders GROUP BY email;
      CREATE VIEW public.a_top AS SELECT email FROM public.order_totals WHERE n > 10;
      COMMENT ON VIEW public.active_users IS 'Users with a manager';
      COMMENT ON MATERIALIZED VIEW public.order_totals IS 'Orders per user';
    `);
  });

  /**
   * test/fixtures/routines.sql (every parameter mode and option, SETOF, RETURNS TABLE, a
   * procedure, RETURN and BEGIN ATOMIC bodies, triggers spelled every way), plus routines that
   * domains, defaults, CHECKs, generated columns, indexes and views call, overloads, and
   * routines bound to a table's or a view's row type.
   */
  const ROUTINES = `${readFileSync(new URL('./fixtures/routines.sql', import.meta.url), 'utf8')}
    CREATE FUNCTION is_even(n integer) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT n % 2 = 0 $$;
    CREATE DOMAIN even_int AS integer CONSTRAINT even_int_check CHECK (is_even(VALUE));
    CREATE FUNCTION half(e even_int) RETURNS integer LANGUAGE sql IMMUTABLE RETURN e / 2;
    CREATE FUNCTION area(w integer, h integer) RETURNS integer LANGUAGE sql IMMUTABLE RETURN w * h;
    CREATE FUNCTION area(r numeric) RETURNS numeric LANGUAGE sql IMMUTABLE RETURN 3.14 * r * r;
    CREATE FUNCTION next_id() RETURNS integer LANGUAGE plpgsql AS $$ BEGIN RETURN (SELECT coalesce(max(id), 0) + 1 FROM shapes); END $$;
    CREATE TABLE shapes (
      id integer PRIMARY KEY DEFAULT next_id(),
      w integer NOT NULL,
      h integer NOT NULL,
      n even_int,
      a integer GENERATED ALWAYS AS (area(w, h)) STORED,
      CONSTRAINT shapes_small CHECK (area(w, h) < 1000)
    );
    CREATE INDEX shapes_area ON shapes (area(w::numeric));
    CREATE VIEW big_shapes AS SELECT id, w, h, area(w, h) AS a FROM shapes WHERE area(w, h) > 10;
    CREATE FUNCTION biggest() RETURNS SETOF big_shapes LANGUAGE sql STABLE AS $$ SELECT * FROM big_shapes ORDER BY a DESC $$;
    CREATE FUNCTION perimeter(s shapes) RETURNS integer LANGUAGE sql IMMUTABLE RETURN 2 * (s.w + s.h);
    CREATE FUNCTION shape_count() RETURNS bigint LANGUAGE sql STABLE BEGIN ATOMIC SELECT count(*) FROM big_shapes; END;
    CREATE PROCEDURE clear_shapes(keep integer DEFAULT 0) LANGUAGE sql BEGIN ATOMIC DELETE FROM shapes WHERE id > keep; END;
    CREATE FUNCTION big_shapes_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO shapes (w, h) VALUES (NEW.w, NEW.h); RETURN NEW; END $$;
    CREATE TRIGGER big_shapes_insert INSTEAD OF INSERT ON big_shapes FOR EACH ROW EXECUTE FUNCTION big_shapes_insert();
    CREATE TRIGGER shapes_truncate AFTER TRUNCATE ON shapes FOR EACH STATEMENT EXECUTE FUNCTION audit.record('warn');
    CREATE TRIGGER shapes_new AFTER INSERT ON shapes REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION audit.record();
  `;

  it('re-creates functions, procedures and triggers, each after what it needs and before what calls it', async () => {
    const ddl = await roundTrip(ROUTINES);
    expect(ddl.startsWith('SET search_path TO public;\nSET check_function_bodies = false;\n')).toBe(true);
    expect(ddl).not.toMatch(/^--/m);
    expect(ddl.match(/^CREATE OR REPLACE (FUNCTION|PROCEDURE)/gm)).toHaveLength(19);
    expect(ddl.match(/^CREATE (CONSTRAINT )?TRIGGER/gm)).toHaveLength(6);
  });

  it('re-creates functions, procedures and triggers from a script\'s static model', async () => {
    const model = (await loadStatic([{ file: 'routines.sql', sql: ROUTINES }])).database;
    await reset();
    await engine.exec(ROUTINES);
    const expected = (await introspect(engine)).database;
    await reset();
    await engine.exec(toDDL(model));
    const actual = (await introspect(engine)).database;
    expect(modelDiff(normalizeForComparison(expected), normalizeForComparison(actual))).toEqual([]);
    expect(modelDiff(withoutStats(expected), withoutStats(actual))).toEqual([]);
  });

  it('re-creates the database of a script from its static model (inspect schema.sql --format sql)', async () => {
    // The static model gives each partition copies of its parent's keys, CHECKs, foreign
    // keys and indexes, which introspection leaves out: the DDL must not repeat them.
    const sql = `
      CREATE SCHEMA "sales dept";
      CREATE TYPE public.mood AS ENUM ('sad', 'ok', 'it''s great');
      CREATE TYPE "sales dept".status AS ENUM ('new', 'paid');
      CREATE DOMAIN public.positive_int AS integer DEFAULT 1 NOT NULL CONSTRAINT positive_int_check CHECK (VALUE > 0);
      CREATE DOMAIN public.moods AS mood[];
      CREATE TYPE public.address AS (street text, zip positive_int, feeling mood);
      CREATE SEQUENCE public.invoice_no AS bigint;
      CREATE TABLE public."user" (
        id serial PRIMARY KEY,
        "Order Id" integer GENERATED ALWAYS AS IDENTITY,
        email text COLLATE "C" NOT NULL UNIQUE,
        tags text[] DEFAULT '{}'::text[],
        name text,
        upper_name text GENERATED ALWAYS AS (upper(name)) STORED,
        home address,
        mood mood DEFAULT 'ok',
        history moods,
        score positive_int,
        manager_id integer REFERENCES public."user" (id) ON DELETE SET NULL,
        CONSTRAINT email_lower CHECK (email = lower(email)),
        UNIQUE NULLS NOT DISTINCT (name, tags)
      );
      CREATE TABLE "sales dept"."order" (
        id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        user_id integer NOT NULL REFERENCES public."user" (id) ON DELETE CASCADE,
        status "sales dept".status NOT NULL DEFAULT 'new',
        invoice bigint DEFAULT nextval('invoice_no'),
        during tstzrange,
        room integer CHECK (room > 0) NO INHERIT,
        EXCLUDE USING gist (during WITH &&) WHERE (room IS NOT NULL),
        UNIQUE (invoice) DEFERRABLE INITIALLY DEFERRED
      );
      ALTER TABLE "sales dept"."order" ADD CONSTRAINT room_small CHECK (room < 1000) NOT VALID;
      CREATE TABLE public.a (id integer PRIMARY KEY, b_id integer);
      CREATE TABLE public.b (id integer PRIMARY KEY, a_id integer, FOREIGN KEY (a_id) REFERENCES public.a DEFERRABLE INITIALLY DEFERRED);
      ALTER TABLE public.a ADD FOREIGN KEY (b_id) REFERENCES public.b MATCH FULL ON UPDATE CASCADE NOT VALID;
      CREATE TABLE public.measurement (
        id bigint NOT NULL,
        logged_at timestamp with time zone NOT NULL,
        value numeric CHECK (value >= 0),
        user_id integer REFERENCES public."user" (id),
        PRIMARY KEY (id, logged_at)
      ) PARTITION BY RANGE (logged_at);
      CREATE TABLE public.measurement_2024 PARTITION OF public.measurement FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
      CREATE TABLE public.measurement_rest PARTITION OF public.measurement (CONSTRAINT rest_positive CHECK (id > 0)) DEFAULT;
      CREATE INDEX measurement_value_idx ON public.measurement (value DESC NULLS LAST) WHERE value IS NOT NULL;
      CREATE INDEX ON public.measurement_2024 (user_id);
      CREATE TABLE public.base_log (id integer, msg text NOT NULL, CONSTRAINT msg_short CHECK (length(msg) < 500));
      CREATE TABLE public.audit_log (who text, id integer DEFAULT 0) INHERITS (public.base_log);
      CREATE UNIQUE INDEX user_lower_email ON public."user" (lower(email)) INCLUDE (name);
      CREATE INDEX user_name_pattern ON public."user" (name text_pattern_ops, email COLLATE "C" DESC);
      CREATE INDEX user_tags ON public."user" USING gin (tags);
      CREATE UNIQUE INDEX order_user_status ON "sales dept"."order" (user_id, status) NULLS NOT DISTINCT;
      CREATE VIEW public.active_users AS SELECT id, email FROM public."user" WHERE manager_id IS NOT NULL;
      CREATE VIEW "sales dept".user_orders AS SELECT u.email, o.id FROM public.active_users u JOIN "sales dept"."order" o ON o.user_id = u.id;
      CREATE MATERIALIZED VIEW public.order_counts AS SELECT email, count(*) AS n FROM "sales dept".user_orders GROUP BY email;
      COMMENT ON TABLE public."user" IS 'People who log in; it''s "user", quoted';
      COMMENT ON COLUMN public."user"."Order Id" IS 'back\\slash and ''quote''';
      COMMENT ON SCHEMA "sales dept" IS 'Sales';
      COMMENT ON VIEW public.active_users IS 'Users with a manager';
      COMMENT ON MATERIALIZED VIEW public.order_counts IS 'Orders per user';
      COMMENT ON TYPE public.mood IS 'How it feels';
      ALTER TABLE public.measurement_rest ALTER COLUMN value SET DEFAULT 0;
    `;
    const model = (await loadStatic([{ file: 'schema.sql', sql }])).database;
    await reset();
    await engine.exec(sql);
    const expected = (await introspect(engine)).database;
    await reset();
    await engine.exec(toDDL(model));
    const actual = (await introspect(engine)).database;
    expect(modelDiff(normalizeForComparison(expected), normalizeForComparison(actual))).toEqual([]);
  });

  it.skipIf(!existsSync(CHINOOK))('re-creates a real schema: Chinook from the corpus', async () => {
    // psql meta-commands and the database it creates are not part of the schema.
    const sql = readFileSync(CHINOOK, 'utf8')
      .split('\n')
      .filter((line) => !line.startsWith('\\') && !/^(DROP|CREATE) DATABASE/.test(line))
      .join('\n');
    const ddl = await roundTrip(sql);
    expect(ddl.match(/^CREATE TABLE/gm)).toHaveLength(11);
    expect(ddl.match(/FOREIGN KEY/g)).toHaveLength(11);
  });
});

function withoutStats(db: Database): unknown {
  return JSON.parse(JSON.stringify(db, (key, value) => (key === 'stats' ? undefined : value)));
}
