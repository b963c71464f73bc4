import { describeShape, dropIndexSql, indexShapes, redundantIndexes } from '../index-compare.js';
import { tablesOf } from '../model-walk.js';
import { defineRule } from '../types.js';

export default defineRule({
  id: 'redundant-index',
  meta: {
    category: 'indexes',
    severity: 'warning',
    description: 'No btree index is a leading prefix of another btree index with the same predicate.',
    rationale: `A btree index on \`(a, b)\` serves every search, range scan and ordering that an index on \`(a)\`
serves: its entries are sorted by \`a\` first. The shorter index is still written on every INSERT and every
non-HOT UPDATE, takes disk and shared buffers, and makes every UPDATE of \`a\` ineligible for HOT. Dropping it
costs little: a scan on \`a\` alone reads the wider index, slightly larger per entry.

An index is redundant to another btree when: it enforces nothing (not UNIQUE, not behind a PRIMARY KEY,
UNIQUE or EXCLUDE constraint: a unique index on \`(a)\` enforces more than one on \`(a, b)\`); both have the same
predicate; its keys are the other's leading keys with the same column or expression, operator class and
collation; the directions match, or are all reversed (a btree is read backwards: \`(a DESC)\` orders like
\`(a, b)\` read backwards, but \`(a, b DESC)\` is not a prefix of \`(a, b, c)\`); and each of its INCLUDE
columns is a key or INCLUDE column of the other (so index-only scans still work). Hence \`(a)\` is
redundant to \`(a) INCLUDE (b)\`, but \`(a) INCLUDE (b)\` is not redundant to \`(a)\`. Indexes with exactly the
same definition are left to \`duplicate-index\`; of two indexes that serve each other (the same keys in
reversed directions) only the one later by name is reported. Check \`pg_stat_user_indexes\` before dropping:
a much narrower index can still be chosen for speed on a very wide table.`,
    invalid: [
      `CREATE TABLE orders (
  id bigint PRIMARY KEY,
  customer_id bigint NOT NULL,
  placed_at timestamptz NOT NULL
);
CREATE INDEX orders_customer ON orders (customer_id); -- flagged
CREATE INDEX orders_customer_placed ON orders (customer_id, placed_at);`,
      `CREATE TABLE order_items (
  order_id bigint NOT NULL,
  line_no integer NOT NULL,
  quantity integer NOT NULL,
  PRIMARY KEY (order_id, line_no)
);
CREATE INDEX order_items_order_desc ON order_items (order_id DESC); -- flagged`,
      `CREATE TABLE tickets (
  id bigint PRIMARY KEY,
  queue text NOT NULL,
  status text NOT NULL
);
CREATE INDEX tickets_queue ON tickets (queue); -- flagged
CREATE INDEX tickets_queue_status ON tickets (queue) INCLUDE (status);`,
    ],
    valid: [
      `CREATE TABLE orders (
  id bigint PRIMARY KEY,
  customer_id bigint NOT NULL,
  placed_at timestamptz NOT NULL,
  code text NOT NULL
);
CREATE UNIQUE INDEX orders_code ON orders (code);
CREATE INDEX orders_code_placed ON orders (code, placed_at);
CREATE INDEX orders_placed ON orders (placed_at);
CREATE INDEX orders_customer_placed ON orders (customer_id, placed_at);`,
      `CREATE TABLE tickets (
  id bigint PRIMARY KEY,
  queue text NOT NULL,
  status text NOT NULL,
  closed_at timestamptz
);
CREATE INDEX tickets_open_queue ON tickets (queue) WHERE closed_at IS NULL;
CREATE INDEX tickets_queue_status ON tickets (queue, status);
CREATE INDEX tickets_queue_prefix ON tickets (queue text_pattern_ops);
CREATE INDEX tickets_status_covering ON tickets (status) INCLUDE (closed_at);
CREATE INDEX tickets_status_id ON tickets (status, id);`,
      `CREATE TABLE scores (
  player_id bigint NOT NULL,
  score integer NOT NULL,
  at timestamptz NOT NULL
);
CREATE INDEX scores_player_best ON scores (player_id, score DESC);
CREATE INDEX scores_player_score_at ON scores (player_id, score, at);
CREATE INDEX scores_player_hash ON scores USING hash (player_id);`,
    ],
  },
  check({ database, report }) {
    for (const t of tablesOf(database)) {
      for (const { index, coveredBy } of redundantIndexes(indexShapes(t.table))) {
        report({
          message: `Index ${index.name} ${describeShape(index)} is redundant: ${coveredBy.name} ${describeShape(coveredBy)} starts with the same keys`,
          object: `${t.schema.name}.${index.name}`,
          table: t.name,
          span: index.span,
          help: `Every scan ${index.name} can do, ${coveredBy.name} does too; ${index.name} only adds write cost and blocks HOT updates of its columns. Drop it after checking pg_stat_user_indexes.idx_scan.`,
          fix: { title: `Drop ${index.name}`, sql: dropIndexSql(t, index.name) },
        });
      }
    }
  },
});
