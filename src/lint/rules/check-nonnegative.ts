import { quoteIdent } from '../../model/quote-ident.js';
import { singularize } from '../inflect.js';
import { baseType, domainOf } from '../integrity-helpers.js';
import { columnObject, constraintNames, tablesOf } from '../model-walk.js';
import { fillPattern } from '../naming.js';
import { defineRule } from '../types.js';
import { mentionsColumn, nameWords } from '../sql-text.js';

const NUMERIC = /^(smallint|integer|bigint|numeric(\(\d+(,\s*-?\d+)?\))?|real|double precision|money)$/;

export default defineRule({
  id: 'check-nonnegative',
  meta: {
    category: 'integrity',
    severity: 'warning',
    description: 'Quantities, prices, amounts, totals, costs and counts have a CHECK that bounds them.',
    rationale: `A numeric type accepts negative values: a quantity of -3 or a price of -10.00 slips in from one
buggy code path and then corrupts every sum, invoice and stock level computed from it. A \`CHECK (col >= 0)\`
(or \`> 0\`) states the invariant once, for every writer. Any CHECK that mentions the column counts, as does a
domain type with a CHECK. Columns are matched by the words of their name (\`unit_price\`, \`item_count\`,
\`quantityOnHand\`); names with a word that implies a sign (\`balance\`, \`delta\`, \`adjustment\`...) are left out:
an account balance, a stock movement or a price change may legitimately be negative. The fix adds the
constraint \`NOT VALID\` (a brief ACCESS EXCLUSIVE lock, no scan) and then validates it under SHARE UPDATE
EXCLUSIVE, which lets reads and writes go on.`,
    invalid: [
      `CREATE TABLE order_lines (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  quantity integer NOT NULL, -- flagged
  unit_price numeric(12,2) NOT NULL -- flagged
);`,
      `CREATE TABLE products (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  price numeric(12,2) NOT NULL CHECK (price > 0),
  stock_count integer NOT NULL DEFAULT 0, -- flagged
  CHECK (price < 100000)
);`,
    ],
    valid: [
      `CREATE TABLE order_lines (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  quantity integer NOT NULL CHECK (quantity > 0),
  unit_price numeric(12,2) NOT NULL,
  CONSTRAINT order_lines_price_check CHECK (unit_price >= 0 AND unit_price < 1000000)
);`,
      `CREATE DOMAIN money_amount AS numeric(12,2) CHECK (VALUE >= 0);
CREATE TABLE payments (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  amount money_amount NOT NULL
);`,
      `CREATE TABLE accounts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  balance numeric(14,2) NOT NULL DEFAULT 0,
  stock_delta integer NOT NULL,
  price_change numeric(12,2),
  discount_code text
);`,
    ],
    options: {
      names: ['quantity', 'qty', 'price', 'amount', 'total', 'subtotal', 'cost', 'fee', 'count', 'tax', 'stock'],
      signed: ['balance', 'delta', 'diff', 'difference', 'change', 'adjustment', 'variance', 'offset', 'profit', 'loss', 'gain'],
    },
    optionDocs: {
      names: 'Name words that mark a column as non-negative (matched against each word of the column name, singular or plural).',
      signed: 'Name words that mark a column as possibly negative: a column with one of them is never reported.',
    },
  },
  check({ database, options, report }) {
    const names = new Set(options.names.map((n) => n.toLowerCase()));
    const signed = new Set(options.signed.map((n) => n.toLowerCase()));
    for (const t of tablesOf(database)) {
      const taken = constraintNames(t.table);
      for (const column of t.table.columns) {
        // Generated values are derived (the CHECK belongs on their inputs); `fee_id` is an identifier.
        if (column.generated || column.identity) continue;
        const words = nameWords(column.name);
        if (words[words.length - 1] === 'id') continue;
        if (!words.some((w) => names.has(w) || names.has(singularize(w))) || words.some((w) => signed.has(w) || signed.has(singularize(w)))) continue;
        const type = baseType(database, t.schema.name, column.type);
        if (!NUMERIC.test(type)) continue;
        if (domainOf(database, t.schema.name, column.type)?.checks.length) continue;
        if (t.table.checks.some((c) => mentionsColumn(c.expression, column.name))) continue;
        let name = fillPattern('{table}_{column}_check', { table: t.table.name, column: column.name });
        for (let n = 1; taken.has(name); n++) name = fillPattern(`{table}_{column}_check${n}`, { table: t.table.name, column: column.name });
        taken.add(name);
        const col = quoteIdent(column.name);
        // money has no comparison with an integer literal.
        const zero = type === 'money' ? `'0'::money` : '0';
        report({
          message: `Column ${column.name} of ${t.name} (${column.type}) accepts negative values`,
          object: columnObject(t, column.name),
          table: t.name,
          span: column.span,
          help: `Add CHECK (${column.name} >= 0), or > 0 when zero is not meaningful either, so no writer can store a negative ${column.name}.`,
          fix: {
            title: `Check ${column.name} >= 0`,
            sql: [
              `ALTER TABLE ${t.sql} ADD CONSTRAINT ${quoteIdent(name)} CHECK (${col} >= ${zero}) NOT VALID;`,
              `-- Fails if a row already holds a negative ${column.name}: repair those rows first.`,
              `ALTER TABLE ${t.sql} VALIDATE CONSTRAINT ${quoteIdent(name)};`,
            ].join('\n'),
          },
        });
      }
    }
  },
});
