/**
 * readSpec: a requirements spec read from YAML, every problem reported with its file:line:col —
 * YAML syntax, the zod schema, and what the schema cannot say (types, references, SQL).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readSpec, SpecError } from '../src/design/read-spec.js';
import { specJsonSchema } from '../src/design/spec.js';
import { SchemawiseError } from '../src/errors.js';
import { initParser } from '../src/parse/parse-script.js';

beforeAll(() => initParser());

const SHOP = `name: shop
postgres: 16
workload: { type: oltp, reads_per_write: 20, consistency: strong }
tenancy: none
conventions: { tables: plural, primary_keys: auto }
entities:
  customer:
    rows: 2M
    growth: 100k/month
    fields:
      email: { type: email, unique: true }
      full_name: text
      status: { enum: [active, suspended, closed], default: active }
      preferences: json
      birth_date: { type: date, optional: true }
  order:
    rows: 40M
    growth: 3M/month
    retention: 24 months
    fields:
      customer: { ref: customer, on_delete: restrict }
      status: { enum: [pending, paid, shipped, cancelled] }
      total: money
      placed_at: timestamp
  order_item:
    fields:
      order: { ref: order, on_delete: cascade }
      product: { ref: product }
      quantity: { type: integer, check: "> 0" }
      unit_price: money
  product: { rows: 50k, fields: { sku: { type: text, unique: true }, name: text, price: money } }
  category: { rows: 500, fields: { name: { type: text, unique: true } } }
relationships:
  - { many: product, to_many: category }
queries:
  - { name: order history, per_second: 300, sql: "SELECT id, status, total, placed_at FROM orders WHERE customer_id = $1 ORDER BY placed_at DESC LIMIT 20" }
  - { name: orders to ship, per_second: 2, sql: "SELECT id FROM orders WHERE status = 'paid' AND placed_at > now() - interval '2 days'" }
denormalize:
  - { entity: order, field: customer_email, from: customer.email, reason: "order list shows email without a join" }
`;

/** The lines of a spec, as a file. */
const yaml = (...lines: string[]) => `${lines.join('\n')}\n`;

/** The problems of a spec that must be rejected, one formatted line each. */
function problems(text: string): string[] {
  try {
    readSpec('spec.yaml', text);
  } catch (error) {
    if (error instanceof SpecError) return error.message.split('\n');
    throw error;
  }
  throw new Error('the spec was accepted');
}

/** A spec with one entity `customer` whose fields are `fields` (lines indented by 6), then `rest`. */
const withFields = (fields: string[], ...rest: string[]) => yaml('name: shop', 'entities:', '  customer:', '    fields:', ...fields.map((f) => `      ${f}`), ...rest);

