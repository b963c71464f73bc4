import { singularize } from '../inflect.js';
import { columnObject, columnOf, tablesOf } from '../model-walk.js';
import { toSnakeCase } from '../name-style.js';
import { defineRule } from '../types.js';

const snake = (name: string) => toSnakeCase(name) ?? name.toLowerCase();
const lastWord = (name: string) => name.slice(name.lastIndexOf('_') + 1);

/**
 * Whether `column` names the referenced table: it ends in `{entity}_id`, `{entity}id` or
 * `{entity}_{refColumn}`, any prefix before (a role: `billing_customer_id`), or in a referenced
 * column that itself names the entity (`manager_staff_id` for `staff (staff_id)`). The entity is the
 * last word of the table's name, in either number: `address_id` fits `customer_addresses`.
 */
function namesTable(column: string, refColumn: string, refTable: string): boolean {
  const plural = lastWord(refTable);
  // singularize mangles a few words (`movies` → `movy`): also try the plural without its s.
  const forms = [plural, singularize(plural), ...(plural.length > 3 && plural.endsWith('s') ? [plural.slice(0, -1)] : [])];
  // A counter tells several references to one table apart: `site_id_1`, `site_id_2`.
  const name = column.replace(/_?\d+$/, '');
  if (name.endsWith(refColumn) && forms.some((f) => refColumn.startsWith(f))) return true;
  for (const tail of new Set(['_id', 'id', `_${refColumn}`, refColumn])) {
    if (!name.endsWith(tail) || name.length === tail.length) continue;
    const stem = name.slice(0, -tail.length);
    if (forms.some((f) => stem.endsWith(f))) return true;
  }
  return false;
}

export default defineRule({
  id: 'foreign-key-column-name',
  meta: {
    category: 'naming',
    severity: 'info',
    description: 'A single-column foreign key is named after the table it references: `customer_id` for `customers`.',
    rationale: `When a referencing column is named \`{referenced table, singular}_id\`, a reader knows what it points to
without looking up the constraint, joins write themselves (\`orders.customer_id = customers.id\`), and tools
that infer relationships from names (ORMs, ERD generators, PostgREST-style APIs) get them right. A column
named \`buyer\` or \`cust\` hides the relationship. Accepted: \`{entity}_id\` with a role prefix
(\`billing_customer_id\`, \`manager_staff_id\`) or a counter suffix (\`site_id_2\`); \`{entity}id\` without the
underscore (\`customerid\`: it still names the table); the referenced column's own name (\`store_id\`
referencing \`store (store_id)\`); \`{entity}_{column}\` for a natural key (\`currency_code\` referencing
\`currencies (code)\`); the last word of a multi-word table (\`address_id\` for \`customer_addresses\`); any name
for a self-reference (\`parent_id\`, \`reports_to\`: the role is the point); and audit columns ending in \`_by\`
(\`created_by\`), which name an actor rather than a table. Multi-column keys are not checked. Renaming a
column is a change for every client, so there is no fix.`,
    invalid: [
      `CREATE TABLE customers (id bigint PRIMARY KEY);
CREATE TABLE orders (
  id bigint PRIMARY KEY,
  buyer bigint NOT NULL REFERENCES customers (id), -- flagged
  cust_id bigint REFERENCES customers (id) -- flagged
);`,
      `CREATE TABLE currencies (code char(3) PRIMARY KEY);
CREATE TABLE prices (
  id bigint PRIMARY KEY,
  amount numeric NOT NULL,
  currency char(3) NOT NULL, -- flagged
  FOREIGN KEY (currency) REFERENCES currencies (code)
);`,
    ],
    valid: [
      `CREATE TABLE customers (id bigint PRIMARY KEY);
CREATE TABLE people (id bigint PRIMARY KEY);
CREATE TABLE currencies (code char(3) PRIMARY KEY);
CREATE TABLE customer_addresses (id bigint PRIMARY KEY);
CREATE TABLE orders (
  id bigint PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id),
  billing_customer_id bigint REFERENCES customers (id),
  person_id bigint REFERENCES people (id),
  currency_code char(3) REFERENCES currencies (code),
  shipping_address_id bigint REFERENCES customer_addresses (id),
  parent_id bigint REFERENCES orders (id),
  created_by bigint REFERENCES people (id)
);`,
      `CREATE TABLE store (store_id integer PRIMARY KEY);
CREATE TABLE staff (
  staff_id integer PRIMARY KEY,
  store_id integer NOT NULL REFERENCES store (store_id)
);
ALTER TABLE store ADD COLUMN manager_staff_id integer REFERENCES staff (staff_id);
CREATE TABLE shipments (
  order_no integer NOT NULL,
  line_no integer NOT NULL,
  PRIMARY KEY (order_no, line_no)
);
CREATE TABLE parcels (
  id bigint PRIMARY KEY,
  shipment_order integer NOT NULL,
  shipment_line integer NOT NULL,
  FOREIGN KEY (shipment_order, shipment_line) REFERENCES shipments (order_no, line_no)
);`,
    ],
  },
  check({ database, report }) {
    for (const t of tablesOf(database)) {
      for (const fk of t.table.foreignKeys) {
        if (fk.columns.length !== 1) continue;
        if (fk.refTable.schema === t.schema.name && fk.refTable.name === t.table.name) continue;
        const [column] = fk.columns;
        const [refColumn] = fk.refColumns;
        if (column === refColumn) continue;
        const name = snake(column);
        const ref = snake(fk.refTable.name);
        if (name.endsWith('_by') || namesTable(name, snake(refColumn), ref)) continue;

        const entity = singularize(ref);
        const suggested = refColumn === 'id' ? `${entity}_id` : snake(refColumn).startsWith(lastWord(entity)) ? snake(refColumn) : `${entity}_${snake(refColumn)}`;
        report({
          message: `Column ${column} of ${t.name} references ${fk.refTable.schema}.${fk.refTable.name} but its name does not say so`,
          object: columnObject(t, column),
          table: t.name,
          span: columnOf(t.table, column)?.span ?? fk.span,
          help: `Name it ${suggested}${/_id$/.test(name) ? '' : `, or ${name}_${suggested} to keep the role`}, so readers and tools see the relationship.`,
        });
      }
    }
  },
});
