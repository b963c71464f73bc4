import { quoteIdent } from '../../model/quote-ident.js';
import { fillPlaceholders, freeName, patternMatcher } from '../name-style.js';
import { constraintNames, tablesOf } from '../model-walk.js';
import { byteLength, MAX_IDENTIFIER_BYTES, nameParts } from '../naming.js';
import { defineRule } from '../types.js';

export default defineRule({
  id: 'foreign-key-name-convention',
  meta: {
    category: 'naming',
    severity: 'info',
    description: 'Foreign keys are named `fk_{table}_{ref_table}` (configurable).',
    rationale: `A foreign key's name is what a violation reports ("violates foreign key constraint ...") and what a
migration must spell to drop or validate it. PostgreSQL's default, \`{table}_{column}_fkey\`, names the column
but not the table it points to; \`fk_orders_customers\` says both ends. When a table has several foreign keys
to the same table, a \`_qualifier\` tells them apart (\`fk_orders_addresses_billing\`,
\`fk_orders_addresses_shipping\`); it is accepted after any name that follows the pattern. Where the full name
would pass PostgreSQL's 63-byte limit the convention cannot be met and any name is accepted. The severity
is info: the name changes nothing in how the constraint works. The fix, \`ALTER TABLE ... RENAME CONSTRAINT\`,
is a catalog change, but it takes an ACCESS EXCLUSIVE lock on the table: brief, yet it queues behind long
transactions and blocks everything queued behind it, so run it with a short \`lock_timeout\`. On a partitioned
table only the parent's constraint is renamed; the partitions' copies keep their names.`,
    options: { pattern: 'fk_{table}_{ref_table}' },
    optionDocs: {
      pattern: 'Placeholders `{table}`, `{ref_table}` (the referenced table) and `{columns}` (the referencing columns joined by `_`).',
    },
    invalid: [
      `CREATE TABLE customers (id bigint PRIMARY KEY);
CREATE TABLE orders (
  id bigint PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id) -- flagged
);`,
      `CREATE TABLE addresses (id bigint PRIMARY KEY);
CREATE TABLE orders (
  id bigint PRIMARY KEY,
  billing_address_id bigint NOT NULL,
  shipping_address_id bigint NOT NULL,
  CONSTRAINT orders_billing_fk FOREIGN KEY (billing_address_id) REFERENCES addresses (id), -- flagged
  CONSTRAINT orders_shipping_fk FOREIGN KEY (shipping_address_id) REFERENCES addresses (id) -- flagged
);`,
    ],
    valid: [
      `CREATE TABLE customers (id bigint PRIMARY KEY);
CREATE TABLE orders (
  id bigint PRIMARY KEY,
  customer_id bigint NOT NULL CONSTRAINT fk_orders_customers REFERENCES customers (id)
);`,
      `CREATE TABLE addresses (id bigint PRIMARY KEY);
CREATE TABLE orders (
  id bigint PRIMARY KEY,
  billing_address_id bigint NOT NULL,
  shipping_address_id bigint NOT NULL,
  CONSTRAINT fk_orders_addresses_billing FOREIGN KEY (billing_address_id) REFERENCES addresses (id),
  CONSTRAINT fk_orders_addresses_shipping FOREIGN KEY (shipping_address_id) REFERENCES addresses (id)
);
CREATE TABLE employees (
  id bigint PRIMARY KEY,
  manager_id bigint CONSTRAINT fk_employees_employees REFERENCES employees (id)
);`,
    ],
  },
  check({ database, options, report }) {
    for (const t of tablesOf(database)) {
      const taken = constraintNames(t.table);
      for (const fk of t.table.foreignKeys) {
        const values = { table: t.table.name, ref_table: fk.refTable.name, columns: nameParts(fk.columns) };
        const full = fillPlaceholders(options.pattern, values);
        if (byteLength(full) > MAX_IDENTIFIER_BYTES) continue;
        if (patternMatcher(options.pattern, values)(fk.name)) continue;

        // Several keys to the same table need a qualifier to be told apart: their columns.
        const siblings = t.table.foreignKeys.filter((f) => f.refTable.schema === fk.refTable.schema && f.refTable.name === fk.refTable.name);
        const qualify = siblings.length > 1 && !options.pattern.includes('{columns}');
        const wanted = qualify ? [`${full}_${values.columns}`, `${full}_${nameParts(fk.columns.slice(0, 1))}`] : [full];
        const target = wanted.map((w) => freeName(w, taken)).find(Boolean) ?? null;
        if (target) taken.add(target);
        report({
          message: `Foreign key ${fk.name} on ${t.name} does not follow ${options.pattern}`,
          object: `${t.name}.${fk.name}`,
          table: t.name,
          span: fk.span,
          help: `Expected ${full}, optionally followed by _qualifier (needed when several keys reference ${fk.refTable.name}).`,
          ...(target && {
            fix: {
              title: `Rename constraint ${fk.name} to ${target}`,
              sql: `-- Takes a brief ACCESS EXCLUSIVE lock on ${t.table.name}: run it with a short lock_timeout.\nALTER TABLE ${t.sql} RENAME CONSTRAINT ${quoteIdent(fk.name)} TO ${quoteIdent(target)};`,
            },
          }),
        });
      }
    }
  },
});
