/**
 * advise, the pure part: what a query's parse tree says about each table it reads (equality,
 * IN, ranges, ORDER BY + LIMIT, joins, constants, expressions, GIN operators, writes), and the
 * candidate indexes made of it — named, deduplicated, and left out when an existing index
 * already does their work.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { candidateDefinition } from '../src/advise/candidate-index.js';
import { generateCandidates } from '../src/advise/generate-candidates.js';
import { nameCandidate } from '../src/advise/name-candidate.js';
import { shapeQuery, type TableAccess } from '../src/advise/query-shape.js';
import type { TableStatistics } from '../src/advise/table-statistics.js';
import { readQueries } from '../src/explain/read-queries.js';
import { loadStatic } from '../src/load/load-schema.js';
import { initNormalizer } from '../src/model/normalize.js';
import type { Database } from '../src/model/types.js';
import { initParser } from '../src/parse/parse-script.js';
import { SHOP } from './helpers/shop-schema.js';

let db: Database;
beforeAll(async () => {
  await initParser();
  await initNormalizer();
  db = (await loadStatic([{ file: 'shop.sql', sql: `${SHOP}\nALTER TABLE orders ADD COLUMN deleted_at timestamptz, ADD COLUMN notes text, ADD COLUMN paid boolean NOT NULL DEFAULT false;\nCREATE TABLE docs (id bigint PRIMARY KEY, body text NOT NULL, tsv tsvector);` }])).database;
});

const shape = (sql: string) => shapeQuery(db, readQueries('q.sql', sql)[0]);
/** The access to `table`, its key lists as SQL. */
const access = (sql: string, table: string) => {
  const a = shape(sql).accesses.find((x) => x.table === table) as TableAccess;
  expect(a, `no access to ${table}`).toBeDefined();
  const sqls = (list: { sql: string }[]) => list.map((t) => t.sql);
  return { ...a, eq: sqls(a.equality), in: sqls(a.inList), ranges: sqls(a.range), joinKeys: sqls(a.joins), consts: a.constants.map((c) => c.sql), orderBy: a.order.map((o) => `${o.target.sql}${o.desc ? ' DESC' : ''}`), cols: a.columns === 'all' ? 'all' : [...a.columns].sort() };
};

