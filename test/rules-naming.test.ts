import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readConfig } from '../src/lint/config.js';
import { RULES } from '../src/lint/rules/index.js';
/**
 * The naming rules beyond their documented examples: options from the config, the tolerances
 * of the patterns, the names fixes must not choose, and what the loader does to long names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedEngine } from '../src/engine/embedded.js';
import type { Engine } from '../src/engine/engine.js';
import { introspect } from '../src/engine/introspect.js';
import { loadStatic } from '../src/load/load-schema.js';
import { review } from '../src/lint/review.js';
import columnNameStyle from '../src/lint/rules/column-name-style.js';
import foreignKeyColumnName from '../src/lint/rules/foreign-key-column-name.js';
import foreignKeyNameConvention from '../src/lint/rules/foreign-key-name-convention.js';
import identifierTooLong from '../src/lint/rules/identifier-too-long.js';
import indexNameConvention from '../src/lint/rules/index-name-convention.js';
import reservedWordIdentifier from '../src/lint/rules/reserved-word-identifier.js';
import tableNameStyle from '../src/lint/rules/table-name-style.js';
import type { OptionValue, Rule } from '../src/lint/types.js';
import { execStatements, resetEngine } from './helpers/scratch-engine.js';

const NAMING = [tableNameStyle, columnNameStyle, indexNameConvention, foreignKeyNameConvention, reservedWordIdentifier, identifierTooLong, foreignKeyColumnName] as Rule<any>[];

async function run(rule: Rule<any>, sql: string, options?: Record<string, OptionValue>) {
  const { database } = await loadStatic([{ file: 'x.sql', sql }]);
  const config = { rules: options ? { [rule.id]: { options } } : {}, ignoreTables: [] };
  return review({ database, rules: [rule], config }).findings;
}
const objects = (findings: { object: string }[]) => findings.map((f) => f.object).sort();

describe('table-name-style', () => {
  it('checks singular names when configured, and offers no rename to a reserved word', async () => {
    const findings = await run(tableNameStyle, 'CREATE TABLE orders (id int); CREATE TABLE customers (id int); CREATE TABLE invoice (id int);', { tables: 'singular' });
    expect(objects(findings)).toEqual(['public.customers', 'public.orders']);
    const byObject = Object.fromEntries(findings.map((f) => [f.object, f]));
    expect(byObject['public.customers'].fix?.sql).toContain('ALTER TABLE public.customers RENAME TO customer;');
    // `order` would need quotes forever: the help asks for a rename, no fix picks that name.
    expect(byObject['public.orders'].fix).toBeUndefined();
  });

  it('follows the number most tables use with tables: consistent', async () => {
    const sql = 'CREATE TABLE film (id int); CREATE TABLE actor (id int); CREATE TABLE language (id int); CREATE TABLE rentals (id int);';
    expect(objects(await run(tableNameStyle, sql, { tables: 'consistent' }))).toEqual(['public.rentals']);
    expect(objects(await run(tableNameStyle, sql))).toEqual(['public.actor', 'public.film', 'public.language']);
  });

  it('leaves letter case alone with case: any, and rejects an unknown option value', async () => {
    expect(await run(tableNameStyle, 'CREATE TABLE "OrderItems" (id int);', { case: 'any' })).toEqual([]);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'schemawise-naming-'));
    const file = path.join(dir, 'schemawise.config.json');
    writeFileSync(file, JSON.stringify({ rules: { 'table-name-style': { options: { tables: 'plurals' } } } }));
    await expect(readConfig(file, RULES)).rejects.toThrow(/rules\.table-name-style\.options\.tables: expected one of plural, singular, consistent, any, got "plurals" \(did you mean "plural"\?\)/);
  });

  it('offers no rename onto a name the schema already uses', async () => {
    const [finding] = await run(tableNameStyle, 'CREATE TABLE order_item (id int); CREATE VIEW order_items AS SELECT 1 AS id;');
    expect(finding.object).toBe('public.order_item');
    expect(finding.fix).toBeUndefined();
  });

  it('judges the last word of a CamelCase name, ignoring version suffixes and non-words', async () => {
    const [finding] = await run(tableNameStyle, 'CREATE TABLE "OrderItem" (id int); CREATE TABLE events_v2 (id int); CREATE TABLE t1 (id int);');
    expect(finding.message).toBe('Table public.OrderItem is not snake_case and is singular');
    expect(finding.fix?.sql).toMatch(/RENAME TO order_items;$/);
  });
});

describe('column-name-style', () => {
  it('reports an inherited column once, on the parent, and renames nothing onto an existing column', async () => {
    const findings = await run(columnNameStyle, 'CREATE TABLE base ("createdAt" timestamptz, created_at timestamptz); CREATE TABLE child (x int) INHERITS (base);');
    expect(objects(findings)).toEqual(['public.base.createdAt']);
    expect(findings[0].fix).toBeUndefined();
  });

  it('explains a name with odd characters by the characters, not by letter case', async () => {
    const [finding] = await run(columnNameStyle, 'CREATE TABLE t ("unit price" numeric);');
    expect(finding.help).toMatch(/^It contains a space, so it needs double quotes/);
    expect(finding.fix?.sql).toContain('RENAME COLUMN "unit price" TO unit_price;');
  });
});

describe('index-name-convention', () => {
  const table = 'CREATE TABLE orders (id int, customer_id int, placed_at timestamptz, note text);';

  it("accepts PostgreSQL's own style when configured, unique indexes under uniquePattern", async () => {
    const sql = `${table}
CREATE INDEX orders_customer_id_idx ON orders (customer_id);
CREATE UNIQUE INDEX uq_orders_id ON orders (id);
CREATE INDEX idx_orders_placed_at ON orders (placed_at);
CREATE UNIQUE INDEX orders_note_key ON orders (note);`;
    const findings = await run(indexNameConvention, sql, { pattern: '{table}_{columns}_idx', uniquePattern: 'uq_{table}_{columns}' });
    expect(objects(findings)).toEqual(['public.idx_orders_placed_at', 'public.orders_note_key']);
    expect(findings.find((f) => f.object === 'public.orders_note_key')?.fix?.sql).toBe('ALTER INDEX public.orders_note_key RENAME TO uq_orders_note;');
  });

  it('does not accept a name for another column list, and numbers a fix whose name is taken', async () => {
    const sql = `${table}
CREATE INDEX idx_orders_customer_id ON orders (customer_id);
CREATE INDEX by_customer ON orders (customer_id);
CREATE INDEX idx_orders_customer ON orders (customer_id, placed_at);`;
    const findings = await run(indexNameConvention, sql);
    expect(objects(findings)).toEqual(['public.by_customer', 'public.idx_orders_customer']);
    const fixes = findings.map((f) => f.fix?.sql);
    expect(fixes).toContain('ALTER INDEX public.by_customer RENAME TO idx_orders_customer_id_2;');
    expect(fixes).toContain('ALTER INDEX public.idx_orders_customer RENAME TO idx_orders_customer_id_placed_at;');
  });

  it('accepts any columns part when the full name would pass 63 bytes, and offers no truncated name', async () => {
    const cols = ['customer_reference_number', 'fulfilment_warehouse_code', 'placed_at_local'];
    const sql = `CREATE TABLE orders (${cols.map((c) => `${c} text`).join(', ')});
CREATE INDEX idx_orders_customer_ref_wh ON orders (${cols.join(', ')});
CREATE INDEX orders_long ON orders (${cols.join(', ')});`;
    const findings = await run(indexNameConvention, sql);
    expect(objects(findings)).toEqual(['public.orders_long']);
    expect(findings[0].fix).toBeUndefined();
    expect(findings[0].help).toContain('idx_orders_{columns} with any {columns} part');
  });
});

describe('foreign-key-name-convention', () => {
  it('fills {columns} and qualifies keys to the same table by their columns', async () => {
    const sql = `CREATE TABLE users (id int PRIMARY KEY);
CREATE TABLE tickets (
  id int PRIMARY KEY,
  author_id int REFERENCES users (id),
  assignee_id int CONSTRAINT fk_tickets_users_assignee_id REFERENCES users (id)
);`;
    const withColumns = await run(foreignKeyNameConvention, sql, { pattern: 'fk_{table}_{columns}' });
    expect(objects(withColumns)).toEqual(['public.tickets.fk_tickets_users_assignee_id', 'public.tickets.tickets_author_id_fkey']);
    const [finding] = await run(foreignKeyNameConvention, sql);
    expect(finding.object).toBe('public.tickets.tickets_author_id_fkey');
    expect(finding.fix?.sql).toMatch(/RENAME CONSTRAINT tickets_author_id_fkey TO fk_tickets_users_author_id;$/);
  });

  it('accepts any name when the conventional one cannot fit in 63 bytes', async () => {
    const long = 'customer_notification_preference_overrides';
    const sql = `CREATE TABLE ${long} (id int PRIMARY KEY); CREATE TABLE notification_channel_subscriptions (id int, o int REFERENCES ${long} (id));`;
    expect(await run(foreignKeyNameConvention, sql)).toEqual([]);
  });
});

describe('reserved-word-identifier', () => {
  it('reports a type named after a column-name keyword, not a column so named', async () => {
    const findings = await run(reservedWordIdentifier, 'CREATE TYPE "position" AS ENUM (\'a\'); CREATE TABLE t (position "position", values int, "left" int);');
    expect(objects(findings)).toEqual(['public.position', 'public.t.left']);
    expect(findings.find((f) => f.object === 'public.t.left')?.message).toBe('Column public.t.left is the reserved word LEFT: it must be double-quoted wherever it is used');
  });

  it('accepts what the scanner accepts unquoted: non-ASCII letters and a $ after the first character', async () => {
    expect(await run(reservedWordIdentifier, 'CREATE TABLE café (prix$ht numeric, "données" text);')).toEqual([]);
    expect(objects(await run(reservedWordIdentifier, 'CREATE TABLE t ("$x" int, "1st" int);'))).toEqual(['public.t.$x', 'public.t.1st']);
  });
});

describe('identifier-too-long', () => {
  it('sees a 70-byte source name as PostgreSQL keeps it: 63 bytes, no longer than that', async () => {
    const sql = `CREATE TABLE ${'a'.repeat(70)} (id int PRIMARY KEY);`;
    const { database } = await loadStatic([{ file: 'x.sql', sql }]);
    expect(database.schemas[0].tables[0].name).toBe('a'.repeat(63));
    // The primary key's name is PostgreSQL's own (shortened) choice: not reported.
    expect(objects(await run(identifierTooLong, sql))).toEqual([`public.${'a'.repeat(63)}`]);
  });

  it('reports partitions, functions and triggers named at the limit', async () => {
    const long = 'x'.repeat(63);
    const sql = `CREATE TABLE events (at date NOT NULL) PARTITION BY RANGE (at);
CREATE TABLE ${long} PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE FUNCTION ${long}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER ${long} BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION ${long}();`;
    expect(objects(await run(identifierTooLong, sql))).toEqual([`public.events.${long}`, `public.${long}`, `public.${long}`]);
  });
});

describe('foreign-key-column-name', () => {
  it('accepts the spellings that name the table, and suggests {entity}_id for the rest', async () => {
    const sql = `CREATE TABLE movies (id int PRIMARY KEY);
CREATE TABLE stores (id int PRIMARY KEY);
CREATE TABLE sites (id int PRIMARY KEY);
CREATE TABLE reviews (
  id int PRIMARY KEY,
  movie_id int REFERENCES movies (id),
  storeid int REFERENCES stores (id),
  site_id_1 int REFERENCES sites (id),
  site_id_2 int REFERENCES sites (id),
  shop int REFERENCES stores (id)
);`;
    const findings = await run(foreignKeyColumnName, sql);
    expect(objects(findings)).toEqual(['public.reviews.shop']);
    expect(findings[0].help).toMatch(/^Name it store_id, or shop_store_id to keep the role/);
  });
});

describe('the naming examples on PostgreSQL 18', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await createEmbeddedEngine();
  }, 60_000);
  afterAll(() => engine?.close());

  // The shared harness runs only the invalid examples on the engine: the valid ones must be real SQL too.
  const cases = NAMING.flatMap((rule) => rule.meta.valid.map((sql, i) => [`${rule.id} valid #${i + 1}`, rule, sql] as const));
  it.each(cases)('%s executes and its introspected model gives no finding', async (_, rule, sql) => {
    await resetEngine(engine);
    await execStatements(engine, sql);
    expect(review({ database: (await introspect(engine)).database, rules: [rule] }).findings).toEqual([]);
  }, 30_000);
});
