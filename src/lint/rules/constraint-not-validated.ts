import { quoteIdent } from '../../model/quote-ident.js';
import { tablesOf } from '../model-walk.js';
import { defineRule } from '../types.js';

export default defineRule({
  id: 'constraint-not-validated',
  meta: {
    category: 'integrity',
    severity: 'warning',
    description: 'CHECK and FOREIGN KEY constraints added `NOT VALID` are validated afterwards.',
    rationale: `\`ADD CONSTRAINT ... NOT VALID\` is the first half of the online way to add a constraint: it
is enforced for new and updated rows at once, without scanning the table. Until
\`ALTER TABLE ... VALIDATE CONSTRAINT\` runs, existing rows may still violate it, and the planner cannot rely
on it (constraint exclusion ignores a NOT VALID CHECK, and \`SET NOT NULL\` cannot use it to skip its scan). VALIDATE scans
the table under a SHARE UPDATE EXCLUSIVE lock, which lets reads and writes go on; for a foreign key it also
takes ROW SHARE on the referenced table (not the SHARE ROW EXCLUSIVE that adding the key takes), so the
parent stays writable too. A NOT VALID constraint in a schema's final state means the second half was
forgotten. Domain constraints added NOT VALID are not seen here: the model does not record their validity.`,
    invalid: [
      `CREATE TABLE orders (
  id bigint PRIMARY KEY,
  total numeric(12,2) NOT NULL
);
ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID; -- flagged`,
      `CREATE TABLE customers (id bigint PRIMARY KEY);
CREATE TABLE orders (
  id bigint PRIMARY KEY,
  customer_id bigint NOT NULL
);
ALTER TABLE orders ADD CONSTRAINT fk_orders_customers -- flagged
  FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;`,
    ],
    valid: [
      `CREATE TABLE orders (
  id bigint PRIMARY KEY,
  total numeric(12,2) NOT NULL
);
ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_total_check;`,
      `CREATE TABLE customers (id bigint PRIMARY KEY);
CREATE TABLE orders (
  id bigint PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id)
);`,
    ],
  },
  check({ database, report }) {
    for (const t of tablesOf(database)) {
      const constraints = [
        ...t.table.checks.map((c) => ({ kind: 'CHECK' as const, name: c.name, notValid: c.notValid, span: c.span, ref: null })),
        ...t.table.foreignKeys.map((f) => ({ kind: 'FOREIGN KEY' as const, name: f.name, notValid: f.notValid, span: f.span, ref: `${f.refTable.schema}.${f.refTable.name}` })),
      ];
      for (const c of constraints) {
        if (!c.notValid) continue;
        const locks = c.ref
          ? `SHARE UPDATE EXCLUSIVE on ${t.name} and ROW SHARE on ${c.ref}: reads and writes on both go on`
          : `SHARE UPDATE EXCLUSIVE on ${t.name}: reads and writes go on`;
        report({
          message: `${c.kind} constraint ${c.name} on ${t.name} is NOT VALID: existing rows were never checked`,
          object: `${t.name}.${c.name}`,
          table: t.name,
          span: c.span,
          help: `Validate it: the scan takes ${locks}. It fails on the first violating row, so find and repair those first.`,
          fix: {
            title: `Validate ${c.name}`,
            sql: `-- Fails if an existing row violates ${c.name}: repair those rows first.\nALTER TABLE ${t.sql} VALIDATE CONSTRAINT ${quoteIdent(c.name)};`,
          },
        });
      }
    }
  },
});