describe('the shape of a query', () => {
  it('equality, IN, ranges and ORDER BY with LIMIT, through an alias', () => {
    const a = access(`SELECT o.id, o.total FROM orders o WHERE o.customer_id = $1 AND o.status IN ('paid', 'shipped') AND o.placed_at >= $2 ORDER BY o.placed_at DESC LIMIT 20`, 'orders');
    expect(a.eq).toEqual(['customer_id']);
    expect(a.in).toEqual(['status']);
    expect(a.ranges).toEqual(['placed_at']);
    expect(a.orderBy).toEqual(['placed_at DESC']);
    expect(a.limit).toBe(true);
    expect(a.consts).toEqual([`status IN ('paid', 'shipped')`]);
    expect(a.cols).toEqual(['customer_id', 'id', 'placed_at', 'status', 'total']);
  });

  it('= ANY($1) is an IN list; BETWEEN and a flipped comparison are ranges', () => {
    const a = access(`SELECT * FROM orders WHERE id = ANY($1) AND total BETWEEN 10 AND 20 AND $2 < placed_at`, 'orders');
    expect(a.in).toEqual(['id']);
    expect(a.ranges).toEqual(['total', 'placed_at']);
    expect(a.cols).toBe('all');
  });

  it('join keys on both sides, unqualified columns resolved to the one table that has them', () => {
    const q = `SELECT full_name, total FROM customers c JOIN orders o ON o.customer_id = c.id WHERE email = $1`;
    expect(access(q, 'orders').joinKeys).toEqual(['customer_id']);
    expect(access(q, 'customers').joinKeys).toEqual(['id']);
    expect(access(q, 'customers').eq).toEqual(['email']);
    expect(access(q, 'customers').cols).toEqual(['email', 'full_name', 'id']);
  });

  it('constant predicates for partial indexes: = literal, IS NULL, IS NOT NULL, a boolean column', () => {
    const a = access(`SELECT id FROM orders WHERE status = 'paid' AND deleted_at IS NULL AND shipped_at IS NOT NULL AND NOT paid`, 'orders');
    expect(a.consts).toEqual([`status = 'paid'`, 'deleted_at IS NULL', 'shipped_at IS NOT NULL', 'NOT paid']);
    expect(a.eq).toEqual(['status', 'paid']);
    expect(a.nulls.map((t) => t.sql)).toEqual(['deleted_at']);
  });

  it('a parameter is not a constant: no partial predicate', () => {
    expect(access(`SELECT id FROM orders WHERE status = $1`, 'orders').consts).toEqual([]);
  });

  it('an expression over one table is a key: lower(email)', () => {
    const a = access(`SELECT id FROM customers c WHERE lower(c.email) = lower($1)`, 'customers');
    expect(a.eq).toEqual(['lower(email)']);
    expect(a.equality[0].columns).toEqual(['email']);
  });

  it('jsonb containment, array overlap and full text are GIN material', () => {
    expect(access(`SELECT id FROM customers WHERE prefs @> '{"a": 1}'`, 'customers').gin).toEqual([expect.objectContaining({ kind: 'jsonb', operator: '@>' })]);
    expect(access(`SELECT id FROM products WHERE tags && ARRAY['x']`, 'products').gin).toEqual([expect.objectContaining({ kind: 'array', operator: '&&' })]);
    expect(access(`SELECT id FROM docs WHERE tsv @@ websearch_to_tsquery('english', $1)`, 'docs').gin).toEqual([expect.objectContaining({ kind: 'tsvector' })]);
    const fts = access(`SELECT id FROM docs WHERE to_tsvector('english', body) @@ plainto_tsquery('english', $1)`, 'docs').gin;
    expect(fts.map((g) => [g.kind, g.target.sql])).toEqual([['tsvector', `to_tsvector('english', body)`]]);
  });

  it('ORDER BY an output alias or position, and GROUP BY', () => {
    expect(access(`SELECT placed_at AS at FROM orders WHERE customer_id = $1 ORDER BY at DESC LIMIT 5`, 'orders').orderBy).toEqual(['placed_at DESC']);
    expect(access(`SELECT customer_id, total FROM orders ORDER BY 2 LIMIT 5`, 'orders').orderBy).toEqual(['total']);
    expect(access(`SELECT status, count(*) FROM orders WHERE customer_id = $1 GROUP BY status`, 'orders').group.map((g) => g.sql)).toEqual(['status']);
  });

  it('ORDER BY across two tables orders neither', () => {
    const q = `SELECT * FROM orders o JOIN customers c ON c.id = o.customer_id ORDER BY c.full_name, o.placed_at LIMIT 10`;
    expect(access(q, 'orders').orderBy).toEqual([]);
    expect(access(q, 'customers').orderBy).toEqual([]);
  });

  it('subqueries, EXISTS and CTEs are read as queries of their own; a correlated column is a lookup value', () => {
    const q = `WITH recent AS (SELECT customer_id FROM orders WHERE placed_at > now() - interval '1 day')
      SELECT c.id FROM customers c WHERE EXISTS (SELECT 1 FROM order_items i WHERE i.order_id = c.id AND i.quantity > 3) AND c.id IN (SELECT customer_id FROM recent)`;
    const s = shape(q);
    expect(s.accesses.map((a) => a.table).sort()).toEqual(['customers', 'order_items', 'orders']);
    expect(access(q, 'order_items').eq).toEqual(['order_id']);
    expect(access(q, 'order_items').ranges).toEqual(['quantity']);
    expect(access(q, 'orders').ranges).toEqual(['placed_at']);
  });

  it('a CTE named like a table hides the table', () => {
    const s = shape(`WITH orders AS (SELECT 1 AS customer_id) SELECT * FROM orders WHERE customer_id = 1`);
    expect(s.accesses).toEqual([]);
  });

  it('writes: UPDATE with the columns it sets, DELETE, INSERT', () => {
    const u = shape(`UPDATE orders SET status = 'shipped', shipped_at = now() WHERE id = $1`);
    expect(u.write).toEqual({ kind: 'update', schema: 'public', table: 'orders', columns: ['status', 'shipped_at'] });
    expect(u.accesses[0].equality.map((t) => t.sql)).toEqual(['id']);
    expect(shape(`DELETE FROM orders WHERE deleted_at < $1`).write).toEqual({ kind: 'delete', schema: 'public', table: 'orders' });
    expect(shape(`INSERT INTO orders (customer_id, total, placed_at) VALUES ($1, $2, now())`).write).toEqual({ kind: 'insert', schema: 'public', table: 'orders' });
  });

  it('says why a statement gives nothing: unparsable, or not a query', () => {
    expect(shape(`SELEC 1`).skipped).toMatch(/parser rejects it: syntax error/);
    expect(shape(`VACUUM orders`).skipped).toBe('not a query (VacuumStmt)');
  });
});

