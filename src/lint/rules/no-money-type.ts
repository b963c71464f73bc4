import { quoteIdent } from '../../model/quote-ident.js';
import { columnType, describeType } from '../column-types.js';
import { columnObject, tablesOf } from '../model-walk.js';
import { defineRule } from '../types.js';

export default defineRule({
  id: 'no-money-type',
  meta: {
    category: 'types',
    severity: 'warning',
    description: 'Amounts are `numeric(p,s)` (with a currency column when needed), not `money`.',
    rationale: `\`money\` formats and parses according to the server's \`lc_monetary\` setting: the same stored value prints
as \`$1,000.00\` on one server and \`1.000,00 €\` on another, and a dump restored under a different locale can
fail to load or silently change scale. The number of decimals is fixed by the locale (2 in most), so
fractions of a cent (unit prices, exchange rates, taxes) are rounded on input; the type carries no currency,
and dividing money by money or mixing it with \`numeric\` needs casts. \`numeric(p,s)\` is exact,
locale-independent and chooses its own scale (\`numeric(19,4)\` is a common choice); store the currency
in a separate column (ISO 4217 code) when amounts can be in more than one.

Converting is \`ALTER COLUMN ... TYPE numeric(19,4) USING col::numeric\` (the cast is exact and does not
depend on the locale), which rewrites the table under an ACCESS EXCLUSIVE lock: no automatic fix.`,
    invalid: [
      `CREATE TABLE invoices (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  total money NOT NULL, -- flagged
  installments money[] -- flagged
);`,
      `CREATE DOMAIN price AS money CHECK (VALUE >= '0'::money);
CREATE TABLE products (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  list_price price NOT NULL -- flagged
);`,
    ],
    valid: [
      `CREATE TABLE invoices (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  total numeric(19,4) NOT NULL,
  currency char(3) NOT NULL DEFAULT 'EUR',
  money_transfer_ref text
);`,
    ],
  },
  check({ database, report }) {
    for (const t of tablesOf(database)) {
      for (const column of t.table.columns) {
        const type = columnType(database, t, column);
        if (type.name !== 'money') continue;
        const domain = type.domains[type.domains.length - 1];
        const arr = type.array ? '[]' : '';
        report({
          message: `Column ${column.name} is ${describeType(column, type)}: its format and scale depend on lc_monetary`,
          object: columnObject(t, column.name),
          table: t.name,
          span: column.span,
          help: domain
            ? `Domain ${domain} is over money; a domain's base type cannot be altered: create one over numeric(19,4) and move the columns to it with ALTER COLUMN ... TYPE ... USING ${quoteIdent(column.name)}::numeric${arr} (a table rewrite).`
            : `Use numeric (and a currency column if amounts vary in currency): ALTER TABLE ${t.sql} ALTER COLUMN ${quoteIdent(column.name)} TYPE numeric(19,4)${arr} USING ${quoteIdent(column.name)}::numeric(19,4)${arr}; rewrites the table under an ACCESS EXCLUSIVE lock.`,
        });
      }
    }
  },
});
