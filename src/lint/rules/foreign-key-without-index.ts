import { quoteIdent } from '../../model/quote-ident.js';
import { createIndexSql, freeRelationName } from '../create-index-sql.js';
import { indexesOf, tablesOf, type IndexLike } from '../model-walk.js';
import { fillPattern, nameParts } from '../naming.js';
import { defineRule } from '../types.js';

/** An index serves the FK's lookups when its leading keys are exactly the FK's columns, in any order. */
export function coversColumns(ix: IndexLike, columns: string[]): boolean {
  if (ix.where || !(ix.method === 'btree' || (ix.method === 'hash' && columns.length === 1))) return false;
  if (ix.columns.length < columns.length) return false;
  const leading = ix.columns.slice(0, columns.length);
  return leading.every((c, i) => ix.plain[i] && columns.includes(c)) && new Set(leading).size === columns.length;
}

export default defineRule({
  id: 'foreign-key-without-index',
  meta: {
    category: 'indexes',
    severity: 'warning',
    description: 'The referencing columns of every foreign key are the leading columns of an index.',
    rationale: `PostgreSQL indexes the referenced side of a foreign key (it must be unique) but not the
referencing side. Every DELETE or key UPDATE on the parent then scans the child table for referencing rows
(under the parent row's lock), ON DELETE CASCADE becomes a sequential scan per parent row, and joins from
parent to children have no index. An index whose leading columns are the FK's columns, in any order, serves
it; a composite primary key counts. A partial or expression index does not.`,
    invalid: [
      `CREATE TABLE customers (id bigint PRIMARY KEY);
CREATE TABLE orders (
  id bigint PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id) -- flagged
);`,
      `CREATE TABLE customers (id bigint PRIMARY KEY);
CREATE TABLE orders (
  id bigint PRIMARY KEY,
  customer_id bigint NOT NULL,
  archived boolean NOT NULL DEFAULT false,
  CONSTRAINT fk_orders_customers FOREIGN KEY (customer_id) REFERENCES customers (id) -- flagged
);
CREATE INDEX idx_orders_customer_id ON orders (customer_id) WHERE NOT archived;`,
    ],
    valid: [
      `CREATE TABLE customers (id bigint PRIMARY KEY);
CREATE TABLE orders (
  id bigint PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id)
);
CREATE INDEX idx_orders_customer_id_id ON orders (customer_id, id);`,
      `CREATE TABLE orders (id bigint PRIMARY KEY);
CREATE TABLE order_items (
  order_id bigint NOT NULL REFERENCES orders (id),
  line_no integer NOT NULL,
  PRIMARY KEY (order_id, line_no)
);`,
    ],
  },
  check({ database, report }) {
    for (const t of tablesOf(database)) {
      const indexes = indexesOf(t.table);
      for (const fk of t.table.foreignKeys) {
        if (indexes.some((ix) => coversColumns(ix, fk.columns))) continue;
        const name = freeRelationName(t.schema, fillPattern('idx_{table}_{columns}', { table: t.table.name, columns: nameParts(fk.columns) }));
        report({
          message: `Foreign key ${fk.name} (${fk.columns.join(', ')}) has no index on its columns`,
          object: `${t.name}.${fk.name}`,
          table: t.name,
          span: fk.span,
          help: `Deletes and key updates on ${fk.refTable.schema}.${fk.refTable.name} scan ${t.name} for referencing rows. Index (${fk.columns.join(', ')}).`,
          fix: { title: `Index ${t.table.name} (${fk.columns.join(', ')})`, sql: createIndexSql(database, t, name, `(${fk.columns.map(quoteIdent).join(', ')})`) },
        });
      }
    }
  },
});