describe('readSpec: a valid spec', () => {
  it('reads the issue\'s example with its defaults filled', () => {
    const { spec } = readSpec('shop.yaml', SHOP);
    expect(spec.conventions).toEqual({ tables: 'plural', primary_keys: 'auto', timestamps: true });
    expect(spec.workload).toEqual({ type: 'oltp', reads_per_write: 20, consistency: 'strong' });
    expect(spec.tenancy).toBe('none');
    expect(Object.keys(spec.entities)).toEqual(['customer', 'order', 'order_item', 'product', 'category']);
    expect(spec.entities.order.fields.customer).toEqual({ ref: 'customer', on_delete: 'restrict' });
    expect(spec.entities.order_item.fields.quantity).toEqual({ type: 'integer', check: '> 0' });
    expect(spec.relationships).toEqual([{ many: 'product', to_many: 'category' }]);
    expect(spec.queries.map((q) => [q.name, q.per_second])).toEqual([['order history', 300], ['orders to ship', 2]]);
    expect(spec.denormalize[0].from).toBe('customer.email');
  });

  it('fills every default of a minimal spec', () => {
    const { spec } = readSpec('s.yaml', withFields(['email: email']));
    expect(spec).toEqual({
      name: 'shop',
      postgres: 16,
      workload: { type: 'oltp', reads_per_write: 10, consistency: 'strong' },
      tenancy: 'none',
      conventions: { tables: 'plural', primary_keys: 'auto', timestamps: true },
      entities: { customer: { fields: { email: 'email' } } },
      relationships: [],
      queries: [],
      denormalize: [],
    });
  });

  it('spanOf cites where a path is written, and nothing for a default', () => {
    const { spanOf } = readSpec('shop.yaml', SHOP);
    expect(spanOf(['entities', 'order'])).toEqual({ file: 'shop.yaml', line: 16, column: 3 });
    expect(spanOf(['entities', 'order', 'fields', 'total'])).toEqual({ file: 'shop.yaml', line: 23, column: 7 });
    expect(spanOf(['entities', 'product', 'fields', 'price'])).toEqual({ file: 'shop.yaml', line: 31, column: 82 });
    expect(spanOf(['queries', 1])).toEqual({ file: 'shop.yaml', line: 37, column: 5 });
    expect(spanOf(['denormalize', 0, 'from'])).toEqual({ file: 'shop.yaml', line: 39, column: 45 });
    expect(spanOf(['conventions', 'timestamps'])).toBeUndefined();
    expect(spanOf(['entities', 'invoice'])).toBeUndefined();
  });

  it('accepts every form of check the design turns into a CHECK', () => {
    const checks = ['> 0', '>= 1', '<> 3', 'between 1 and 5', "in ('a', 'b')", 'not in (1, 2)', 'is not null', "like 'A%'", 'f8 > 0 and f8 < 100'];
    const { spec } = readSpec('s.yaml', withFields(checks.map((c, i) => `f${i}: { type: integer, check: ${JSON.stringify(c)} }`)));
    expect(Object.keys(spec.entities.customer.fields)).toHaveLength(checks.length);
  });

  it('accepts a denormalisation through a one-to-one relationship', () => {
    const text = yaml(
      'name: shop',
      'entities:',
      '  user: { fields: { email: email } }',
      '  profile: { fields: { bio: text } }',
      'relationships:',
      '  - { one: user, to_one: profile }',
      'denormalize:',
      '  - { entity: profile, field: user_email, from: user.email, reason: shown with the profile }',
    );
    expect(readSpec('s.yaml', text).spec.denormalize).toHaveLength(1);
  });
});

describe('readSpec: YAML', () => {
  it('reports a syntax error at its position', () => {
    expect(problems(yaml('name: shop', 'entities: [customer', 'queries: []'))).toEqual([
      'spec.yaml:3:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]',
    ]);
  });

  it('reports every duplicate key', () => {
    expect(problems(withFields(['email: email', 'name: text', 'email: text'], 'name: again'))).toEqual([
      'spec.yaml:7:7: entities.customer.fields.email: duplicate key "email"',
      'spec.yaml:8:1: name: duplicate key "name"',
    ]);
  });

  it('says so of an empty file, or one of comments only', () => {
    expect(problems('')).toEqual(['spec.yaml:1:1: the spec is empty: it needs at least name: and entities:']);
    expect(problems('# shop\n\n')).toEqual(['spec.yaml:1:1: the spec is empty: it needs at least name: and entities:']);
  });

  it('wants a mapping at the top level', () => {
    expect(problems(yaml('# entities', '- customer', '- order'))).toEqual(['spec.yaml:2:1: expected a mapping (name:, entities:, …) at the top level, got a list']);
    expect(problems('shop\n')).toEqual(['spec.yaml:1:1: expected a mapping (name:, entities:, …) at the top level, got "shop"']);
  });

  it('counts columns in characters', () => {
    expect(problems(withFields(['note: { comment: "😀 é", colour: red }']))).toEqual([
      'spec.yaml:5:31: entities.customer.fields.note.colour: unknown key "colour"; the keys are type, optional, unique, default, check, enum, ref, on_delete, max_length, precision, scale, indexed, comment',
    ]);
  });
});

