/**
 * Index and scale rules beyond their documented examples: options from the config, the
 * comparison helpers' edge cases, the row-layout arithmetic, and the live-only rule, which
 * the example harness cannot run (it needs table statistics).
 */
import { describe, expect, it } from 'vitest';
import { loadStatic } from '../src/load/load-schema.js';
import { covers, duplicateGroups, indexShapes, redundantIndexes, type IndexShape } from '../src/lint/index-compare.js';
import { review } from '../src/lint/review.js';
import columnOrderPadding from '../src/lint/rules/column-order-padding.js';
import duplicateIndex from '../src/lint/rules/duplicate-index.js';
import indexTooWide from '../src/lint/rules/index-too-wide.js';
import largeTableUnpartitioned from '../src/lint/rules/large-table-unpartitioned.js';
import lowCardinalityIndex from '../src/lint/rules/low-cardinality-index.js';
import redundantIndex from '../src/lint/rules/redundant-index.js';
import tooManyIndexes from '../src/lint/rules/too-many-indexes.js';
import unloggedTable from '../src/lint/rules/unlogged-table.js';
import wideTable from '../src/lint/rules/wide-table.js';
import { compactOrder, expectedRowBytes, resolveType, typeLayout } from '../src/lint/type-layout.js';
import type { LiveFacts, OptionValue, Rule } from '../src/lint/types.js';
import type { Database, Table } from '../src/model/types.js';

const load = async (sql: string) => (await loadStatic([{ file: 'x.sql', sql }])).database;

function run(database: Database, rule: Rule<any>, options?: Record<string, OptionValue>, live?: LiveFacts) {
  const config = { rules: options ? { [rule.id]: { options } } : {}, ignoreTables: [] };
  return review({ database, rules: [rule], config, live }).findings;
}

const objects = (findings: { object: string }[]) => findings.map((f) => f.object).sort();

function table(db: Database, name: string): Table {
  const found = db.schemas.flatMap((s) => s.tables).find((t) => t.name === name);
  if (!found) throw new Error(`no table ${name}`);
  return found;
}

const byName = (shapes: IndexShape[], name: string) => shapes.find((s) => s.name === name)!;

const LIVE: LiveFacts = {
  serverVersion: 170000,
  isReplica: false,
  currentDatabase: 'app',
  currentRole: 'app',
  settings: {},
  roleSettings: [],
  statsSince: null,
  invalidIndexes: [],
  sequences: [],
  tables: {},
  connections: { total: 1, active: 1, idle: 0, idleInTransaction: 0, oldestIdleInTransactionSeconds: null },
  extensions: [],
};

