/**
 * The type rules beyond their documented examples: the shared helpers (domain resolution, CHECK
 * lists in every spelling PostgreSQL and the static loader produce, name words, nextval
 * defaults), options set from a config, and the prefer-identity conversion run on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedEngine } from '../src/engine/embedded.js';
import type { Engine } from '../src/engine/engine.js';
import { introspect } from '../src/engine/introspect.js';
import { allowedValues, inList, nextvalSequence, resolveType, serialSequence, wordMatches } from '../src/lint/column-types.js';
import { mentionsColumn as mentions, nameWords } from '../src/lint/sql-text.js';
import { tablesOf } from '../src/lint/model-walk.js';
import { review } from '../src/lint/review.js';
import { RULES } from '../src/lint/rules/index.js';
import type { Finding, OptionValue } from '../src/lint/types.js';
import { loadStatic } from '../src/load/load-schema.js';
import { execStatements, resetEngine } from './helpers/scratch-engine.js';

const rule = (id: string) => RULES.find((r) => r.id === id)!;

async function run(id: string, sql: string, options?: Record<string, OptionValue>): Promise<Finding[]> {
  const { database } = await loadStatic([{ file: 'x.sql', sql }]);
  return review({ database, rules: [rule(id)], config: { rules: options ? { [id]: { options } } : {}, ignoreTables: [] } }).findings;
}
const objects = (findings: Finding[]) => findings.map((f) => f.object).sort();

describe('resolveType', () => {
  it('follows a chain of domains to the base type, keeping typmod, array and the domains’ checks and default', async () => {
    const { database } = await loadStatic([
      {
        file: 'x.sql',
        sql: `CREATE SCHEMA billing;
CREATE DOMAIN billing."Amount" AS numeric(12,2) DEFAULT 0 CHECK (VALUE >= 0);
CREATE DOMAIN billing.price AS billing."Amount" CHECK (VALUE < 1000000);
CREATE TABLE billing.items (p billing.price, ps billing.price[], ts timestamp(3) without time zone);`,
      },
    ]);
    const [items] = database.schemas.find((s) => s.name === 'billing')!.tables;
    const p = resolveType(database, items.columns[0].type, 'billing');
    expect(p).toMatchObject({ base: 'numeric(12,2)', name: 'numeric', modifiers: [12, 2], array: false, domainDefault: '0' });
    expect(p.domains).toEqual(['billing.price', 'billing."Amount"']);
    expect(p.domainChecks).toHaveLength(2);
    expect(resolveType(database, items.columns[1].type, 'billing')).toMatchObject({ name: 'numeric', array: true });
    expect(resolveType(database, items.columns[2].type, 'billing')).toMatchObject({ name: 'timestamp without time zone', modifiers: [3], domains: [] });
  });

  it('leaves a type that is not a domain as it is', async () => {
    const { database } = await loadStatic([{ file: 'x.sql', sql: `CREATE TYPE mood AS ENUM ('a');` }]);
    expect(resolveType(database, 'mood')).toMatchObject({ name: 'mood', domains: [], array: false });
    expect(resolveType(database, 'character varying(255)[]')).toMatchObject({ name: 'character varying', modifiers: [255], array: true });
  });
});

describe('inList', () => {
  it('reads the static spelling and the spellings PostgreSQL prints back', () => {
    expect(inList(`status IN ('a', 'b')`, 'status')).toEqual(['a', 'b']);
    expect(inList(`status = ANY (ARRAY['a'::text, 'b'::text])`, 'status')).toEqual(['a', 'b']);
    // PostgreSQL before 18 prints varchar lists with casts on both sides.
    expect(inList(`((status)::text = ANY ((ARRAY['a'::character varying, 'b'::character varying])::text[]))`, 'status')).toEqual(['a', 'b']);
    expect(inList(`flag = ANY (ARRAY[0, 1])`, 'flag')).toEqual(['0', '1']);
    expect(inList(`upper(gender::text) IN ('M', 'F')`, 'gender')).toEqual(['M', 'F']);
    expect(inList(`VALUE IN ('Y', 'N')`, 'VALUE')).toEqual(['Y', 'N']);
  });

  it('handles quoted names and quotes inside literals, and refuses lists that are not all literals', () => {
    expect(inList(`"Kind" IN ('it''s', 'x')`, 'Kind')).toEqual(["it's", 'x']);
    expect(inList(`kind IN ('a', 'b')`, 'Kind')).toBeNull();
    expect(inList(`status IN (lower('A'), 'b')`, 'status')).toBeNull();
    expect(inList(`substatus IN ('a', 'b')`, 'status')).toBeNull();
    expect(inList(`status <> 'a'`, 'status')).toBeNull();
  });

  it('takes the tightest list of a column and drops NULL from it', async () => {
    const { database } = await loadStatic([
      { file: 'x.sql', sql: `CREATE TABLE t (s text CHECK (s IN ('a', 'b', 'c', NULL)), CHECK (s IN ('a', 'b') OR s IS NULL));` },
    ]);
    const t = [...tablesOf(database)][0];
    const column = t.table.columns[0];
    expect(allowedValues(t.table, column, resolveType(database, column.type))).toEqual(['a', 'b']);
  });
});

describe('names and defaults', () => {
  it('splits names into words on underscores and camelCase', () => {
    expect(nameWords('created_at')).toEqual(['created', 'at']);
    expect(nameWords('createdAt')).toEqual(['created', 'at']);
    expect(nameWords('HTTPStatus')).toEqual(['http', 'status']);
    expect(nameWords('modifieddate')).toEqual(['modifieddate']);
  });

  it('matches a word exactly, or by a 5+ letter ending after a 3+ letter prefix', () => {
    expect(wordMatches('listprice', ['price'])).toBe(true);
    expect(wordMatches('caprice', ['price'])).toBe(false);
    expect(wordMatches('coffee', ['fee'])).toBe(false);
    expect(wordMatches('fee', ['fee'])).toBe(true);
  });

  it('mentions() ignores string literals and longer names', () => {
    expect(mentions(`status <> ''`, 'status')).toBe(true);
    expect(mentions(`substatus <> 'status'`, 'status')).toBe(false);
  });

  it('reads the sequence of every nextval() spelling', () => {
    expect(nextvalSequence(`nextval('t_id_seq'::regclass)`)).toEqual(['t_id_seq']);
    expect(nextvalSequence(`nextval('public.t_id_seq'::regclass)`)).toEqual(['public', 't_id_seq']);
    expect(nextvalSequence(`nextval(CAST('s."T_id_seq"' AS regclass))`)).toEqual(['s', 'T_id_seq']);
    expect(nextvalSequence(`nextval(('t_id_seq'::text)::regclass)`)).toEqual(['t_id_seq']);
    expect(nextvalSequence(`nextval('a') + 1`)).toBeNull();
    expect(nextvalSequence(null)).toBeNull();
  });

  it('serialSequence: owned by the column, or unowned and used by no other column; never one owned elsewhere', async () => {
    const { database } = await loadStatic([
      {
        file: 'x.sql',
        sql: `CREATE TABLE a (id serial PRIMARY KEY, other integer DEFAULT nextval('a_id_seq'));
CREATE SEQUENCE solo_seq;
CREATE TABLE b (id integer NOT NULL DEFAULT nextval('solo_seq'));`,
      },
    ]);
    const [a, b] = [...tablesOf(database)];
    expect(serialSequence(database, a, a.table.columns[0])?.owned).toBe(true);
    expect(serialSequence(database, a, a.table.columns[1])).toBeUndefined();
    expect(serialSequence(database, b, b.table.columns[0])).toMatchObject({ owned: false, sequence: { name: 'solo_seq' } });
  });
});

describe('options from the config', () => {
  it('no-float-for-money: names and ignoreWords replace the defaults', async () => {
    const sql = `CREATE TABLE t (id bigint PRIMARY KEY, bounty double precision, price real, price_ratio real);`;
    expect(objects(await run('no-float-for-money', sql))).toEqual(['public.t.price']);
    expect(objects(await run('no-float-for-money', sql, { names: ['bounty'] }))).toEqual(['public.t.bounty']);
    expect(objects(await run('no-float-for-money', sql, { ignoreWords: [] }))).toEqual(['public.t.price', 'public.t.price_ratio']);
  });

  it('enum-candidate: CHECK lists only with includeCheckLists, never boolean pairs or two values', async () => {
    const sql = `CREATE TABLE t (
  id bigint PRIMARY KEY,
  stage text CHECK (stage IN ('draft', 'review', 'live')),
  flag char(1) CHECK (flag IN ('Y', 'N')),
  side text CHECK (side IN ('buy', 'sell', 'hold', 'buy'))
);`;
    expect(await run('enum-candidate', sql)).toEqual([]);
    const findings = await run('enum-candidate', sql, { includeCheckLists: true });
    expect(objects(findings)).toEqual(['public.t.side', 'public.t.stage']);
    expect(findings.find((f) => f.object === 'public.t.side')!.message).toContain(`('buy', 'sell', 'hold')`);
    expect(objects(await run('enum-candidate', `CREATE TABLE t (id bigint PRIMARY KEY, flavour text);`, { names: ['flavour'] }))).toEqual(['public.t.flavour']);
  });

  it('enum-candidate: a unique status column is a key, an address state is a region', async () => {
    const sql = `CREATE TABLE statuses (status text PRIMARY KEY);
CREATE TABLE shipments (id bigint PRIMARY KEY, ship_city text, ship_state text, state text);`;
    expect(await run('enum-candidate', sql)).toEqual([]);
  });

  it('no-char-n: includeChar1 adds char(1); a 36-character column is pointed at uuid', async () => {
    const sql = `CREATE TABLE t (id bigint PRIMARY KEY, grade char(1), ref char(36));`;
    const findings = await run('no-char-n', sql);
    expect(objects(findings)).toEqual(['public.t.ref']);
    expect(findings[0].help).toContain('uuid');
    expect(objects(await run('no-char-n', sql, { includeChar1: true }))).toEqual(['public.t.grade', 'public.t.ref']);
  });

  it('prefer-bigint-keys: allowTables takes globs on name and schema.name', async () => {
    const sql = `CREATE SCHEMA ref;
CREATE TABLE ref.colours (id integer PRIMARY KEY);
CREATE TABLE ref.sizes (id integer PRIMARY KEY);
CREATE TABLE orders (id integer PRIMARY KEY);`;
    expect(objects(await run('prefer-bigint-keys', sql))).toEqual(['public.orders.id', 'ref.colours.id', 'ref.sizes.id']);
    expect(objects(await run('prefer-bigint-keys', sql, { allowTables: ['ref.*'] }))).toEqual(['public.orders.id']);
    expect(objects(await run('prefer-bigint-keys', sql, { allowTables: ['colours'] }))).toEqual(['public.orders.id', 'ref.sizes.id']);
  });
});

describe('rule details', () => {
  it('prefer-bigint-keys names every referencing column and the serial sequence to widen', async () => {
    const [f] = await run(
      'prefer-bigint-keys',
      `CREATE TABLE users (id serial PRIMARY KEY);
CREATE TABLE posts (id bigint PRIMARY KEY, author_id integer REFERENCES users (id), editor_id integer REFERENCES users (id));
CREATE TABLE profiles (user_id integer PRIMARY KEY REFERENCES users (id));`,
    );
    expect(f.object).toBe('public.users.id');
    expect(f.help).toContain('public.posts.author_id, public.posts.editor_id, public.profiles.user_id');
    expect(f.help).toContain('ALTER SEQUENCE public.users_id_seq AS bigint');
  });

  it('no-text-dates calls an integer *_at an epoch and an integer *_date a number date', async () => {
    const findings = await run('no-text-dates', `CREATE TABLE t (id bigint PRIMARY KEY, seen_at bigint, due_date integer, cook_time integer, delivered_on integer);`);
    expect(objects(findings)).toEqual(['public.t.due_date', 'public.t.seen_at']);
    expect(findings.find((f) => f.object === 'public.t.seen_at')!.help).toContain('to_timestamp');
    expect(findings.find((f) => f.object === 'public.t.due_date')!.help).toContain('YYYYMMDD');
  });

  it('boolean-as-text-or-int reads a domain’s CHECK list whatever the column is called', async () => {
    const findings = await run(
      'boolean-as-text-or-int',
      `CREATE DOMAIN yes_no AS varchar(3) CHECK (VALUE IN ('YES', 'NO'));
CREATE TABLE t (id bigint PRIMARY KEY, newsletter yes_no, is_x_ref bigint GENERATED ALWAYS AS IDENTITY);`,
    );
    expect(objects(findings)).toEqual(['public.t.newsletter']);
    expect(findings[0].help).toContain(`= 'YES'`);
  });

  it('foreign-key-type-mismatch lists each mismatched pair of a composite key and skips missing parents', async () => {
    const findings = await run(
      'foreign-key-type-mismatch',
      `CREATE TABLE parents (a bigint, b timestamptz, c text, PRIMARY KEY (a, b, c));
CREATE TABLE kids (a integer, b timestamp, c varchar(5), FOREIGN KEY (a, b, c) REFERENCES parents (a, b, c));`,
    );
    expect(findings).toHaveLength(1);
    expect(findings[0].message).toContain('a integer → a bigint, b timestamp without time zone → b timestamp with time zone');
    expect(findings[0].message).not.toContain('c character varying');
  });

  it('uuid-primary-key-random knows schema-qualified generators and fixes with uuidv7()', async () => {
    const [f] = await run('uuid-primary-key-random', `CREATE SCHEMA extensions;
CREATE TABLE t (id uuid PRIMARY KEY DEFAULT extensions.uuid_generate_v4());`);
    expect(f.object).toBe('public.t.id');
    expect(f.fix!.sql).toContain('ALTER TABLE public.t ALTER COLUMN id SET DEFAULT uuidv7();');
  });

  it('prefer-identity offers no fix for a nullable column or a partitioned table', async () => {
    const findings = await run(
      'prefer-identity',
      `CREATE TABLE a (id integer, x text);
CREATE SEQUENCE a_id_seq OWNED BY a.id;
ALTER TABLE a ALTER COLUMN id SET DEFAULT nextval('a_id_seq');
CREATE TABLE p (id serial, at date NOT NULL) PARTITION BY RANGE (at);`,
    );
    expect(objects(findings)).toEqual(['public.a.id', 'public.p.id']);
    expect(findings.every((f) => !f.fix)).toBe(true);
    expect(findings.find((f) => f.object === 'public.a.id')!.help).toContain('nullable');
  });
});

describe('prefer-identity conversion on PostgreSQL', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await createEmbeddedEngine();
  }, 60_000);
  afterAll(() => engine?.close());

  it('continues the old sequence, keeps explicit ids allowed, and leaves one sequence with the old name', async () => {
    await resetEngine(engine);
    await execStatements(
      engine,
      `CREATE TABLE "Accounts" (id serial PRIMARY KEY, email text NOT NULL);
INSERT INTO "Accounts" (email) VALUES ('a'), ('b'), ('c');
DELETE FROM "Accounts" WHERE id = 3;`,
    );
    const [finding] = review({ database: (await introspect(engine)).database, rules: [rule('prefer-identity')] }).findings;
    await execStatements(engine, finding.fix!.sql);
    await engine.exec(`INSERT INTO "Accounts" (email) VALUES ('d'); INSERT INTO "Accounts" (id, email) VALUES (100, 'e');`);
    expect(await engine.query(`SELECT id FROM "Accounts" ORDER BY id`)).toEqual([{ id: 1 }, { id: 2 }, { id: 4 }, { id: 100 }]);
    expect(await engine.query(`SELECT sequencename FROM pg_sequences`)).toEqual([{ sequencename: 'Accounts_id_seq' }]);
    expect(await engine.query(`SELECT attidentity FROM pg_attribute WHERE attrelid = '"Accounts"'::regclass AND attname = 'id'`)).toEqual([{ attidentity: 'd' }]);
  });
});