describe('readSpec: the schema', () => {
  it('names an unknown key at the key, with the key it probably meant (and no "required" for that one)', () => {
    expect(problems(yaml('name: shop', 'entities:', '  customer:', '    fileds: { email: email }'))).toEqual([
      'spec.yaml:4:5: entities.customer.fileds: unknown key "fileds" (did you mean "fields"?)',
    ]);
  });

  it('suggests among the keys of the object the unknown key is in', () => {
    expect(problems(withFields(['email: { type: email, optinal: true }'], 'conventions: { table: plural }'))).toEqual([
      'spec.yaml:5:29: entities.customer.fields.email.optinal: unknown key "optinal" (did you mean "optional"?)',
      'spec.yaml:6:16: conventions.table: unknown key "table" (did you mean "tables"?)',
    ]);
  });

  it('lists the choices of an enum, with the closest one', () => {
    expect(problems(withFields(['email: email'], 'workload: { type: oltpp }'))).toEqual([
      'spec.yaml:6:19: workload.type: expected one of oltp, olap, mixed, got "oltpp" (did you mean "oltp"?)',
    ]);
    expect(problems(yaml('name: shop', 'entities:', '  customer: { fields: { email: email } }', '  order: { fields: { customer: { ref: customer, on_delete: set nul } } }'))).toEqual([
      'spec.yaml:4:60: entities.order.fields.customer.on_delete: expected one of cascade, restrict, set null, no action, got "set nul" (did you mean "set null"?)',
    ]);
  });

  it('says what a value should be', () => {
    expect(problems(yaml('name: Shop', 'postgres: 11', 'entities:', '  customer:', '    rows: 2 million', '    growth: lots', '    fields: { email: email }'))).toEqual([
      'spec.yaml:1:7: name: expected a snake_case name (lower-case letters, digits and _), got "Shop"',
      'spec.yaml:2:11: postgres: expected a number >= 13, got 11',
      'spec.yaml:5:11: entities.customer.rows: expected a count such as 50000, 100k, 2M or 1e6, got "2 million"',
      'spec.yaml:6:13: entities.customer.growth: expected a count per period such as 100k/month, 300/day or 5/second, got "lots"',
    ]);
    expect(problems(withFields(['email: email'], 'postgres: 19', 'workload: { reads_per_write: 0, app_instances: 1.5 }'))).toEqual([
      'spec.yaml:6:11: postgres: expected a number <= 18, got 19',
      'spec.yaml:7:30: workload.reads_per_write: expected a number > 0, got 0',
      'spec.yaml:7:48: workload.app_instances: expected an integer, got 1.5',
    ]);
  });

  it('points at a missing key\'s parent', () => {
    expect(problems(yaml('entities:', '  customer:', '    rows: 10'))).toEqual([
      'spec.yaml:1:1: name: required',
      'spec.yaml:2:3: entities.customer.fields: required',
    ]);
  });

  it('says what a field can be when it is neither', () => {
    expect(problems(withFields(['age: 5', 'note:', 'tags: [a, b]']))).toEqual([
      'spec.yaml:5:12: entities.customer.fields.age: expected a string or a mapping, got 5',
      'spec.yaml:6:7: entities.customer.fields.note: expected a string or a mapping, got an empty value',
      'spec.yaml:7:13: entities.customer.fields.tags: expected a string or a mapping, got a list',
    ]);
  });

  it('reports a relationship by the shape it was meant to have', () => {
    expect(problems(withFields(['email: email'], 'relationships:', '  - { many: customer, too_many: customer }', '  - { one: customer }', '  - customer'))).toEqual([
      'spec.yaml:7:23: relationships.0.too_many: unknown key "too_many" (did you mean "to_many"?)',
      'spec.yaml:8:5: relationships.1.to_one: required',
      'spec.yaml:9:5: relationships.2: expected a mapping, got "customer"',
    ]);
  });

  it('wants non-empty names, queries and enum lists', () => {
    expect(problems(withFields(['status: { enum: [] }'], 'queries:', '  - { name: "", sql: "SELECT 1" }'))).toEqual([
      'spec.yaml:5:23: entities.customer.fields.status.enum: must not be empty',
      'spec.yaml:7:13: queries.0.name: must not be empty',
    ]);
  });
});

