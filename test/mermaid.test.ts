import { describe, expect, it } from 'vitest';
import { emptyDatabase, emptySchema, emptyTable } from '../src/model/empty.js';
import type { Column, Database, ForeignKey, Index, Schema, Table } from '../src/model/types.js';
import { mermaidDiagrams, toMermaid, toMermaidMarkdown } from '../src/report/mermaid.js';
import { expectMermaidParses, parseErDiagram } from './helpers/mermaid-parse.js';

function col(name: string, type: string, notNull = false): Column {
  return { name, type, notNull, default: null };
}

function table(name: string, columns: Column[], extra: Partial<Table> = {}): Table {
  return { ...emptyTable(name), columns, ...extra };
}

function pk(...columns: string[]): Table['primaryKey'] {
  return { name: 'pk', columns };
}

function fk(name: string, columns: string[], refTable: string, refColumns: string[], refSchema = 'public'): ForeignKey {
  return { name, columns, refTable: { schema: refSchema, name: refTable }, refColumns, onDelete: 'no action', onUpdate: 'no action' };
}

function uniqueIndex(name: string, columns: string[], where: string | null = null): Index {
  return {
    name,
    unique: true,
    method: 'btree',
    columns,
    keys: columns.map((column) => ({ column, expression: null })),
    where,
    include: [],
  };
}

function schema(name: string, tables: Table[], extra: Partial<Schema> = {}): Schema {
  return { ...emptySchema(name), tables, ...extra };
}

function database(...schemas: Schema[]): Database {
  return { ...emptyDatabase(), schemas };
}

function lines(text: string): string[] {
  return text.split('\n');
}

const customers = table('customers', [col('id', 'bigint', true), col('email', 'text', true), col('note', 'text')], {
  primaryKey: pk('id'),
  uniques: [{ name: 'customers_email_key', columns: ['email'], nullsNotDistinct: false }],
});
const orders = table('orders', [col('id', 'bigint', true), col('customer_id', 'bigint', true), col('placed_at', 'timestamp with time zone', true)], {
  primaryKey: pk('id'),
  foreignKeys: [fk('orders_customer_id_fkey', ['customer_id'], 'customers', ['id'])],
});

