/**
 * design's scale-out plan on Citus (ops/citus.sql): when it is made (rows at the horizon or the
 * insert rate past one node), which key it distributes by, and the single-node part of its SQL
 * run on the embedded engine. Citus itself is not installable here: its calls are checked as
 * text; the examples test checks the keys the first part leaves against Citus's rules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { designModel, type DesignModel } from '../src/design/design-model.js';
import { readSpec } from '../src/design/read-spec.js';
import { createEmbeddedEngine } from '../src/engine/embedded.js';
import type { Engine } from '../src/engine/engine.js';
import { toDDL } from '../src/report/ddl.js';
import { initNormalizer } from '../src/model/normalize.js';
import { initParser } from '../src/parse/parse-script.js';

beforeAll(async () => {
  await initParser();
  await initNormalizer();
});

const model = (yaml: string): DesignModel => designModel(readSpec('spec.yaml', yaml).spec);
const scaleOut = (d: DesignModel) => d.decisions.filter((x) => x.topic === 'scale-out');

describe('when to scale out', () => {
  it('below 10B rows in a year and 20k inserts a second: one node, no ops/citus.sql', () => {
    const d = model('name: small\nentities:\n  customer: { rows: 1M, fields: { name: text } }\n  order: { rows: 3B, growth: 100M/month, fields: { customer: { ref: customer } } }\n');
    expect(d.ops.has('ops/citus.sql')).toBe(false);
    expect(scaleOut(d)).toEqual([expect.objectContaining({ subject: 'one node', reason: expect.stringMatching(/^4\.2B rows in a year and 38\.6 inserts a second on average \(one node is outgrown past 10B rows or 20k inserts a second\)/) })]);
  });

  it('an insert rate past 20k a second is enough, whatever the rows (a short retention)', () => {
    const d = model('name: fast\nentities:\n  device: { rows: 100k, fields: { serial: text } }\n  reading: { rows: 1B, growth: 60B/month, retention: 7 days, append_only: true, fields: { device: { ref: device }, at: timestamp } }\n');
    expect(d.ops.get('ops/citus.sql')).toContain("SELECT create_distributed_table('readings', 'device_id', colocate_with => 'devices');");
    expect(scaleOut(d)[0].reason).toMatch(/23\.1k inserts a second/);
  });

  it('counts a table declared by its growth alone, never inflates rows by a long retention, never shrinks rows declared now', () => {
    const growthOnly = model('name: g\nentities:\n  device: { rows: 100k, fields: { serial: text } }\n  reading: { growth: 60B/month, retention: 7 days, fields: { device: { ref: device } } }\n');
    expect(growthOnly.ops.has('ops/citus.sql')).toBe(true);
    const longRetention = model('name: r\nentities:\n  entry: { rows: 100M, growth: 100M/month, retention: 10 years, fields: { body: text } }\n');
    expect(scaleOut(longRetention)[0].reason).toMatch(/^1\.3B rows in a year/);
    const declaredNow = model('name: n\nentities:\n  customer: { rows: 1M, fields: { name: text } }\n  entry: { rows: 40B, growth: 100M/month, retention: 24 months, fields: { customer: { ref: customer } } }\n');
    expect(scaleOut(declaredNow)[0].reason).toMatch(/^40B rows in a year/);
  });

  it('no entity others refer to: no key to co-locate by, said instead of guessed', () => {
    const d = model('name: loose\nentities:\n  event: { rows: 20B, fields: { payload: json } }\n');
    expect(d.ops.has('ops/citus.sql')).toBe(false);
    expect(scaleOut(d)).toEqual([expect.objectContaining({ choice: 'no scale-out plan', reason: expect.stringContaining('no entity is referred to by the others') })]);
  });
});

describe('the plan', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await createEmbeddedEngine();
  }, 60_000);
  afterAll(() => engine?.close());

  const run = async (d: DesignModel) => {
    await engine.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
    await engine.exec(toDDL(d.database));
    await engine.exec(d.ops.get('ops/citus.sql')!.split('\n-- Part 2: Citus')[0]);
  };

  it('tenancy by a column alone: every table distributed by it, co-located with the first; keys and references gain the column', async () => {
    const d = model(`name: desk
postgres: 15
tenancy: { column: org_id }
entities:
  agent: { rows: 1M, fields: { name: text } }
  ticket: { rows: 12B, fields: { agent: { ref: agent, optional: true }, subject: text } }
`);
    const sql = d.ops.get('ops/citus.sql')!;
    expect(sql).toContain("SELECT create_distributed_table('agents', 'org_id');\nSELECT create_distributed_table('tickets', 'org_id', colocate_with => 'agents');");
    // SET NULL on (org_id, agent_id) would null the tenant, and Citus refuses SET NULL on a key with
    // the distribution column even with PostgreSQL 15's column list: NO ACTION, said.
    expect(sql).toContain('ALTER TABLE tickets ADD CONSTRAINT fk_tickets_agents FOREIGN KEY (org_id, agent_id) REFERENCES agents (org_id, id) ON DELETE NO ACTION;');
    expect(scaleOut(d).find((x) => x.subject === 'changes for Citus')!.choice).toContain('tickets → agents: ON DELETE NO ACTION instead of SET NULL (Citus refuses it on a key with the distribution column): the application clears agent_id first');
    await run(d);
    await engine.exec(`INSERT INTO agents (org_id, name) VALUES (1, 'a'); INSERT INTO tickets (org_id, agent_id, subject) SELECT 1, id, 's' FROM agents;`);
    // The reference holds within the tenant: the same agent id under another org is refused.
    await expect(engine.exec(`INSERT INTO tickets (org_id, agent_id, subject) SELECT 2, id, 's' FROM agents`)).rejects.toThrow(/fk_tickets_agents/);
  });

  it('a chain of parts declared children first: each gets the key copied from its parent (parents filled first), distributed after it; updated_at untouched', async () => {
    const d = model(`name: chain
entities:
  parcel: { rows: 6B, fields: { shipment: { ref: shipment }, label: { type: text, unique: true } } }
  shipment: { rows: 4B, fields: { order: { ref: order } } }
  invoice: { rows: 4B, fields: { order: { ref: order, unique: true } } }
  order: { rows: 4B, fields: { customer: { ref: customer } } }
  customer: { rows: 50M, fields: { name: text } }
`);
    const sql = d.ops.get('ops/citus.sql')!;
    expect(sql.split('\n').filter((l) => l.startsWith('SELECT create_distributed_table'))).toEqual([
      "SELECT create_distributed_table('customers', 'id');",
      "SELECT create_distributed_table('orders', 'customer_id', colocate_with => 'customers');",
      "SELECT create_distributed_table('shipments', 'customer_id', colocate_with => 'customers');",
      "SELECT create_distributed_table('parcels', 'customer_id', colocate_with => 'customers');",
      "SELECT create_distributed_table('invoices', 'customer_id', colocate_with => 'customers');",
    ]);
    await engine.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
    await engine.exec(toDDL(d.database));
    await engine.exec(`INSERT INTO customers (name) VALUES ('a'), ('b');
      INSERT INTO orders (customer_id) SELECT id FROM customers;
      INSERT INTO shipments (order_id) SELECT id FROM orders;
      INSERT INTO parcels (shipment_id, label) SELECT id, 'l' || id FROM shipments;
      INSERT INTO invoices (order_id) SELECT id FROM orders;
      ALTER TABLE parcels DISABLE TRIGGER USER; UPDATE parcels SET updated_at = '2024-01-01'; ALTER TABLE parcels ENABLE TRIGGER USER;`);
    await engine.exec(sql.split('\n-- Part 2: Citus')[0]);
    expect(await engine.query(`SELECT count(*)::int AS n FROM parcels p JOIN shipments s ON s.id = p.shipment_id JOIN orders o ON o.id = s.order_id WHERE p.customer_id = o.customer_id AND s.customer_id = o.customer_id AND p.updated_at = '2024-01-01'`)).toEqual([{ n: 2 }]);
    // invoices.order_id stays unique: (customer_id, order_id) says the same (the customer follows from the order).
    await expect(engine.exec(`INSERT INTO invoices (order_id, customer_id) SELECT order_id, customer_id FROM invoices LIMIT 1`)).rejects.toThrow(/invoices_order_id_key/);
    // parcels.label does not determine the customer: it can no longer be unique, and that is said.
    expect(scaleOut(d).find((x) => x.subject === 'changes for Citus')!.choice).toContain('parcels (label): no longer unique in the database');
  });

  it('a large table not tied to the key with no id (a join table) is spread by its key\'s first column; denormalisation triggers are dropped', async () => {
    const d = model(`name: pins
entities:
  member: { rows: 30M, fields: { handle: text } }
  board: { rows: 3M, fields: { title: text } }
  pin: { rows: 11B, fields: { member: { ref: member }, board: { ref: board }, board_title: text } }
relationships:
  - { many: board, to_many: board, through: board_link, rows: 50M }
denormalize:
  - { entity: pin, field: member_handle, from: member.handle, reason: "shown with every pin" }
queries:
  - { name: member pins, per_second: 100, sql: "SELECT id FROM pins WHERE member_id = $1 LIMIT 20" }
`);
    const sql = d.ops.get('ops/citus.sql')!;
    expect(sql).toContain("SELECT create_distributed_table('board_links', 'board_id', colocate_with => 'none');");
    expect(sql).toContain('DROP TRIGGER trg_pins_fill_member_handle ON pins;\nDROP TRIGGER trg_members_spread_handle_to_pins ON members;');
    expect(sql).toContain("SET citus.enable_unsafe_triggers = on;\nDO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET citus.enable_unsafe_triggers = on', current_database()); END $$;");
    await run(d);
  });
  it('a child of a co-located table gets the key copied in, filled from its parent, and its reference with the key', async () => {
    const d = model(`name: shop
entities:
  customer: { rows: 50M, fields: { email: { type: email, unique: true } } }
  order: { rows: 8B, fields: { customer: { ref: customer } } }
  order_item: { rows: 20B, fields: { order: { ref: order }, quantity: integer } }
`);
    const sql = d.ops.get('ops/citus.sql')!;
    expect(sql).toContain("SELECT create_distributed_table('customers', 'id');\nSELECT create_distributed_table('orders', 'customer_id', colocate_with => 'customers');\nSELECT create_distributed_table('order_items', 'customer_id', colocate_with => 'customers');");
    await engine.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
    await engine.exec(toDDL(d.database));
    // Rows exist before the plan runs: the copy is filled from the parent.
    await engine.exec(`INSERT INTO customers (email) VALUES ('a@x.org'), ('b@x.org'); INSERT INTO orders (customer_id) SELECT id FROM customers; INSERT INTO order_items (order_id, order_created_at, quantity) SELECT id, created_at, 1 FROM orders;`);
    await engine.exec(sql.split('\n-- Part 2: Citus')[0]);
    expect(await engine.query('SELECT count(*)::int AS n FROM order_items i JOIN orders o ON o.id = i.order_id AND o.customer_id = i.customer_id')).toEqual([{ n: 2 }]);
    // order_items is partitioned with orders (both by created_at): the co-partitioned reference gains the key in front.
    expect(sql).toContain('FOREIGN KEY (customer_id, order_id, order_created_at) REFERENCES orders (customer_id, id, created_at) ON DELETE CASCADE;');
    // The customers' unique email cannot stay unique on a table distributed by id: a plain index, and said.
    expect(await engine.query(`SELECT indexdef FROM pg_indexes WHERE indexname = 'idx_customers_lower_email'`)).toEqual([{ indexdef: 'CREATE INDEX idx_customers_lower_email ON public.customers USING btree (lower(email))' }]);
    expect(scaleOut(d).find((x) => x.subject === 'changes for Citus')!.choice).toContain('customers (lower(email)): no longer unique in the database (a unique index must include id): kept as a plain index');
  });
});