describe('readSpec: fields', () => {
  it('suggests the type meant, in either form of a field', () => {
    expect(problems(withFields(['placed_at: timestmap', 'shipped_at: { type: timestmap, optional: true }', 'code: varchar', 'size: huge']))).toEqual([
      'spec.yaml:5:18: entities.customer.fields.placed_at: unknown type "timestmap" (did you mean "timestamp"?)',
      'spec.yaml:6:27: entities.customer.fields.shipped_at.type: unknown type "timestmap" (did you mean "timestamp"?)',
      'spec.yaml:7:13: entities.customer.fields.code: unknown type "varchar" (did you mean "text"?)',
      'spec.yaml:8:13: entities.customer.fields.size: unknown type "huge"; the types are text, email, url, phone, slug, money, integer, bigint, smallint, decimal, percent, boolean, date, time, timestamp, duration, json, uuid, ip, bytes, tsvector, enum, ref, text[], integer[]',
    ]);
  });

  it('wants an enum\'s values, each once, and its default among them', () => {
    expect(problems(withFields(['kind: enum', 'status: { enum: [active, closed, active], default: actve }']))).toEqual([
      'spec.yaml:5:13: entities.customer.fields.kind: an enum field needs enum: the list of its values',
      'spec.yaml:6:40: entities.customer.fields.status.enum.2: "active" is listed twice',
      'spec.yaml:6:58: entities.customer.fields.status.default: default "actve" is not one of the enum values: active, closed, active (did you mean "active"?)',
    ]);
  });

  it('wants a ref to name an entity, and keeps ref-only keys on refs', () => {
    const text = yaml(
      'name: shop',
      'entities:',
      '  customer: { fields: { email: email } }',
      '  order:',
      '    fields:',
      '      buyer: { ref: custmer }',
      '      seller: ref',
      '      total: { type: money, on_delete: cascade }',
      '      note: { type: text, ref: customer }',
    );
    expect(problems(text)).toEqual([
      'spec.yaml:6:21: entities.order.fields.buyer.ref: unknown entity "custmer" (did you mean "customer"?)',
      'spec.yaml:7:15: entities.order.fields.seller: a ref field needs ref: the entity it refers to',
      'spec.yaml:8:29: entities.order.fields.total.on_delete: on_delete applies only to a ref field (this one is money)',
      'spec.yaml:9:27: entities.order.fields.note.ref: ref applies only to a ref field (this one is text)',
    ]);
  });

  it('keeps max_length to text-like types and precision/scale to decimal and money', () => {
    expect(problems(withFields(['age: { type: integer, max_length: 3 }', 'slug: { type: slug, max_length: 80 }', 'code: { type: text, precision: 10, scale: 2 }', 'price: { type: money, precision: 12, scale: 2 }']))).toEqual([
      'spec.yaml:5:29: entities.customer.fields.age.max_length: max_length applies only to text, email, url, phone and slug fields (this one is integer)',
      'spec.yaml:7:27: entities.customer.fields.code.precision: precision applies only to decimal and money fields (this one is text)',
      'spec.yaml:7:42: entities.customer.fields.code.scale: scale applies only to decimal and money fields (this one is text)',
    ]);
  });

  it('reserves id, and a ref\'s column name', () => {
    const text = yaml(
      'name: shop',
      'entities:',
      '  customer: { fields: { email: email } }',
      '  order:',
      '    fields:',
      '      id: uuid',
      '      customer_id: bigint',
      '      customer: { ref: customer }',
      '      owner_id: { ref: customer }',
    );
    expect(problems(text)).toEqual([
      'spec.yaml:6:7: entities.order.fields.id: "id" is reserved: the design chooses the primary key (conventions.primary_keys)',
      'spec.yaml:7:7: entities.order.fields.customer_id: "customer_id" clashes with the column of the ref field "customer"',
      'spec.yaml:9:7: entities.order.fields.owner_id: a ref field\'s column is its name + _id: this one would be owner_id_id (did you mean "owner"?)',
    ]);
  });

  it('wants snake_case entity and field names', () => {
    expect(problems(yaml('name: shop', 'entities:', '  OrderItem:', '    fields:', '      unitPrice: money', '      "unit price": money'))).toEqual([
      'spec.yaml:3:3: entities.OrderItem: entity name "OrderItem" must be snake_case: lower-case letters, digits and _ (did you mean "order_item"?)',
      'spec.yaml:5:7: entities.OrderItem.fields.unitPrice: field name "unitPrice" must be snake_case: lower-case letters, digits and _ (did you mean "unit_price"?)',
      'spec.yaml:6:7: entities.OrderItem.fields.unit price: field name "unit price" must be snake_case: lower-case letters, digits and _ (did you mean "unit_price"?)',
    ]);
  });

  it('parses a check as a condition, and points into it', () => {
    expect(problems(withFields(['qty: { type: integer, check: "> > 0" }', 'n: { type: integer, check: "between 1 and" }', 'm: { type: integer, check: "> 0 limit 1" }']))).toEqual([
      'spec.yaml:5:39: entities.customer.fields.qty.check: syntax error at or near ">"',
      'spec.yaml:6:48: entities.customer.fields.n.check: syntax error at end of input',
      'spec.yaml:7:34: entities.customer.fields.m.check: expected a condition such as "> 0", "between 1 and 5" or "in (\'a\', \'b\')", got "> 0 limit 1"',
    ]);
  });
});