describe('index comparison', () => {
  it('compares keys through default operator classes and the column collation, and predicates normalized', async () => {
    const db = await load(`CREATE TABLE t (a text COLLATE "C", b int);
CREATE INDEX t1 ON t (a);
CREATE INDEX t2 ON t (a COLLATE "C" text_ops);
CREATE INDEX t3 ON t (a COLLATE "POSIX");
CREATE INDEX t4 ON t (b) WHERE a IS NOT NULL;
CREATE INDEX t5 ON t (b) WHERE ((a IS NOT NULL));`);
    const groups = duplicateGroups(indexShapes(table(db, 't'))).map((g) => g.map((s) => s.name));
    expect(groups).toEqual([['t1', 't2'], ['t4', 't5']]);
  });

  it('reports each extra member of a duplicate group once, keeping the strongest', async () => {
    const db = await load(`CREATE TABLE t (id bigint NOT NULL, code text NOT NULL);
CREATE INDEX t_code_a ON t (code);
CREATE INDEX t_code_b ON t (code);
CREATE UNIQUE INDEX t_code_u ON t (code);`);
    const findings = run(db, duplicateIndex);
    expect(objects(findings)).toEqual(['public.t_code_a', 'public.t_code_b']);
    expect(findings.every((f) => f.message.includes('duplicates t_code_u'))).toBe(true);
    expect(findings[0].fix?.sql).toMatch(/^DROP INDEX CONCURRENTLY IF EXISTS public\.t_code_[ab];$/);
  });

  it('keeps an exclusion constraint over a plain index with the same definition, and never drops one', async () => {
    const db = await load(`CREATE TABLE bookings (room int NOT NULL, during tstzrange NOT NULL, EXCLUDE USING gist (during WITH &&));
CREATE INDEX bookings_during ON bookings USING gist (during);
CREATE TABLE slots (during tstzrange NOT NULL, EXCLUDE USING gist (during WITH &&), EXCLUDE USING gist (during WITH -|-));`);
    expect(objects(run(db, duplicateIndex))).toEqual(['public.bookings_during']);
  });

  it('treats INCLUDE as a set for duplicates, and as a subset for redundancy (one way only)', async () => {
    const db = await load(`CREATE TABLE t (a int, b int, c int);
CREATE INDEX t_inc_bc ON t (a) INCLUDE (b, c);
CREATE INDEX t_inc_cb ON t (a) INCLUDE (c, b);
CREATE INDEX t_plain ON t (a);
CREATE INDEX t_ab ON t (a, b);`);
    const shapes = indexShapes(table(db, 't'));
    expect(duplicateGroups(shapes).map((g) => g.map((s) => s.name))).toEqual([['t_inc_bc', 't_inc_cb']]);
    expect(covers(byName(shapes, 't_inc_bc'), byName(shapes, 't_plain'))).toBe(true);
    expect(covers(byName(shapes, 't_plain'), byName(shapes, 't_inc_bc'))).toBe(false);
    // (a, b) has b but not c: the covering index is not redundant to it.
    expect(covers(byName(shapes, 't_ab'), byName(shapes, 't_inc_bc'))).toBe(false);
  });

  it('accepts a prefix read backwards only when every direction is reversed', async () => {
    const db = await load(`CREATE TABLE t (a int, b int, c int);
CREATE INDEX t_abc ON t (a, b, c);
CREATE INDEX t_ab_desc ON t (a DESC, b DESC);
CREATE INDEX t_a_b_desc ON t (a, b DESC);
CREATE INDEX t_a_nulls_first ON t (a NULLS FIRST);
CREATE INDEX t_a_desc_nulls_last ON t (a DESC NULLS LAST);`);
    const shapes = indexShapes(table(db, 't'));
    const abc = byName(shapes, 't_abc');
    expect(covers(abc, byName(shapes, 't_ab_desc'))).toBe(true);
    expect(covers(abc, byName(shapes, 't_a_b_desc'))).toBe(false);
    expect(covers(abc, byName(shapes, 't_a_nulls_first'))).toBe(false);
    expect(covers(abc, byName(shapes, 't_a_desc_nulls_last'))).toBe(false);
  });

  it('drops only one of two indexes that serve each other, and judges duplicates once', async () => {
    const db = await load(`CREATE TABLE t (a int, b int);
CREATE INDEX t_a_up ON t (a);
CREATE INDEX t_a_down ON t (a DESC);
CREATE TABLE u (a int, b int);
CREATE INDEX u_a1 ON u (a);
CREATE INDEX u_a2 ON u (a);
CREATE INDEX u_ab ON u (a, b);`);
    expect(redundantIndexes(indexShapes(table(db, 't'))).map((r) => r.index.name)).toEqual(['t_a_up']);
    // u_a2 is duplicate-index's; redundant-index reports the kept one, u_a1.
    expect(objects(run(db, redundantIndex))).toEqual(['public.t_a_up', 'public.u_a1']);
    expect(objects(run(db, duplicateIndex))).toEqual(['public.u_a2']);
  });

  it('never calls a unique or constraint-backed index redundant, nor across predicates or methods', async () => {
    const db = await load(`CREATE TABLE t (id bigint PRIMARY KEY, a int, b int, gone boolean, UNIQUE (a));
CREATE INDEX t_id_a ON t (id, a);
CREATE INDEX t_ab ON t (a, b);
CREATE INDEX t_b_live ON t (b) WHERE NOT gone;
CREATE INDEX t_b_hash ON t USING hash (b);
CREATE INDEX t_ba ON t (b, a);`);
    expect(run(db, redundantIndex)).toEqual([]);
  });

  it('drops a duplicate UNIQUE constraint with ALTER TABLE, and drops on a partitioned table without CONCURRENTLY', async () => {
    const db = await load(`CREATE TABLE t (id bigint PRIMARY KEY);
ALTER TABLE t ADD CONSTRAINT t_id_key UNIQUE (id);
CREATE TABLE p (id bigint NOT NULL, at date NOT NULL) PARTITION BY RANGE (at);
CREATE INDEX p_id ON p (id);
CREATE INDEX p_id_at ON p (id, at);`);
    const [dup] = run(db, duplicateIndex);
    expect(dup.fix?.sql).toContain('ALTER TABLE public.t DROP CONSTRAINT t_id_key;');
    const [redundant] = run(db, redundantIndex);
    expect(redundant.object).toBe('public.p_id');
    expect(redundant.fix?.sql).toContain('DROP INDEX IF EXISTS public.p_id;');
    expect(redundant.fix?.sql).not.toContain('DROP INDEX CONCURRENTLY');
  });
});

