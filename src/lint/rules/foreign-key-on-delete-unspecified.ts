import { columnOf, tablesOf } from '../model-walk.js';
import { defineRule } from '../types.js';

export default defineRule({
  id: 'foreign-key-on-delete-unspecified',
  meta: {
    category: 'integrity',
    severity: 'info',
    description: 'Every foreign key states what happens when the referenced row is deleted.',
    rationale: `Without \`ON DELETE\`, a foreign key gets \`NO ACTION\`: deleting a referenced row fails while
children exist (checked at the end of the statement, or of the transaction when the key is DEFERRABLE). That
is often right, but it is then a default nobody chose. Decide per relationship: \`ON DELETE CASCADE\` for owned
children that mean nothing without their parent (order lines of an order); \`ON DELETE RESTRICT\` for
references to things that must not disappear while used (the product of an order line), which also fails
immediately, even inside a deferred key; \`ON DELETE SET NULL\` for optional links that may be cut (an
assignee who leaves). PostgreSQL stores \`NO ACTION\` written out exactly as the default
(\`pg_constraint.confdeltype = 'a'\` either way), and the model, from a file or a database, records the same
value for both: an explicit \`ON DELETE NO ACTION\` is reported too. Write \`ON DELETE RESTRICT\`, which behaves
the same for non-deferred keys, to record the decision.`,
    invalid: [
      `CREATE TABLE customers (id bigint PRIMARY KEY);
CREATE TABLE orders (
  id bigint PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id) -- flagged
);`,
      `CREATE TABLE orders (id bigint PRIMARY KEY);
CREATE TABLE order_lines (
  order_id bigint NOT NULL,
  line_no integer NOT NULL,
  PRIMARY KEY (order_id, line_no),
  FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE NO ACTION -- flagged
);`,
    ],
    valid: [
      `CREATE TABLE customers (id bigint PRIMARY KEY);
CREATE TABLE orders (
  id bigint PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id) ON DELETE RESTRICT
);
CREATE TABLE order_lines (
  order_id bigint NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  line_no integer NOT NULL,
  PRIMARY KEY (order_id, line_no)
);`,
      `CREATE TABLE users (id bigint PRIMARY KEY);
CREATE TABLE tickets (
  id bigint PRIMARY KEY,
  assignee_id bigint REFERENCES users (id) ON DELETE SET NULL
);`,
    ],
  },
  check({ database, report }) {
    for (const t of tablesOf(database)) {
      for (const fk of t.table.foreignKeys) {
        if (fk.onDelete !== 'no action') continue;
        const ref = `${fk.refTable.schema}.${fk.refTable.name}`;
        // The shape of the key hints at the relationship: part of the child's primary key means
        // an owned child; all columns nullable means an optional link.
        const owned = fk.columns.some((c) => t.table.primaryKey?.columns.includes(c));
        const optional = fk.columns.every((c) => columnOf(t.table, c)?.notNull === false && !t.table.primaryKey?.columns.includes(c));
        const hint = owned
          ? `Its columns are part of ${t.name}'s primary key, which suggests owned children: CASCADE.`
          : optional
            ? `Its columns are nullable, which suggests an optional link: SET NULL, or RESTRICT.`
            : `CASCADE if ${t.name} rows are owned by ${ref}, RESTRICT if they only refer to it.`;
        report({
          message: `Foreign key ${fk.name} (${fk.columns.join(', ')}) → ${ref} has no ON DELETE action (NO ACTION, the default)`,
          object: `${t.name}.${fk.name}`,
          table: t.name,
          span: fk.span,
          help: `Decide what deleting a ${ref} row does to ${t.name}: CASCADE (owned children), RESTRICT (references), SET NULL (optional links). ${hint}`,
        });
      }
    }
  },
});
