/**
 * design: a requirements spec → the model and its decisions → schema.sql, the initial
 * migration, erd.md, DESIGN.md. The generated SQL is run on the embedded PostgreSQL and its
 * behaviour checked (keys, ON DELETE, the denormalisation's triggers, updated_at), and the
 * output is byte-identical from one run to the next.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { adviseDesign } from '../src/design/design-indexes.js';
import { designModel } from '../src/design/design-model.js';
import { emitDesign } from '../src/design/emit-design.js';
import { spec as specSchema, type Spec } from '../src/design/spec.js';
import { verifyDesign } from '../src/design/verify-design.js';
import { createEmbeddedEngine } from '../src/engine/embedded.js';
import type { Engine } from '../src/engine/engine.js';
import { initNormalizer } from '../src/model/normalize.js';
import type { Table } from '../src/model/types.js';
import { initParser } from '../src/parse/parse-script.js';
import { serverDatabase, serverUrl } from './helpers/server-database.js';

const SHOP_YAML = readFileSync(path.join(__dirname, 'fixtures/design/shop.yaml'), 'utf8');
const specOf = (yaml: string): Spec => specSchema.parse(parse(yaml));
const shop = () => specOf(SHOP_YAML);
const tableOf = (spec: Spec, name: string): Table => designModel(spec).database.schemas[0].tables.find((t) => t.name === name)!;

beforeAll(async () => {
  await initParser();
  await initNormalizer();
});

describe('the model a spec gives', () => {
  it('tables by convention, a key per table: uuid where ids are exposed, identity bigint elsewhere', () => {
    const { database, decisions } = designModel(shop());
    expect(database.schemas[0].tables.map((t) => t.name)).toEqual(['customers', 'orders', 'order_items', 'products', 'categories', 'coupons', 'product_categories', 'orders_default', 'order_items_default']);
    expect(tableOf(shop(), 'customers').columns[0]).toEqual({ name: 'id', type: 'uuid', notNull: true, default: 'uuid_v7()' });
    expect(tableOf(shop(), 'orders').columns[0]).toEqual({ name: 'id', type: 'bigint', notNull: true, default: null, identity: 'always' });
    expect(tableOf(shop(), 'orders').columns.find((c) => c.name === 'customer_id')!.type).toBe('uuid');
    const key = decisions.find((d) => d.topic === 'keys' && d.subject === 'customers')!;
    expect(key.reason).toMatch(/^ids appear in URLs and APIs/);
    expect(key.reason).toMatch(/version 7 is time-ordered, so inserts stay local in the key's index: uuid_v7\(\) is a SQL function of the design doing what PostgreSQL 18's uuidv7\(\) does \(the spec targets 16\)/);
    expect(key.tradeoff).toBe('16 bytes per key and per reference instead of 8; a v7 id reveals when the row was created');
  });

  it('PostgreSQL 18 gets uuidv7(); singular names and uuid keys when the conventions say so', () => {
    const s = specOf(SHOP_YAML.replace('postgres: 16', 'postgres: 18').replace('conventions: { tables: plural, primary_keys: auto }', 'conventions: { tables: singular, primary_keys: uuid }'));
    const t = tableOf(s, 'order');
    expect(t.columns[0]).toEqual({ name: 'id', type: 'uuid', notNull: true, default: 'uuidv7()' });
  });

  it('types, NOT NULL, defaults and CHECKs from the logical fields', () => {
    const customers = tableOf(shop(), 'customers');
    expect(customers.columns.map((c) => [c.name, c.type, c.notNull, c.default])).toEqual([
      ['id', 'uuid', true, 'uuid_v7()'],
      ['email', 'text', true, null],
      ['full_name', 'text', true, null],
      ['status', 'customer_status', true, `'active'::customer_status`],
      ['preferences', 'jsonb', true, `'{}'::jsonb`],
      ['birth_date', 'date', false, null],
      ['created_at', 'timestamp with time zone', true, 'now()'],
      ['updated_at', 'timestamp with time zone', true, 'now()'],
    ]);
    expect(customers.checks).toEqual([{ name: 'customers_email_check', expression: 'char_length(email) <= 254' }]);
    expect(tableOf(shop(), 'order_items').checks).toEqual([{ name: 'order_items_quantity_check', expression: 'quantity > 0' }, { name: 'order_items_unit_price_check', expression: 'unit_price >= 0' }]);
    expect(tableOf(shop(), 'coupons').checks.map((c) => c.expression)).toEqual(['char_length(code) <= 100', 'percent_off BETWEEN 0 AND 100']);
    expect(tableOf(shop(), 'orders').columns.find((c) => c.name === 'total')!.type).toBe('numeric(12,2)');
    // Money is not negative unless the spec's own check says what it may be.
    expect(tableOf(shop(), 'orders').checks).toEqual([{ name: 'orders_total_check', expression: 'total >= 0' }]);
  });

  it('ON DELETE: as the spec says, CASCADE for a part of its parent, SET NULL for an optional reference, RESTRICT otherwise', () => {
    const actions = (t: string) => tableOf(shop(), t).foreignKeys.map((k) => [k.name, k.columns[0], k.onDelete]);
    expect(actions('orders')).toEqual([['fk_orders_customers', 'customer_id', 'restrict'], ['fk_orders_coupons', 'coupon_id', 'set null']]);
    expect(actions('order_items')).toEqual([['fk_order_items_orders', 'order_id', 'cascade'], ['fk_order_items_products', 'product_id', 'restrict']]);
    expect(actions('product_categories')).toEqual([['fk_product_categories_products', 'product_id', 'cascade'], ['fk_product_categories_categories', 'category_id', 'cascade']]);
  });

  it('unique business keys (email case-insensitively), and an index on every foreign key no key leads with', () => {
    expect(tableOf(shop(), 'products').uniques.map((u) => u.columns)).toEqual([['sku']]);
    expect(tableOf(shop(), 'customers').indexes.map((i) => [i.name, i.unique, i.columns])).toEqual([['idx_customers_lower_email', true, ['lower(email)']]]);
    expect(tableOf(shop(), 'orders').indexes.map((i) => i.columns)).toEqual([['customer_id'], ['coupon_id']]);
    // The join table's key leads with product_id: only category_id needs its own.
    expect(tableOf(shop(), 'product_categories').indexes.map((i) => i.columns)).toEqual([['category_id']]);
    expect(tableOf(shop(), 'product_categories').primaryKey!.columns).toEqual(['product_id', 'category_id']);
  });

  it('an enum of many values is a lookup table', () => {
    const values = Array.from({ length: 25 }, (_, i) => `c${i}`).join(', ');
    const s = specOf(`name: geo\nentities:\n  address:\n    fields:\n      country: { enum: [${values}] }\n`);
    const { database, decisions } = designModel(s);
    expect(database.schemas[0].tables.map((t) => t.name)).toEqual(['addresses', 'addresses_country_values']);
    expect(database.schemas[0].tables[0].foreignKeys[0]).toMatchObject({ columns: ['country'], refTable: { name: 'addresses_country_values' }, refColumns: ['value'] });
    expect(decisions.find((d) => d.topic === 'enums')!.choice).toBe('lookup table addresses_country_values (text key), filled with the 25 values');
  });

  it('tenancy: a tenant column and foreign key on every other table, unique keys per tenant', () => {
    const s = specOf(`name: saas\ntenancy: { column: tenant_id, entity: tenant }\nentities:\n  tenant:\n    fields: { name: text }\n  project:\n    fields:\n      slug: { type: slug, unique: true }\n      owner: { ref: tenant }\n`);
    const projects = tableOf(s, 'projects');
    expect(projects.columns.slice(0, 2).map((c) => c.name)).toEqual(['id', 'tenant_id']);
    expect(projects.foreignKeys[0]).toMatchObject({ name: 'fk_projects_tenants', columns: ['tenant_id'], onDelete: 'restrict' });
    expect(projects.foreignKeys[1]).toMatchObject({ name: 'fk_projects_tenants_owner', columns: ['owner_id'] });
    expect(projects.uniques.map((u) => u.columns)).toEqual([['tenant_id', 'slug']]);
    expect(tableOf(s, 'tenants').columns.map((c) => c.name)).not.toContain('tenant_id');
  });

  it('a many-to-many relationship\'s own fields are columns of its join table', async () => {
    const s = specOf(`name: org\nentities:\n  person:\n    fields: { name: text }\n  team:\n    fields: { name: text }\nrelationships:\n  - { many: person, to_many: team, through: membership, fields: { role: text, position: { type: integer, check: ">= 0" } } }\n`);
    const memberships = tableOf(s, 'memberships');
    expect(memberships.columns.map((c) => [c.name, c.type, c.notNull])).toEqual([['person_id', 'bigint', true], ['team_id', 'bigint', true], ['role', 'text', true], ['position', 'integer', true], ['created_at', 'timestamp with time zone', true]]);
    expect(memberships.checks).toEqual([{ name: 'memberships_position_check', expression: '"position" >= 0' }]);
    expect(await verifyDesign(emitDesign(s, designModel(s), { specFile: 'org.yaml' }))).toEqual([]);
  }, 60_000);

  it('one-to-one: the dependent side holds a unique foreign key', () => {
    const s = specOf(`name: app\nentities:\n  user:\n    fields: { name: text }\n  profile:\n    fields: { bio: { type: text, optional: true } }\nrelationships:\n  - { one: user, to_one: profile }\n`);
    const profiles = tableOf(s, 'profiles');
    expect(profiles.columns.map((c) => c.name)).toEqual(['id', 'user_id', 'bio', 'created_at', 'updated_at']);
    expect(profiles.uniques.map((u) => u.columns)).toEqual([['user_id']]);
    expect(profiles.foreignKeys[0]).toMatchObject({ columns: ['user_id'], onDelete: 'cascade' });
  });

  it('warns about repeating groups, another entity\'s field stored again, and a list in a text field', () => {
    const s = specOf(`name: crm\nentities:\n  customer:\n    fields: { name: text, phone1: phone, phone2: phone, tags: text }\n  invoice:\n    fields: { customer: { ref: customer }, customer_name: text }\n`);
    expect(designModel(s).warnings.map((w) => [w.subject, w.message.split(':')[0]])).toEqual([
      ['customer.phone1, phone2', 'a repeating group (phone1, phone2)'],
      ['customer.tags', 'a plural name on a text field'],
      ['invoice.customer_name', 'looks like customer.name stored again (third normal form)'],
    ]);
  });
});

describe('the files, run on the embedded engine', () => {
  let engine: Engine;
  let files: Map<string, string>;
  beforeAll(async () => {
    files = emitDesign(shop(), designModel(shop()), { specFile: 'shop.yaml' });
    engine = await createEmbeddedEngine();
  }, 120_000);
  afterAll(() => engine?.close());

  it('schema.sql and the initial migration build the same schema; the down migration undoes it', async () => {
    expect([...files.keys()]).toEqual(['schema.sql', 'migrations/0001_initial.up.sql', 'migrations/0001_initial.down.sql', 'erd.md', 'ops/pgbouncer.ini', 'ops/roles.sql', 'ops/partitions.sql', 'DESIGN.md']);
    expect(await verifyDesign(files)).toEqual([]);
  }, 120_000);

  it('behaves as decided: the denormalised copy follows its source, updated_at moves, ON DELETE holds', async () => {
    await engine.exec(files.get('schema.sql')!);
    await engine.exec(`INSERT INTO customers (email, full_name) VALUES ('Ann@x.org', 'Ann');
      INSERT INTO products (sku, name, price) VALUES ('p1', 'P', 5);
      INSERT INTO orders (customer_id, status, total, placed_at) SELECT id, 'paid', 10, now() FROM customers;
      INSERT INTO order_items (order_id, order_placed_at, product_id, quantity, unit_price) SELECT o.id, o.placed_at, p.id, 2, 5 FROM orders o, products p;`);
    expect(await engine.query(`SELECT customer_email FROM orders`)).toEqual([{ customer_email: 'Ann@x.org' }]);
    await engine.exec(`UPDATE customers SET email = 'ann@y.org'`);
    expect(await engine.query(`SELECT customer_email, updated_at > created_at OR updated_at = created_at AS ok FROM orders`)).toEqual([{ customer_email: 'ann@y.org', ok: true }]);
    await expect(engine.exec(`INSERT INTO customers (email, full_name) VALUES ('ANN@Y.ORG', 'Twin')`)).rejects.toThrow(/idx_customers_lower_email/);
    await expect(engine.exec(`INSERT INTO order_items (order_id, order_placed_at, product_id, quantity, unit_price) SELECT id, placed_at, (SELECT id FROM products), 0, 1 FROM orders`)).rejects.toThrow(/order_items_quantity_check/);
    // order_items is partitioned with orders: the copy of placed_at must be the order's.
    await expect(engine.exec(`INSERT INTO order_items (order_id, order_placed_at, product_id, quantity, unit_price) SELECT id, placed_at - interval '1 day', (SELECT id FROM products), 1, 1 FROM orders`)).rejects.toThrow(/fk_order_items_orders/);
    await expect(engine.exec(`DELETE FROM customers`)).rejects.toThrow(/fk_orders_customers/);
    await engine.exec(`DELETE FROM orders`);
    expect(await engine.query(`SELECT count(*)::int AS n FROM order_items`)).toEqual([{ n: 0 }]);
  });

  it('COMMENTs state the key decisions in the database too', async () => {
    const [{ comment }] = await engine.query<{ comment: string }>(`SELECT obj_description('public.customers'::regclass) AS comment`);
    expect(comment).toMatch(/^Key: id uuid DEFAULT uuid_v7\(\)\. ids appear in URLs and APIs: not guessable, not revealing volume; version 7 is time-ordered/);
    // uuid_v7(): version 7, and ids made later sort later.
    const ids = await engine.query<{ id: string }>(`SELECT uuid_v7()::text AS id FROM generate_series(1, 3) g, pg_sleep(0.002)`);
    for (const { id } of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const [{ ordered }] = await engine.query<{ ordered: boolean }>(`WITH a AS (SELECT uuid_v7() AS u), b AS (SELECT pg_sleep(0.005)), c AS (SELECT uuid_v7() AS u FROM b) SELECT (SELECT u FROM a) < (SELECT u FROM c) AS ordered`);
    expect(ordered).toBe(true);
  });

  it('the same spec gives byte-identical files', () => {
    const again = emitDesign(shop(), designModel(shop()), { specFile: 'shop.yaml' });
    expect([...again]).toEqual([...files]);
  });

  it('DESIGN.md restates the requirements and gives every decision with its reason and trade-off', () => {
    const md = files.get('DESIGN.md')!;
    expect(md).toMatch(/^# Design: shop\n/);
    expect(md).toContain('| order | `orders` | customer, status, total, placed_at, coupon? | 40M | 3M/month | 24 months |');
    expect(md).toContain('- **orders, order_items, products, categories, coupons**: `id bigint GENERATED ALWAYS AS IDENTITY` — ids are internal');
    expect(md).toContain('### Denormalisation\n\n- **orders.customer_email**: a copy of customers.email, through customer_id;');
    expect(md).toContain('*Trade-off:* an update of customers.email rewrites that value in every order row of the customer');
    expect(md).toContain('## Review\n\n`schemawise review` of schema.sql (the file rules; the live ones need a database): 0 errors, 0 warnings, 0 info.\n\n## Files\n\n- `DESIGN.md`: this file');
  });

  it('erd.md is a Mermaid diagram of the tables and their relationships', () => {
    const erd = files.get('erd.md')!;
    expect(erd).toMatch(/^# shop: entity-relationship diagram\n\n```mermaid\nerDiagram\n/);
    expect(erd).toContain('orders }o--|| customers : "fk_orders_customers"');
    expect(erd).toContain('orders }o--o| coupons : "fk_orders_coupons"');
  });
});

describe('the declared queries: indexes advised on the design seeded at the declared volume', () => {
  let design: ReturnType<typeof designModel>;
  let workload: Awaited<ReturnType<typeof adviseDesign>>;
  beforeAll(async () => {
    design = designModel(shop());
    workload = await adviseDesign(shop(), design, { specFile: 'shop.yaml' });
  }, 180_000);

  it('adds the advised index to the model, with a decision naming the query it serves', () => {
    const orders = design.database.schemas[0].tables.find((t) => t.name === 'orders')!;
    expect(orders.indexes.map((i) => i.name)).toEqual(['idx_orders_customer_id', 'idx_orders_coupon_id', 'idx_orders_placed_at_paid']);
    expect(orders.indexes[2]).toMatchObject({ columns: ['placed_at'], where: "status = 'paid'" });
    const decision = design.decisions.find((d) => d.choice === 'idx_orders_placed_at_paid')!;
    expect(decision.subject).toBe("orders (placed_at) WHERE status = 'paid'");
    expect(decision.reason).toMatch(/^serves "orders to ship" \(cost [\d.]+k → \d+, Index Scan using idx_orders_placed_at_paid on orders_default orders\)$/);
  });

  it('sizes each table with declared rows: bytes per row measured on the sample × rows now and in a year', () => {
    const orders = design.decisions.find((d) => d.topic === 'sizing' && d.subject === 'orders')!;
    expect(orders.choice).toMatch(/^[\d.]+ GB now \(40M rows\), [\d.]+ GB in a year \(72M rows\)$/);
    expect(orders.reason).toMatch(/^\d{2,3} bytes per row with its indexes, measured on the seeded sample/);
    expect(design.decisions.filter((d) => d.topic === 'sizing').map((d) => d.subject)).toEqual(['customers', 'orders', 'products', 'categories', 'coupons']);
  });

  it('indexes.sql says why each index exists; queries.md gives each query\'s plan before and after', () => {
    expect(workload!.indexesSql).toContain('-- idx_orders_customer_id: foreign key fk_orders_customers: deletes of customers and joins from it');
    expect(workload!.indexesSql).toMatch(/-- idx_orders_placed_at_paid: serves orders to ship \(cost [\d.]+k → \d+\)/);
    expect(workload!.indexesSql).toContain(`CREATE INDEX idx_orders_placed_at_paid ON public.orders USING btree (placed_at) WHERE (status = 'paid');`);
    const md = workload!.queriesMd;
    expect(md).toMatch(/^# shop: the declared queries, planned\n/);
    expect(md).toMatch(/## orders to ship\n\n```sql\nSELECT id FROM orders WHERE status = 'paid'[^`]*```\n\nCost [\d.]+k → \d+ \(−[\d.]+ %\), weight 2\.\n\nBefore:\n\n```text\nIndex Scan using orders_pkey on orders_default orders/);
    expect(md).toContain('After:\n\n```text\nIndex Scan using idx_orders_placed_at_paid on orders');
  });

  it('the same spec gives the same advice and files (statistics from whole samples, not random ones)', async () => {
    const again = designModel(shop());
    const second = await adviseDesign(shop(), again, { specFile: 'shop.yaml' });
    expect(second!.queriesMd).toBe(workload!.queriesMd);
    expect(second!.indexesSql).toBe(workload!.indexesSql);
    expect([...emitDesign(shop(), again, { specFile: 'shop.yaml' }, second)]).toEqual([...emitDesign(shop(), design, { specFile: 'shop.yaml' }, workload)]);
  }, 180_000);

  it('the files with the advised indexes still build the same schema both ways', async () => {
    expect(await verifyDesign(emitDesign(shop(), design, { specFile: 'shop.yaml' }, workload))).toEqual([]);
  }, 120_000);
});

describe('partitioning, retention and operations', () => {
  // An order item that may outlive its order: its reference is optional, so it cannot carry the order's placed_at.
  const OPTIONAL_ITEMS = SHOP_YAML.replace('      order: { ref: order }\n', '      order: { ref: order, optional: true }\n');
  const EVENTS = `name: telemetry
workload: { type: oltp, reads_per_write: 2, consistency: eventual, cores: 8 }
entities:
  device:
    rows: 10k
    fields: { serial: { type: text, unique: true } }
  reading:
    rows: 50M
    growth: 30M/month
    retention: 90 days
    append_only: true
    fields:
      device: { ref: device }
      value: decimal
      taken_at: timestamp
`;

  it('a large table with a retention is range-partitioned by month on its timestamp; the key includes it', () => {
    const design = designModel(specOf(EVENTS));
    const readings = design.database.schemas[0].tables.find((t) => t.name === 'readings')!;
    expect(readings.partitioning).toEqual({ strategy: 'range', keys: ['taken_at'] });
    expect(readings.primaryKey!.columns).toEqual(['id', 'taken_at']);
    expect(design.database.schemas[0].tables.find((t) => t.name === 'readings_default')!.partitionOf).toEqual({ parent: { schema: 'public', name: 'readings' }, bound: 'DEFAULT' });
    const decision = design.decisions.find((d) => d.topic === 'partitioning')!;
    expect(decision.reason).toBe('50M rows now, 90M after 3 months (its retention, 90 days): past its retention a month leaves with DETACH + DROP (instant, no vacuum), and queries on recent taken_at read only the recent partitions');
  });

  it('a table others refer to is partitioned with them: the referrer copies the key, refers by (id, key), and is partitioned alike', () => {
    const design = designModel(shop());
    const [orders, items] = ['orders', 'order_items'].map((n) => design.database.schemas[0].tables.find((t) => t.name === n)!);
    expect(orders.partitioning).toEqual({ strategy: 'range', keys: ['placed_at'] });
    expect(items.partitioning).toEqual({ strategy: 'range', keys: ['order_placed_at'] });
    expect(items.primaryKey!.columns).toEqual(['id', 'order_placed_at']);
    expect(items.foreignKeys.find((k) => k.refTable.name === 'orders')).toMatchObject({ columns: ['order_id', 'order_placed_at'], refColumns: ['id', 'placed_at'], onDelete: 'cascade', onUpdate: 'cascade' });
    expect(design.coPartitions).toEqual([{ child: 'order_items', parent: 'orders', column: 'order_placed_at' }]);
    expect(design.decisions.find((d) => d.topic === 'partitioning' && d.subject === 'order_items')!.reason).toBe('orders is partitioned and order_items refers to it: a reference to a partitioned table must name its whole key; partitioned alike, a month of both leaves together past the retention of orders (24 months), the month of order_items first');
  });

  it('no co-partitioning before PostgreSQL 15 (a row moving partitions fires ON DELETE), nor with a referrer that has its own retention; spec order does not matter', () => {
    const pg14 = designModel(specOf(SHOP_YAML.replace('postgres: 16', 'postgres: 14'))).decisions.find((d) => d.topic === 'partitioning' && d.subject === 'orders')!;
    expect(pg14.reason).toMatch(/before PostgreSQL 15 \(the spec targets 14\) moving a row to another month's partition fires the reference's ON DELETE on its children$/);
    const own = (first: 'order' | 'order_item') => {
      const order = '  order: { rows: 40M, growth: 3M/month, retention: 24 months, fields: { placed_at: timestamp } }\n';
      const item = '  order_item: { rows: 100M, growth: 10M/month, retention: 12 months, fields: { order: { ref: order }, shipped_at: timestamp } }\n';
      const d = designModel(specOf(`name: s\nentities:\n${first === 'order' ? order + item : item + order}`));
      return d.decisions.filter((x) => x.topic === 'partitioning').map((x) => `${x.subject}: ${x.choice}`).sort();
    };
    expect(own('order')).toEqual(['order_items: PARTITION BY RANGE (shipped_at), a partition per month, and a DEFAULT partition; primary key (id, shipped_at)', 'orders: not partitioned']);
    expect(own('order_item')).toEqual(own('order'));
  });

  it('a table whose referrer cannot be partitioned with it stays whole: the retention is a batched DELETE', () => {
    const decision = designModel(specOf(OPTIONAL_ITEMS)).decisions.find((d) => d.topic === 'partitioning')!;
    expect(decision).toMatchObject({ subject: 'orders', choice: 'not partitioned' });
    expect(decision.reason).toBe('40M rows now, 72M after 24 months (its retention, 24 months), but order_items refers to it: the foreign keys would have to include the partition key, and only a table that refers to it once, by a required reference, with no unique key, no retention of its own and nothing referring to it, is partitioned along with it');
  });

  it('pooling, timeouts and isolation follow the workload', () => {
    const design = designModel(specOf(EVENTS));
    const choice = (subject: string) => design.decisions.find((d) => d.subject === subject)!.choice;
    expect(choice('pooling')).toBe('PgBouncer in transaction mode, 16 server connections per database (default_pool_size), clients up to 1000');
    expect(choice('timeouts')).toMatch(/^app: statement_timeout 5s, lock_timeout 2s, idle_in_transaction_session_timeout 60s/);
    expect(choice('isolation')).toBe('READ COMMITTED; reads may go to replicas (app_ro)');
    expect(design.ops.get('ops/pgbouncer.ini')).toContain('pool_mode = transaction\ndefault_pool_size = 16\n');
  });

  it('the partition procedure creates months ahead and drops those past retention; the retention purge deletes old rows', async () => {
    const design = designModel(specOf(EVENTS));
    const files = emitDesign(specOf(EVENTS), design, { specFile: 'telemetry.yaml' });
    expect(await verifyDesign(files)).toEqual([]);
    const engine = await createEmbeddedEngine();
    try {
      await engine.exec(files.get('schema.sql')!);
      await engine.exec(`CREATE TABLE readings_2020_01 PARTITION OF readings FOR VALUES FROM ('2020-01-01') TO ('2020-02-01')`);
      await engine.exec(files.get('ops/partitions.sql')!);
      await engine.exec('CALL maintain_partitions()');
      const parts = (await engine.query<{ name: string }>(`SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'readings'::regclass ORDER BY 1`)).map((r) => r.name);
      expect(parts).toHaveLength(5);
      expect(parts).toContain('readings_default');
      expect(parts).not.toContain('readings_2020_01');
    } finally {
      await engine.close();
    }
    const shopFiles = emitDesign(specOf(OPTIONAL_ITEMS), designModel(specOf(OPTIONAL_ITEMS)), { specFile: 'shop.yaml' });
    const e2 = await createEmbeddedEngine();
    try {
      await e2.exec(shopFiles.get('schema.sql')!);
      await e2.exec(`INSERT INTO customers (email, full_name) VALUES ('a@x.org', 'A');
        INSERT INTO orders (customer_id, status, total, placed_at) SELECT id, 'paid', 1, now() - g * interval '1 month' FROM customers, generate_series(0, 29) g;`);
      await e2.exec(shopFiles.get('ops/retention.sql')!);
      await e2.exec('CALL purge_orders(7)');
      expect(await e2.query(`SELECT count(*)::int AS n FROM orders`)).toEqual([{ n: 24 }]);
    } finally {
      await e2.close();
    }
  }, 180_000);

  it('co-partitioned tables: maintenance drops a month of both (the children first); rows of a month in the parent\'s DEFAULT stay there, said', async () => {
    const files = emitDesign(shop(), designModel(shop()), { specFile: 'shop.yaml' });
    const engine = await createEmbeddedEngine();
    try {
      await engine.exec(files.get('schema.sql')!);
      await engine.exec(files.get('ops/partitions.sql')!);
      // An old order in its month's partition, its item in order_items' DEFAULT (the month was never made there):
      // the item must leave first, or the order's month could not be detached.
      await engine.exec(`CREATE TABLE orders_2020_01 PARTITION OF orders FOR VALUES FROM ('2020-01-01') TO ('2020-02-01');
        INSERT INTO customers (email, full_name) VALUES ('a@x.org', 'A');
        INSERT INTO products (sku, name, price) VALUES ('p', 'P', 1);
        INSERT INTO orders (customer_id, status, total, placed_at) SELECT id, 'paid', 1, t FROM customers, (VALUES (TIMESTAMPTZ '2020-01-15'), (now())) v(t);
        INSERT INTO order_items (order_id, order_placed_at, product_id, quantity, unit_price) SELECT o.id, o.placed_at, p.id, 1, 1 FROM orders o, products p;`);
      await engine.exec('CALL maintain_partitions()');
      const parts = await engine.query<{ name: string }>(`SELECT relname AS name FROM pg_class WHERE relname ~ '^order(s|_items)_\\d{4}_\\d{2}$' ORDER BY 1`);
      // 2020 gone from both; this month's order sits in orders_default (moving it would cascade to its items), so orders has 3 months ahead, order_items 4.
      expect(parts.map((p) => p.name).filter((n) => n.includes('2020'))).toEqual([]);
      expect(parts.filter((p) => p.name.startsWith('orders_')).length).toBe(3);
      expect(parts.filter((p) => p.name.startsWith('order_items_')).length).toBe(4);
      expect(await engine.query(`SELECT (SELECT count(*) FROM orders)::int AS orders, (SELECT count(*) FROM order_items)::int AS items`)).toEqual([{ orders: 1, items: 1 }]);
      expect(await engine.query(`SELECT count(*)::int AS n FROM order_items_default WHERE order_placed_at < '2021-01-01'`)).toEqual([{ n: 0 }]);
    } finally {
      await engine.close();
    }
  }, 120_000);

  it('a large multi-tenant table with no retention is hash-partitioned by its tenant column; a tenant\'s rows land in one partition', async () => {
    const spec = specOf(`name: desk
tenancy: { column: org_id }
entities:
  ticket: { rows: 600M, fields: { subject: text, code: { type: slug, unique: true } } }
`);
    const design = designModel(spec);
    const tickets = design.database.schemas[0].tables.find((t) => t.name === 'tickets')!;
    expect(tickets.partitioning).toEqual({ strategy: 'hash', keys: ['org_id'] });
    expect(tickets.primaryKey!.columns).toEqual(['id', 'org_id']);
    expect(design.decisions.find((d) => d.topic === 'partitioning')!.choice).toBe('PARTITION BY HASH (org_id), 16 partitions; primary key (id, org_id)');
    // Hash partitions are made once by schema.sql: nothing for ops/partitions.sql to maintain.
    expect(design.ops.has('ops/partitions.sql')).toBe(false);
    const files = emitDesign(spec, design, { specFile: 'desk.yaml' });
    expect(await verifyDesign(files)).toEqual([]);
    const engine = await createEmbeddedEngine();
    try {
      await engine.exec(files.get('schema.sql')!);
      await engine.exec(`INSERT INTO tickets (org_id, subject, code) SELECT 7, 's', 'c' || g FROM generate_series(1, 50) g`);
      expect(await engine.query(`SELECT count(DISTINCT tableoid)::int AS n, count(*)::int AS rows FROM tickets`)).toEqual([{ n: 1, rows: 50 }]);
      // The per-tenant unique key holds across partitions (it includes the partition key).
      await expect(engine.exec(`INSERT INTO tickets (org_id, subject, code) VALUES (7, 's', 'c1')`)).rejects.toThrow(/duplicate key value violates unique constraint "tickets_p\d\d_org_id_code_key"/);
    } finally {
      await engine.close();
    }
  }, 120_000);
});

describe.skipIf(!serverUrl)('ops/roles.sql on the PostgreSQL server', () => {
  it('creates the three roles with their settings (in a transaction rolled back: roles are cluster-wide)', async () => {
    const database = serverDatabase('schemawise_design_roles');
    const engine = await database.open();
    try {
      const dbName = new URL(database.url()).pathname.slice(1);
      const roles = designModel(shop()).ops.get('ops/roles.sql')!.replace(/IN DATABASE shop\b/g, `IN DATABASE ${dbName}`);
      await engine.exec('BEGIN');
      await engine.exec(roles);
      const settings = await engine.query<{ role: string; config: string[] }>(`SELECT r.rolname AS role, s.setconfig AS config FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole JOIN pg_database d ON d.oid = s.setdatabase WHERE d.datname = current_database() ORDER BY 1`);
      expect(settings).toEqual([
        { role: 'app_ro', config: ['default_transaction_read_only=on', 'statement_timeout=60s'] },
        { role: 'app_rw', config: ['statement_timeout=5s', 'lock_timeout=2s', 'idle_in_transaction_session_timeout=60s'] },
        { role: 'migrator', config: ['lock_timeout=5s', 'statement_timeout=0'] },
      ]);
      await engine.exec('ROLLBACK');
    } finally {
      await database.close(engine);
    }
  });
});