describe('readSpec: references between parts', () => {
  it('wants the entities of relationships and tenancy to exist', () => {
    const text = yaml(
      'name: shop',
      'tenancy: { column: tenant_id, entity: tenant }',
      'entities:',
      '  product: { fields: { name: text } }',
      '  category: { fields: { name: text, tenant_id: uuid } }',
      'relationships:',
      '  - { many: product, to_many: categry }',
      '  - { one: prodcut, to_one: category }',
    );
    expect(problems(text)).toEqual([
      'spec.yaml:2:39: tenancy.entity: unknown entity "tenant"',
      'spec.yaml:5:37: entities.category.fields.tenant_id: tenant_id is the tenancy column: the design adds it to every table',
      'spec.yaml:7:31: relationships.0.to_many: unknown entity "categry" (did you mean "category"?)',
      'spec.yaml:8:12: relationships.1.one: unknown entity "prodcut" (did you mean "product"?)',
    ]);
  });

  it('wants a denormalisation to add a new column copied from a field through a ref', () => {
    const text = yaml(
      'name: shop',
      'entities:',
      '  customer: { fields: { email: email, region: { ref: region } } }',
      '  region: { fields: { name: text } }',
      '  order: { fields: { customer: { ref: customer }, total: money } }',
      'denormalize:',
      '  - { entity: ordr, field: email, from: customer.email, reason: r }',
      '  - { entity: order, field: total, from: customer.email, reason: r }',
      '  - { entity: order, field: customer_id, from: customer.email, reason: r }',
      '  - { entity: order, field: email, from: email, reason: r }',
      '  - { entity: order, field: email, from: customer.emial, reason: r }',
      '  - { entity: order, field: region, from: customer.region, reason: r }',
      '  - { entity: order, field: region_name, from: region.name, reason: r }',
    );
    expect(problems(text)).toEqual([
      'spec.yaml:7:15: denormalize.0.entity: unknown entity "ordr" (did you mean "order"?)',
      'spec.yaml:8:29: denormalize.1.field: order already has the column total: a denormalized field is a new column',
      'spec.yaml:9:29: denormalize.2.field: order already has the column customer_id (the ref field "customer"): a denormalized field is a new column',
      'spec.yaml:10:42: denormalize.3.from: expected entity.field, such as customer.email, got "email"',
      'spec.yaml:11:42: denormalize.4.from: customer has no field "emial" (did you mean "email"?)',
      'spec.yaml:12:43: denormalize.5.from: customer.region is a ref field: denormalize copies a value, not a reference',
      'spec.yaml:13:48: denormalize.6.from: order has no ref to region to copy region.name through',
    ]);
  });
});

describe('readSpec: queries', () => {
  it('reports the parser\'s message where it points, in a quoted string and in a | block', () => {
    const text = withFields(
      ['email: email'],
      'queries:',
      '  - { name: by email, sql: "SELECT id FROM customers WHERE email = $1 ORDER BY id LIMT 5" }',
      '  - name: recent',
      '    sql: |',
      '      SELECT id',
      '      FROM customers',
      '      WHERE id > > 5',
      "  - { name: emoji, sql: 'SELECT ''😀'' FORM t' }",
    );
    expect(problems(text)).toEqual([
      'spec.yaml:7:83: queries.0.sql: syntax error at or near "LIMT"',
      'spec.yaml:12:18: queries.1.sql: syntax error at or near ">"',
      // Quotes doubled inside: the text is not the string as written, so the string's start.
      'spec.yaml:13:25: queries.2.sql: syntax error at or near "t"',
    ]);
    expect(problems(withFields(['email: email'], 'queries:', '  - { name: q, sql: "SELECT \'😀\' FORM t" }'))).toEqual([
      'spec.yaml:7:38: queries.0.sql: syntax error at or near "t"',
    ]);
  });

  it('wants one query statement, a unique name, and per_second or weight', () => {
    const text = withFields(
      ['email: email'],
      'queries:',
      '  - { name: q, per_second: 5, weight: 2, sql: "SELECT 1" }',
      '  - { name: q, sql: "SELECT 1; SELECT 2" }',
      '  - { name: r, sql: "CREATE TABLE t (x int)" }',
      '  - { name: s, sql: ";" }',
    );
    expect(problems(text)).toEqual([
      'spec.yaml:7:31: queries.0.weight: give per_second or weight, not both',
      'spec.yaml:8:13: queries.1.name: another query is named "q" (queries.0)',
      'spec.yaml:8:21: queries.1.sql: expected one statement, found 2',
      'spec.yaml:9:21: queries.2.sql: expected a query (SELECT, INSERT, UPDATE, DELETE or MERGE), got CREATE',
      'spec.yaml:10:21: queries.3.sql: expected one statement, found none',
    ]);
  });
});