describe('too-many-indexes', () => {
  const sql = `CREATE TABLE orders (id bigint PRIMARY KEY, a int, b int, c int);
CREATE INDEX orders_a ON orders (a);
CREATE INDEX orders_b ON orders (b);
CREATE INDEX orders_c ON orders (c);
CREATE TABLE click_events (id bigint PRIMARY KEY, a int, b int);
CREATE INDEX click_events_a ON click_events (a);
CREATE INDEX click_events_b ON click_events (b);`;

  it('counts constraint-backed indexes and applies the lower limit to write-heavy names', async () => {
    const db = await load(sql);
    expect(run(db, tooManyIndexes)).toEqual([]);
    const findings = run(db, tooManyIndexes, { max: 3, writeHeavyMax: 2 });
    expect(objects(findings)).toEqual(['public.click_events', 'public.orders']);
    expect(findings.find((f) => f.object === 'public.orders')?.message).toBe('Table public.orders has 4 indexes, more than 3');
    expect(findings.find((f) => f.object === 'public.click_events')?.message).toContain('more than 2 for a write-heavy table');
  });

  it('takes write-heavy globs from the config, on the name or schema.name', async () => {
    const db = await load(sql);
    expect(objects(run(db, tooManyIndexes, { max: 10, writeHeavyMax: 3, writeHeavyTables: ['public.ord*'] }))).toEqual(['public.orders']);
  });
});

describe('low-cardinality-index', () => {
  it('resolves domains over enums and counts enum values against maxEnumValues', async () => {
    const db = await load(`CREATE TYPE status AS ENUM ('new', 'open', 'closed');
CREATE DOMAIN ticket_status AS status;
CREATE TABLE tickets (id bigint PRIMARY KEY, status ticket_status NOT NULL, queue int NOT NULL);
CREATE INDEX tickets_status_queue ON tickets (status, queue);`);
    const [finding] = run(db, lowCardinalityIndex);
    expect(finding.message).toBe('Index tickets_status_queue is led by status (enum status, 3 values), a column with few distinct values');
    expect(finding.help).toContain('(queue) WHERE status = <rare value>');
    expect(run(db, lowCardinalityIndex, { maxEnumValues: 2 })).toEqual([]);
  });

  it('skips an index whose predicate restricts the column, even quoted', async () => {
    const db = await load(`CREATE TABLE jobs (id bigint PRIMARY KEY, "Done" boolean NOT NULL, done_at timestamptz);
CREATE INDEX jobs_done ON jobs ("Done", id) WHERE NOT "Done";
CREATE INDEX jobs_done_other ON jobs ("Done", id) WHERE done_at IS NULL;`);
    expect(objects(run(db, lowCardinalityIndex))).toEqual(['public.jobs_done_other']);
  });
});