describe('toMermaid', () => {
  it('writes entities with typed, keyed attributes and one relationship per foreign key', async () => {
    const text = toMermaid(database(schema('public', [customers, orders])));
    expect(text).toBe(
      [
        'erDiagram',
        '  customers {',
        '    bigint id PK',
        '    text email UK "not null"',
        '    text note',
        '  }',
        '  orders {',
        '    bigint id PK',
        '    bigint customer_id FK "not null"',
        '    timestamptz placed_at "not null"',
        '  }',
        '  orders }o--|| customers : "orders_customer_id_fkey"',
        '',
      ].join('\n'),
    );
    const parsed = await expectMermaidParses(text);
    expect(parsed.entities.map((entity) => entity.name)).toEqual(['customers', 'orders']);
    expect(parsed.entities[1].attributes[1]).toEqual({ type: 'bigint', name: 'customer_id', keys: ['FK'], comment: 'not null' });
    expect(parsed.relationships).toEqual([
      { from: 'orders', to: 'customers', role: 'orders_customer_id_fkey', fromSide: 'ZERO_OR_MORE', toSide: 'ONLY_ONE' },
    ]);
  });

  it('draws one-to-one when the foreign-key columns hold the primary key, a unique constraint or a full unique index', async () => {
    const users = table('users', [col('id', 'bigint', true)], { primaryKey: pk('id') });
    const profiles = table('profiles', [col('user_id', 'bigint', true)], {
      primaryKey: pk('user_id'),
      foreignKeys: [fk('profiles_user_fk', ['user_id'], 'users', ['id'])],
    });
    const avatars = table('avatars', [col('id', 'bigint', true), col('user_id', 'bigint', true)], {
      primaryKey: pk('id'),
      uniques: [{ name: 'avatars_user_key', columns: ['user_id'], nullsNotDistinct: false }],
      foreignKeys: [fk('avatars_user_fk', ['user_id'], 'users', ['id'])],
    });
    const settings = table('settings', [col('id', 'bigint', true), col('user_id', 'bigint')], {
      primaryKey: pk('id'),
      indexes: [uniqueIndex('settings_user_idx', ['user_id'])],
      foreignKeys: [fk('settings_user_fk', ['user_id'], 'users', ['id'])],
    });
    const sessions = table('sessions', [col('id', 'bigint', true), col('user_id', 'bigint', true)], {
      primaryKey: pk('id'),
      indexes: [uniqueIndex('sessions_live_idx', ['user_id'], 'ended_at IS NULL')],
      foreignKeys: [fk('sessions_user_fk', ['user_id'], 'users', ['id'])],
    });
    const text = toMermaid(database(schema('public', [avatars, profiles, sessions, settings, users])));
    expect(lines(text)).toEqual(
      expect.arrayContaining([
        '  profiles |o--|| users : "profiles_user_fk"',
        '  avatars |o--|| users : "avatars_user_fk"',
        '    bigint user_id FK, UK "not null"',
        '  settings |o--o| users : "settings_user_fk"',
        // A partial unique index does not make the key unique across the table.
        '  sessions }o--|| users : "sessions_user_fk"',
      ]),
    );
    const parsed = await expectMermaidParses(text);
    const profile = parsed.relationships.find((r) => r.role === 'profiles_user_fk');
    expect(profile).toMatchObject({ fromSide: 'ZERO_OR_ONE', toSide: 'ONLY_ONE' });
  });

  it('makes the parent side optional when a foreign-key column is nullable', async () => {
    const users = table('users', [col('id', 'bigint', true)], { primaryKey: pk('id') });
    const posts = table('posts', [col('id', 'bigint', true), col('editor_id', 'bigint')], {
      primaryKey: pk('id'),
      foreignKeys: [fk('posts_editor_fk', ['editor_id'], 'users', ['id'])],
    });
    const text = toMermaid(database(schema('public', [posts, users])));
    expect(lines(text)).toContain('  posts }o--o| users : "posts_editor_fk"');
    expect(lines(text)).toContain('    bigint editor_id FK');
    const parsed = await expectMermaidParses(text);
    expect(parsed.relationships[0]).toMatchObject({ fromSide: 'ZERO_OR_MORE', toSide: 'ZERO_OR_ONE' });
  });

  it('handles composite foreign keys, marking each column and reading nullability across all of them', async () => {
    const orderLines = table('order_lines', [col('order_id', 'bigint', true), col('line_no', 'integer', true)], {
      primaryKey: pk('order_id', 'line_no'),
    });
    const shipments = table('shipments', [col('id', 'bigint', true), col('order_id', 'bigint', true), col('line_no', 'integer', true)], {
      primaryKey: pk('id'),
      foreignKeys: [fk('shipments_line_fk', ['order_id', 'line_no'], 'order_lines', ['order_id', 'line_no'])],
    });
    const returns = table('returns', [col('order_id', 'bigint', true), col('line_no', 'integer')], {
      uniques: [{ name: 'returns_line_key', columns: ['order_id', 'line_no'], nullsNotDistinct: false }],
      foreignKeys: [fk('returns_line_fk', ['order_id', 'line_no'], 'order_lines', ['order_id', 'line_no'])],
    });
    const text = toMermaid(database(schema('public', [orderLines, returns, shipments])));
    expect(lines(text)).toEqual(
      expect.arrayContaining([
        '  order_lines {',
        '    bigint order_id PK',
        '    integer line_no PK',
        '  returns {',
        '    bigint order_id FK, UK "not null"',
        '    integer line_no FK, UK',
        '  returns |o--o| order_lines : "returns_line_fk"',
        '  shipments }o--|| order_lines : "shipments_line_fk"',
      ]),
    );
    await expectMermaidParses(text);
  });

  it('keeps self-references and leaves out foreign keys to tables outside the model', async () => {
    const employees = table('employees', [col('id', 'bigint', true), col('manager_id', 'bigint'), col('site_id', 'bigint', true)], {
      primaryKey: pk('id'),
      foreignKeys: [
        fk('employees_manager_fk', ['manager_id'], 'employees', ['id']),
        fk('employees_site_fk', ['site_id'], 'sites', ['id'], 'facilities'),
      ],
    });
    const view = { name: 'managers', materialized: false, definition: 'SELECT 1', reads: [] };
    const text = toMermaid(database(schema('public', [employees], { views: [view] })));
    const relationshipLines = lines(text).filter((line) => line.includes(' : "'));
    expect(relationshipLines).toEqual(['  employees }o--o| employees : "employees_manager_fk"']);
    expect(text).not.toContain('managers');
    const parsed = await expectMermaidParses(text);
    expect(parsed.relationships).toEqual([
      { from: 'employees', to: 'employees', role: 'employees_manager_fk', fromSide: 'ZERO_OR_MORE', toSide: 'ZERO_OR_ONE' },
    ]);
    expect(parsed.entities.map((entity) => entity.name)).toEqual(['employees']);
  });

  it('quotes names Mermaid cannot take bare: spaces, unicode, hyphens, digits and keywords', async () => {
    const names = ['1st', 'class', 'end', 'many', 'naïve 表', 'order items', 'Style', 'to', 'to-do', 'tokens', 'classes'];
    const tables = names.map((name) => table(name, [col('id', 'integer', true)], { primaryKey: pk('id') }));
    const tricky = table(
      'weird',
      [col('id', 'integer', true), col('pk', 'integer'), col('my col', 'text'), col('a~b', 'text'), col('Fk-x', 'text'), col('é', 'text')],
      {
        primaryKey: pk('id'),
        foreignKeys: [
          fk('weird "quoted" 100% fk', ['pk'], 'order items', ['id']),
          fk('fk direction tb', ['id'], 'class', ['id']),
          fk('keyword_fk', ['id'], 'to', ['id']),
        ],
      },
    );
    const text = toMermaid(database(schema('public', [...tables, tricky])));
    expect(lines(text)).toEqual(
      expect.arrayContaining([
        '  "1st" {',
        '  "class" {',
        '  "end" {',
        '  "many" {',
        '  "naïve 表" {',
        '  "order items" {',
        '  "Style" {',
        '  "to" {',
        '  "to-do" {',
        '  tokens {',
        '  classes {',
        '    integer `pk` FK',
        '    text `my col`',
        '    text `a-b`',
        '    text `Fk-x`',
        '    text é',
        `  weird }o--o| "order items" : "weird 'quoted' 100_ fk"`,
        '  weird |o--|| "class" : "fk direction_tb"',
        '  weird |o--|| "to" : "keyword_fk"',
      ]),
    );
    const parsed = await expectMermaidParses(text);
    expect(parsed.entities.map((entity) => entity.name).sort()).toEqual([...names, 'weird'].sort());
    expect(parsed.entities.find((entity) => entity.name === 'weird')!.attributes.map((a) => a.name)).toEqual([
      'id',
      'pk',
      'my col',
      'a-b',
      'Fk-x',
      'é',
    ]);
    expect(parsed.relationships.map((r) => [r.from, r.to])).toEqual([
      ['weird', 'order items'],
      ['weird', 'class'],
      ['weird', 'to'],
    ]);
  });

  it('gives a name that had to change a suffix rather than take the spelling of a real table', async () => {
    const text = toMermaid(database(schema('public', [table('a%b', [col('id', 'integer')]), table('a_b', [col('id', 'integer')])])));
    expect(lines(text)).toEqual(expect.arrayContaining(['  a_b_2 {', '  a_b {']));
    expect(text.indexOf('a_b_2')).toBeLessThan(text.indexOf('  a_b {'));
    await expectMermaidParses(text);
  });

  it('writes each type as one attribute word', async () => {
    const types: [string, string][] = [
      ['character varying(255)', 'varchar(255)'],
      ['character varying', 'varchar'],
      ['character(2)', 'char(2)'],
      ['character varying(20)[]', 'varchar(20)[]'],
      ['timestamp with time zone', 'timestamptz'],
      ['timestamp(3) without time zone', 'timestamp(3)'],
      ['time with time zone', 'timetz'],
      ['time without time zone', 'time'],
      ['double precision', 'float8'],
      ['bit varying(8)', 'varbit(8)'],
      ['numeric(10,2)', 'numeric(10,2)'],
      ['text[]', 'text[]'],
      ['integer[][]', 'integer[][]'],
      ['sales.status', 'sales.status'],
      ['interval year to month', '`interval year to month`'],
      ['"char"', '`"char"`'],
      ['"My Schema"."My Type"', '`"My Schema"."My Type"`'],
      ['uk.status', '`uk.status`'],
    ];
    const columns = types.map(([type], i) => col(`c${i}`, type));
    const text = toMermaid(database(schema('public', [table('typed', columns)])));
    expect(lines(text).slice(2, -2)).toEqual(types.map(([, word], i) => `    ${word} c${i}`));
    const parsed = await expectMermaidParses(text);
    expect(parsed.entities[0].attributes.map((a) => a.type)).toEqual(types.map(([, word]) => word.replace(/`/g, '')));
  });

  it('names a table by schema__table when another schema has a table of that name', async () => {
    const db = database(
      schema('audit', [table('events', [col('id', 'bigint', true)], { primaryKey: pk('id') })]),
      schema('public', [orders, customers]),
      schema('sales', [
        table('events', [col('id', 'bigint', true)], { primaryKey: pk('id') }),
        table('orders', [col('id', 'bigint', true), col('event_id', 'bigint', true)], {
          primaryKey: pk('id'),
          foreignKeys: [
            fk('sales_orders_event_fk', ['event_id'], 'events', ['id'], 'audit'),
            fk('sales_orders_public_fk', ['id'], 'orders', ['id']),
          ],
        }),
        table('refunds', [col('id', 'bigint', true)]),
      ]),
    );
    const text = toMermaid(db);
    expect(lines(text)).toEqual(
      expect.arrayContaining([
        '  audit__events["audit.events"] {',
        '  sales__events["sales.events"] {',
        '  orders {',
        '  sales__orders["sales.orders"] {',
        '  refunds {',
        '  sales__orders }o--|| audit__events : "sales_orders_event_fk"',
        '  sales__orders |o--|| orders : "sales_orders_public_fk"',
      ]),
    );
    const parsed = await expectMermaidParses(text);
    expect(parsed.entities.find((entity) => entity.name === 'sales__orders')!.alias).toBe('sales.orders');
  });

  it('leaves out partitions, marking the parent and drawing their foreign keys from it', async () => {
    const partition = (name: string, foreignKeys: ForeignKey[]) =>
      table(name, [col('id', 'bigint', true), col('customer_id', 'bigint', true)], {
        partitionOf: { parent: { schema: 'public', name: 'events' }, bound: "FOR VALUES IN ('x')" },
        foreignKeys,
      });
    const inherited = fk('events_customer_fk', ['customer_id'], 'customers', ['id']);
    const events = table('events', [col('id', 'bigint', true), col('customer_id', 'bigint', true)], {
      partitioning: { strategy: 'list', keys: ['customer_id'] },
      foreignKeys: [inherited],
    });
    const alerts = table('alerts', [col('event_id', 'bigint', true)], {
      foreignKeys: [fk('alerts_event_fk', ['event_id'], 'events_2024', ['id'])],
    });
    const text = toMermaid(
      database(
        schema('public', [
          alerts,
          customers,
          events,
          partition('events_2024', [inherited]),
          partition('events_2025', [inherited, fk('events_2025_own_fk', ['id'], 'customers', ['id'])]),
        ]),
      ),
    );
    expect(text).not.toContain('events_2024');
    expect(lines(text)).toEqual(
      expect.arrayContaining([
        '  events["events (2 partitions)"] {',
        '  alerts }o--|| events : "alerts_event_fk"',
        '  events }o--|| customers : "events_customer_fk"',
        '  events }o--|| customers : "events_2025_own_fk"',
      ]),
    );
    expect(lines(text).filter((line) => line.includes('events_customer_fk'))).toHaveLength(1);
    await expectMermaidParses(text);
  });

  it('sets the direction when asked', async () => {
    const text = toMermaid(database(schema('public', [customers])), { direction: 'LR' });
    expect(lines(text).slice(0, 2)).toEqual(['erDiagram', '  direction LR']);
    await expectMermaidParses(text);
  });

  it('writes an empty diagram for a database without tables', async () => {
    expect(toMermaid(emptyDatabase())).toBe('erDiagram\n');
    expect(toMermaid(emptyDatabase(), { groupBySchema: true })).toBe('erDiagram\n');
    await expectMermaidParses(toMermaid(emptyDatabase()));
  });

  it('is deterministic', () => {
    const db = database(schema('public', [customers, orders]), schema('sales', [table('orders', [col('id', 'bigint')])]));
    expect(toMermaid(db)).toBe(toMermaid(structuredClone(db)));
  });
});

describe('groupBySchema', () => {
  const db = database(
    schema('empty', []),
    schema('public', [customers, orders]),
    schema('sales', [
      table('invoices', [col('id', 'bigint', true), col('order_id', 'bigint')], {
        primaryKey: pk('id'),
        foreignKeys: [fk('invoices_order_fk', ['order_id'], 'orders', ['id'])],
      }),
    ]),
  );

  it('writes one erDiagram per schema with a table, cross-schema targets as stubs', async () => {
    const text = toMermaid(db, { groupBySchema: true, direction: 'TB' });
    const blocks = text.split('\n\n');
    expect(blocks).toHaveLength(2);
    expect(blocks[1]).toBe(
      [
        'erDiagram',
        '  direction TB',
        '  %% schema sales',
        '  invoices {',
        '    bigint id PK',
        '    bigint order_id FK',
        '  }',
        '  orders["public.orders"] { }',
        '  invoices }o--o| orders : "invoices_order_fk"',
        '',
      ].join('\n'),
    );
    expect(mermaidDiagrams(db, { groupBySchema: true }).map((diagram) => diagram.schema)).toEqual(['public', 'sales']);
    for (const block of blocks) await expectMermaidParses(block);
  });

  it('wraps each diagram in a mermaid fence under a heading for Markdown', () => {
    const markdown = toMermaidMarkdown(db, { groupBySchema: true });
    expect(markdown).toMatch(/^## Schema `public`\n\n```mermaid\nerDiagram\n  %% schema public\n  customers \{\n/);
    expect(markdown).toContain('```\n\n## Schema `sales`\n\n```mermaid\nerDiagram\n  %% schema sales\n');
    expect(markdown.endsWith('  invoices }o--o| orders : "invoices_order_fk"\n```\n')).toBe(true);
    expect(toMermaidMarkdown(database(schema('public', [customers])))).toBe('```mermaid\n' + toMermaid(database(schema('public', [customers]))) + '```\n');
    expect(toMermaidMarkdown(database(schema('a`b', [customers])), { groupBySchema: true })).toMatch(/^## Schema ``a`b``\n/);
  });
});

describe('the Mermaid parser check', () => {
  it('rejects a broken diagram', async () => {
    await expect(expectMermaidParses('erDiagram\n  a }o--|| : x')).rejects.toThrow(/Mermaid rejected the diagram/);
  });

  it('notices a relationship line Mermaid silently reads as something else', async () => {
    await expect(parseErDiagram('erDiagram\n  a }o--|| b : "direction tb"')).resolves.toMatchObject({ relationships: [] });
    await expect(expectMermaidParses('erDiagram\n  a }o--|| b : "direction tb"')).rejects.toThrow(/0 relationships from 1/);
  });
});