describe('SpecError', () => {
  it('lists every problem, schema and meaning alike, in the order of the file', () => {
    const text = yaml(
      'name: shop',
      'entities:',
      '  customer:',
      '    rows: many',
      '    fields:',
      '      email: { type: emial, uniqe: true }',
      '  order: { fields: { customer: { ref: client } } }',
      'queries:',
      '  - { name: q, sql: "SELEC 1" }',
    );
    let error: unknown;
    try {
      readSpec('shop.yaml', text);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SpecError);
    expect(error).toBeInstanceOf(SchemawiseError);
    const e = error as SpecError;
    expect(e.problems).toEqual([
      { path: 'entities.customer.rows', message: 'expected a count such as 50000, 100k, 2M or 1e6, got "many"', span: { file: 'shop.yaml', line: 4, column: 11 } },
      { path: 'entities.customer.fields.email.type', message: 'unknown type "emial" (did you mean "email"?)', span: { file: 'shop.yaml', line: 6, column: 22 } },
      { path: 'entities.customer.fields.email.uniqe', message: 'unknown key "uniqe" (did you mean "unique"?)', span: { file: 'shop.yaml', line: 6, column: 29 } },
      { path: 'entities.order.fields.customer.ref', message: 'unknown entity "client"', span: { file: 'shop.yaml', line: 7, column: 39 } },
      { path: 'queries.0.sql', message: 'syntax error at or near "SELEC"', span: { file: 'shop.yaml', line: 9, column: 22 } },
    ]);
    expect(e.message).toBe(e.problems.map((p) => `shop.yaml:${p.span!.line}:${p.span!.column}: ${p.path}: ${p.message}`).join('\n'));
    // The CLI prints format(): the lines carry their locations, no second prefix.
    expect(e.format()).toBe(e.message);
    expect(e.span).toEqual({ file: 'shop.yaml', line: 4, column: 11 });
  });
});

describe('specJsonSchema', () => {
  it('describes the spec for editors', () => {
    const schema = specJsonSchema() as { properties: Record<string, any>; required: string[] };
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['entities', 'queries', 'conventions']));
    expect(schema.required).toEqual(['name', 'entities']);
    expect(() => JSON.parse(JSON.stringify(schema))).not.toThrow();
  });

  it('has patterns that accept what the spec accepts (no regex flags in JSON Schema)', () => {
    const entity = (specJsonSchema() as any).properties.entities.additionalProperties.properties;
    const rows = new RegExp(entity.rows.anyOf.find((s: any) => s.pattern).pattern);
    const growth = new RegExp(entity.growth.pattern);
    expect(['2M', '50k', '1.5B', '2E6', '50000'].filter((v) => !rows.test(v))).toEqual([]);
    expect(['100k/month', '3M/year', '5/s'].filter((v) => !growth.test(v))).toEqual([]);
  });
});

describe('two more meaning checks', () => {
  beforeAll(() => initParser());
  const problems = (yaml: string) => {
    try {
      readSpec('spec.yaml', yaml);
      return [];
    } catch (error) {
      return (error as SpecError).problems.map((p) => `${p.span?.line}:${p.span?.column} ${p.path}: ${p.message}`);
    }
  };
  it('two entities with one table name', () => {
    expect(problems('name: x\nentities:\n  person: { fields: { name: text } }\n  people: { fields: { name: text } }\n')).toEqual(['4:3 entities.people: the table of "people" would be people, as the table of "person"']);
    expect(problems('name: x\nconventions: { tables: singular }\nentities:\n  person: { fields: { name: text } }\n  people: { fields: { name: text } }\n')).toEqual([]);
  });
  it('soft_delete with a deleted_at field of its own', () => {
    expect(problems('name: x\nentities:\n  doc:\n    soft_delete: true\n    fields: { title: text, deleted_at: timestamp }\n')).toEqual(['5:28 entities.doc.fields.deleted_at: soft_delete: true adds deleted_at: drop this field or the soft_delete']);
  });
});