describe('index-too-wide', () => {
  it('takes maxColumns and longValueColumns from the config', async () => {
    const db = await load(`CREATE TABLE t (a int, b int, c int, summary_line text);
CREATE INDEX t_abc ON t (a, b, c);
CREATE INDEX t_summary ON t (summary_line);`);
    expect(run(db, indexTooWide)).toEqual([]);
    expect(objects(run(db, indexTooWide, { maxColumns: 2, longValueColumns: ['summary_*'] }))).toEqual(['public.t_abc', 'public.t_summary']);
  });

  it('accepts a length cap declared on a domain', async () => {
    const db = await load(`CREATE DOMAIN short_url AS text CHECK (char_length(VALUE) <= 500);
CREATE TABLE links (id bigint PRIMARY KEY, target_url short_url NOT NULL UNIQUE, other_url text NOT NULL UNIQUE);`);
    const findings = run(db, indexTooWide);
    expect(findings.map((f) => f.message)).toEqual(['Index links_other_url_key is too wide: other_url (text) can hold long values']);
  });

  it('flags bytea by name, unless a CHECK fixes its length', async () => {
    const db = await load(`CREATE TABLE files (id bigint PRIMARY KEY, sha256 bytea NOT NULL UNIQUE, image bytea NOT NULL UNIQUE,
  thumbnail_blob bytea NOT NULL UNIQUE CHECK (octet_length(thumbnail_blob) = 64), tags text[] NOT NULL UNIQUE);`);
    expect(objects(run(db, indexTooWide))).toEqual(['public.files_image_key', 'public.files_tags_key']);
  });
});

describe('column-order-padding', () => {
  it('computes padding from typlen and typalign', async () => {
    const db = await load(`CREATE TYPE mood AS ENUM ('a');`);
    const layout = (types: string[]) => expectedRowBytes(types.map((t) => typeLayout(db, t)));
    expect(layout(['boolean', 'bigint'])).toEqual({ bytes: 16, padding: 7 });
    expect(layout(['bigint', 'boolean'])).toEqual({ bytes: 16, padding: 7 });
    expect(layout(['boolean', 'smallint', 'integer', 'bigint'])).toEqual({ bytes: 16, padding: 1 });
    expect(layout(['uuid', 'boolean', 'uuid'])).toEqual({ bytes: 40, padding: 7 });
    expect(layout(['mood', 'bigint'])).toEqual({ bytes: 16, padding: 4 });
    expect(layout(['time with time zone', 'bigint'])).toEqual({ bytes: 24, padding: 4 });
    // After a variable-length value the offset is unknown: an 8-aligned value pads 3.5 bytes on average.
    expect(layout(['text', 'bigint'])).toEqual({ bytes: 11.5, padding: 3.5 });
  });

  it('resolves spellings, domains and arrays', async () => {
    const db = await load(`CREATE DOMAIN money_cents AS bigint;
CREATE SCHEMA app;
CREATE DOMAIN app.flag AS boolean;`);
    expect(typeLayout(db, 'timestamp(3) with time zone')).toEqual({ length: 8, align: 8 });
    expect(typeLayout(db, 'money_cents')).toEqual({ length: 8, align: 8 });
    expect(typeLayout(db, 'app.flag')).toEqual({ length: 1, align: 1 });
    expect(typeLayout(db, 'bigint[]')).toEqual({ length: null, align: 8 });
    expect(typeLayout(db, 'character varying(40)')).toEqual({ length: null, align: 4 });
    expect(resolveType(db, 'app.flag').domain?.name).toBe('flag');
  });

  it('orders fixed-width columns by alignment, variable-length last', async () => {
    const db = await load('');
    const cols = ['boolean', 'text', 'integer', 'bigint', 'smallint', 'time with time zone', 'timestamptz'].map((type) => ({ type, layout: typeLayout(db, type === 'timestamptz' ? 'timestamp with time zone' : type) }));
    expect(compactOrder(cols).map((c) => c.type)).toEqual(['bigint', 'timestamptz', 'time with time zone', 'integer', 'smallint', 'boolean', 'text']);
  });

  it('reports the better order and the saving, above minBytes', async () => {
    const db = await load(`CREATE TABLE t (a boolean, b bigint, c boolean, d bigint);`);
    const [finding] = run(db, columnOrderPadding);
    expect(finding.message).toBe('Table public.t: column order wastes about 8 bytes of alignment padding per row');
    expect(finding.help).toContain('Ordered as (b, d, a, c)');
    expect(run(db, columnOrderPadding, { minBytes: 9 })).toEqual([]);
  });
});

