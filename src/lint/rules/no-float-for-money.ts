import { quoteIdent } from '../../model/quote-ident.js';
import { columnType, describeType, isFloat, wordMatches } from '../column-types.js';
import { columnObject, tablesOf } from '../model-walk.js';
import { defineRule } from '../types.js';
import { nameWords } from '../sql-text.js';

const MONEY_WORDS = [
  'price', 'prices', 'amount', 'amt', 'total', 'subtotal', 'balance', 'cost', 'costs', 'fee', 'fees', 'salary', 'wage', 'wages',
  'tax', 'vat', 'payment', 'revenue', 'income', 'expense', 'expenses', 'charge', 'refund', 'discount', 'commission', 'fare',
  'budget', 'payout', 'cash', 'money', 'tip', 'rent', 'paid', 'owed', 'invoiced',
];
/** Words that make a money-like name a quantity or a ratio: total_weight, tax_rate, discount_pct. */
const NOT_MONEY_WORDS = [
  'rate', 'ratio', 'percent', 'percentage', 'pct', 'factor', 'weight', 'count', 'qty', 'quantity', 'distance', 'duration',
  'time', 'seconds', 'secs', 'ms', 'minutes', 'hours', 'days', 'score', 'points', 'size', 'bytes', 'length', 'width', 'height',
  'volume', 'area', 'km', 'miles', 'kg', 'lat', 'lon', 'lng', 'latitude', 'longitude', 'probability', 'share',
];

export default defineRule({
  id: 'no-float-for-money',
  meta: {
    category: 'types',
    severity: 'warning',
    description: 'Money amounts are `numeric` (or integer minor units), not `real`/`double precision`.',
    rationale: `\`real\` and \`double precision\` are binary floating point: most decimal fractions have no exact
representation (0.1 is stored as 0.1000000000000000055...), so sums drift (\`0.1 + 0.2 <> 0.3\`), equality
comparisons and GROUP BY on amounts misbehave, and \`real\` keeps only about 6 significant digits
(\`123456.78::real\` is \`123456.8\`). Accounting needs exact arithmetic: \`numeric(p,s)\` is exact with a
chosen scale, or store integer minor units (cents) in a \`bigint\`.

Columns are recognised by name: a word of the name (split on \`_\` and camelCase; \`listprice\` ends in
\`price\`) is one of \`names\` (price, amount, total, balance, cost, fee, salary, tax, ...), and no word is one
of \`ignoreWords\` (rate, ratio, percent, weight, count, distance, ..., so \`tax_rate\` and \`total_weight\` pass).
Converting is \`ALTER COLUMN ... TYPE numeric(19,4) USING round(col::numeric, 4)\`: a table rewrite under an
ACCESS EXCLUSIVE lock, and the rounding step decides what the existing binary values mean, so there is
no automatic fix.`,
    invalid: [
      `CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  total double precision NOT NULL, -- flagged
  shipping_fee real, -- flagged
  "unitPrice" float8, -- flagged
  listprice float4 -- flagged
);`,
      `CREATE DOMAIN amount_value AS double precision;
CREATE TABLE payments (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  paid_amount amount_value NOT NULL -- flagged
);`,
    ],
    valid: [
      `CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  total numeric(19,4) NOT NULL,
  total_cents bigint NOT NULL,
  tax_rate double precision,
  total_weight real,
  discount_pct real,
  latitude double precision
);`,
    ],
    options: { names: MONEY_WORDS, ignoreWords: NOT_MONEY_WORDS },
    optionDocs: {
      names: 'Name words that mark a money column (a word matches when equal, or when it ends with a listed word of 5+ letters).',
      ignoreWords: 'Name words that make the column a quantity or ratio instead (checked the same way).',
    },
  },
  check({ database, options, report }) {
    for (const t of tablesOf(database)) {
      for (const column of t.table.columns) {
        const type = columnType(database, t, column);
        if (!isFloat(type)) continue;
        const words = nameWords(column.name);
        const money = words.find((w) => wordMatches(w, options.names));
        if (!money || words.some((w) => wordMatches(w, options.ignoreWords))) continue;
        report({
          message: `Column ${column.name} is ${describeType(column, type)} but holds money (${money}): binary floating point cannot store most decimal amounts exactly`,
          object: columnObject(t, column.name),
          table: t.name,
          span: column.span,
          help: `Use numeric(p,s), or integer minor units in bigint: ALTER TABLE ${t.sql} ALTER COLUMN ${quoteIdent(column.name)} TYPE numeric(19,4)${type.array ? '[]' : ''} USING ${type.array ? `${quoteIdent(column.name)}::numeric(19,4)[]` : `round(${quoteIdent(column.name)}::numeric, 4)`}; rewrites the table under an ACCESS EXCLUSIVE lock.`,
        });
      }
    }
  },
});