describe('candidates', () => {
  const stats = new Map<string, TableStatistics>([
    ['public.orders', { rows: 2_000_000, bytes: 2e8, columns: new Map([['customer_id', { distinct: 50_000, width: 8, correlation: 0.01, nullFraction: 0 }], ['status', { distinct: 4, width: 4, correlation: 0.3, nullFraction: 0 }], ['placed_at', { distinct: 2e6, width: 8, correlation: 0.99, nullFraction: 0 }]]) }],
  ]);
  const candidates = (sql: string, database = db) => generateCandidates(database, readQueries('q.sql', sql).map((q) => shapeQuery(database, q)), stats);
  const definitions = (sql: string, database = db) => candidates(sql, database).map((c) => `${c.table} ${candidateDefinition(c)}`);

  it('equality keys most distinct first, then the ORDER BY in its direction, with covering and partial variants', () => {
    expect(definitions(`SELECT id, total FROM orders WHERE status = 'paid' AND customer_id = $1 ORDER BY placed_at DESC LIMIT 20`)).toEqual([
      'orders (customer_id, status)',
      'orders (customer_id, status) INCLUDE (id, placed_at, total)',
      'orders (customer_id, status, placed_at DESC)',
      'orders (customer_id, status, placed_at DESC) INCLUDE (id, total)',
      `orders (customer_id) WHERE status = 'paid'`,
      `orders (customer_id) INCLUDE (id, placed_at, total) WHERE status = 'paid'`,
      `orders (customer_id, placed_at DESC) WHERE status = 'paid'`,
      `orders (customer_id, placed_at DESC) INCLUDE (id, total) WHERE status = 'paid'`,
    ]);
  });

  it('a range after the equality keys; BRIN on a large table whose rows follow the column', () => {
    const defs = definitions(`SELECT * FROM orders WHERE customer_id = $1 AND placed_at >= $2`);
    expect(defs).toContain('orders (customer_id, placed_at)');
    expect(defs).toContain('orders USING brin (placed_at)');
  });

  it('expression keys, GIN with jsonb_path_ops for containment, pattern ops for LIKE prefixes', () => {
    // An index-only scan of an expression index needs the column itself stored (INCLUDE).
    expect(definitions(`SELECT id FROM customers WHERE lower(email) = $1`)).toEqual(['customers ((lower(email)))', 'customers ((lower(email))) INCLUDE (email, id)']);
    expect(definitions(`SELECT id FROM customers WHERE prefs @> '{"a": 1}'`)).toEqual(['customers USING gin (prefs jsonb_path_ops)']);
    expect(definitions(`SELECT id FROM products WHERE name LIKE 'abc%'`)).toEqual(['products (name text_pattern_ops)', 'products (name text_pattern_ops) INCLUDE (id)']);
  });

  it('nothing an existing index already does: the key of order_items, a prefix of it, or the same keys', () => {
    expect(definitions(`SELECT quantity FROM order_items WHERE order_id = $1`)).toEqual(['order_items (order_id) INCLUDE (quantity)']);
    expect(definitions(`SELECT * FROM order_items WHERE order_id = $1 AND product_id = $2`)).toEqual([]);
    expect(definitions(`SELECT * FROM customers WHERE email = $1`)).toEqual([]);
  });

  it('one candidate per definition, remembering every query that proposed it', () => {
    const cs = candidates(`SELECT * FROM orders WHERE customer_id = $1;\nSELECT * FROM orders o JOIN customers c ON c.id = o.customer_id WHERE c.email = $1`);
    const byCustomer = cs.filter((c) => candidateDefinition(c) === '(customer_id)');
    expect(byCustomer).toHaveLength(1);
    expect([...byCustomer[0].from]).toEqual([0, 1]);
    expect(byCustomer[0].reasons).toEqual(['equality', 'join']);
  });

  it('names follow idx_{table}_{columns}, a partial index\'s predicate as qualifier, _2 when taken', () => {
    const cs = candidates(`SELECT id FROM orders WHERE status = 'paid' AND customer_id = $1`);
    const taken = new Set<string>();
    expect(cs.map((c) => nameCandidate(db, c, taken))).toEqual(['idx_orders_customer_id_status', 'idx_orders_customer_id_status_2', 'idx_orders_customer_id_paid', 'idx_orders_customer_id_paid_2']);
    expect(nameCandidate(db, candidates(`SELECT id FROM customers WHERE lower(email) = $1`)[0], new Set())).toBe('idx_customers_lower_email');
  });
});

describe('the shape of a query, second review', () => {
  it('an outer join\'s ON condition on its preserved side alone filters nothing', () => {
    const q = `SELECT c.id, o.id FROM customers c LEFT JOIN orders o ON o.customer_id = c.id AND c.email = 'x' AND o.status = 'paid'`;
    expect(access(q, 'customers').eq).toEqual([]);
    expect(access(q, 'customers').consts).toEqual([]);
    expect(access(q, 'orders').consts).toEqual([`status = 'paid'`]);
    expect(access(q, 'orders').joinKeys).toEqual(['customer_id']);
  });

  it('full text with the query on the left: $1 @@ tsv', () => {
    expect(access(`SELECT id FROM docs WHERE websearch_to_tsquery('english', $1) @@ tsv`, 'docs').gin.map((g) => g.kind)).toEqual(['tsvector']);
  });
});