describe('wide-table', () => {
  it('takes maxColumns from the config', async () => {
    const db = await load('CREATE TABLE t (a int, b int, c int);');
    expect(run(db, wideTable)).toEqual([]);
    expect(run(db, wideTable, { maxColumns: 2 }).map((f) => f.message)).toEqual(['Table public.t has 3 columns, more than 2']);
  });
});

describe('unlogged-table', () => {
  it('allows the tables allowTables names, and only those', async () => {
    const db = await load(`CREATE UNLOGGED TABLE page_cache (k text PRIMARY KEY);
CREATE UNLOGGED TABLE imports (k text);`);
    expect(objects(run(db, unloggedTable))).toEqual(['public.imports']);
    expect(objects(run(db, unloggedTable, { allowTables: ['imports'] }))).toEqual(['public.page_cache']);
  });
});

describe('large-table-unpartitioned', () => {
  const sql = `CREATE TABLE events (id bigint PRIMARY KEY, tenant_id bigint NOT NULL, birth_date date, created_at timestamptz NOT NULL);
CREATE TABLE people (id bigint PRIMARY KEY, birth_date date NOT NULL, name text);
CREATE TABLE accounts_data (id bigint PRIMARY KEY, account_id bigint NOT NULL, payload jsonb);
CREATE TABLE measurements (taken_at timestamptz NOT NULL) PARTITION BY RANGE (taken_at);
CREATE TABLE measurements_2026 PARTITION OF measurements FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');`;

  async function big(rows: number, bytes: number) {
    const db = await load(sql);
    for (const t of db.schemas.flatMap((s) => s.tables)) t.stats = { rows, bytes };
    return db;
  }

  it('does not run without a live database', async () => {
    const db = await big(5e7, 2e10);
    const result = review({ database: db, rules: [largeTableUnpartitioned] });
    expect(result.findings).toEqual([]);
    expect(result.skippedLive).toEqual(['large-table-unpartitioned']);
  });

  it('suggests RANGE by the arrival time and LIST/HASH by the tenant, not a birth date', async () => {
    const findings = run(await big(5e7, 2e10), largeTableUnpartitioned, undefined, LIVE);
    expect(objects(findings)).toEqual(['public.accounts_data', 'public.events']);
    const events = findings.find((f) => f.object === 'public.events')!;
    expect(events.message).toBe('Table public.events (50 million rows, 18.6 GiB) is not partitioned');
    expect(events.help).toContain('PARTITION BY RANGE (created_at)');
    expect(events.help).toContain('PARTITION BY LIST (tenant_id)');
    expect(findings.find((f) => f.object === 'public.accounts_data')!.help).toContain('HASH (account_id)');
  });

  it('reports on either threshold, taken from the config', async () => {
    expect(run(await big(1e6, 1e9), largeTableUnpartitioned, undefined, LIVE)).toEqual([]);
    expect(objects(run(await big(1e6, 1e9), largeTableUnpartitioned, { minRows: 1e6 }, LIVE))).toEqual(['public.accounts_data', 'public.events']);
    expect(objects(run(await big(10, 1e9), largeTableUnpartitioned, { minBytes: 1e9 }, LIVE))).toEqual(['public.accounts_data', 'public.events']);
  });

  it('skips tables without statistics and tables partitioned by inheritance', async () => {
    const db = await load(`CREATE TABLE logs (id bigint, created_at timestamptz NOT NULL);
CREATE TABLE logs_2026 () INHERITS (logs);
CREATE TABLE audit (id bigint, created_at timestamptz NOT NULL);`);
    table(db, 'logs').stats = { rows: 1e9, bytes: 1e12 };
    expect(run(db, largeTableUnpartitioned, undefined, LIVE)).toEqual([]);
  });
});

describe('duplicate-index keeps what foreign keys and ON CONFLICT need', () => {
  it('keeps an immediate unique index over a DEFERRABLE unique constraint', async () => {
    const db = await load(`CREATE TABLE t (code text NOT NULL, CONSTRAINT t_code_key UNIQUE (code) DEFERRABLE);
CREATE UNIQUE INDEX t_code_idx ON t (code);`);
    const [finding] = run(db, duplicateIndex);
    expect(finding.object).toBe('public.t_code_key');
    expect(finding.fix?.sql).toContain('DROP CONSTRAINT t_code_key;');
  });
});
