import { allowedValues, columnType, describeType, isForeignKeyColumn, isGeneratedKey, isInteger, isTextual } from '../column-types.js';
import { quoteIdent } from '../../model/quote-ident.js';
import { columnObject, tablesOf } from '../model-walk.js';
import { defineRule } from '../types.js';
import { nameWords } from '../sql-text.js';

const PREFIXES = ['is', 'has', 'can', 'should', 'was', 'allow', 'allows', 'needs', 'must'];
/** Whole names that are flags. */
const NAMES = ['enabled', 'disabled', 'active', 'inactive', 'deleted', 'archived', 'verified', 'visible', 'hidden', 'locked', 'published', 'approved'];
const FLAG_SUFFIXES = ['flag', 'yn'];
/** Pairs of values that spell true/false; compared case-insensitively. */
const TRUE_FALSE = [['1', '0'], ['y', 'n'], ['yes', 'no'], ['t', 'f'], ['true', 'false'], ['on', 'off']];

const literal = (v: string) => (/^-?\d+$/.test(v) ? v : `'${v.replace(/'/g, "''")}'`);

function booleanPair(values: string[]): string | null {
  const set = new Set(values.map((v) => v.toLowerCase()));
  if (set.size !== 2) return null;
  const pair = TRUE_FALSE.find(([a, b]) => set.has(a) && set.has(b));
  return pair ? values.join('/') : null;
}

export default defineRule({
  id: 'boolean-as-text-or-int',
  meta: {
    category: 'types',
    severity: 'warning',
    description: 'Yes/no flags are `boolean`, not text, `char(1)` or integers.',
    rationale: `A flag stored as \`'Y'\`/\`'N'\`, \`'true'\` or \`0\`/\`1\` accepts every other value too (\`'y'\`, \`'yes'\`, \`2\`)
unless a CHECK forbids it, every query must know the convention (\`WHERE active = 1\` here, \`WHERE is_deleted =
'Y'\` there), and ORMs and clients do not map it to their boolean type. \`boolean\` takes 1 byte (less than
\`smallint\`, \`integer\` or any text), accepts only true/false/NULL, reads naturally (\`WHERE active\`,
\`WHERE NOT deleted\`) and works with \`bool_and\`/\`bool_or\` and partial indexes (\`WHERE NOT deleted\`).

The rule reports text and integer columns that a CHECK restricts to a true/false pair (\`IN (0, 1)\`,
\`IN ('Y', 'N')\`, \`IN ('t', 'f')\`...) or that are named like a flag (\`is_*\`, \`has_*\`, \`can_*\`, \`*_flag\`,
\`*_yn\`, or the whole name \`active\`, \`enabled\`, \`deleted\`, \`verified\`, ...) with no CHECK allowing other values. Foreign key
columns and generated keys are skipped. Converting is \`ALTER COLUMN ... TYPE boolean USING (col = 1)\`
(or \`col = 'Y'\`; drop the CHECK and the default first), a table rewrite under an ACCESS EXCLUSIVE lock,
so there is no automatic fix.`,
    invalid: [
      `CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  is_admin smallint NOT NULL DEFAULT 0, -- flagged
  active integer NOT NULL DEFAULT 1, -- flagged
  "hasNewsletter" text -- flagged
);`,
      `CREATE TABLE products (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  discontinued char(1) NOT NULL CHECK (discontinued IN ('Y', 'N')), -- flagged
  taxable integer CHECK (taxable IN (0, 1)), -- flagged
  export_flag varchar(1) -- flagged
);`,
    ],
    valid: [
      `CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  is_admin boolean NOT NULL DEFAULT false,
  active_sessions integer NOT NULL DEFAULT 0,
  rows_deleted bigint,
  status_flag char(1) CHECK (status_flag IN ('A', 'B', 'C')),
  grade char(1) CHECK (grade IN ('A', 'B')),
  deleted_at timestamptz
);`,
    ],
  },
  check({ database, report }) {
    for (const t of tablesOf(database)) {
      for (const column of t.table.columns) {
        const type = columnType(database, t, column);
        if (type.array || column.generated || !(isTextual(type) || isInteger(type))) continue;
        if (isGeneratedKey(column) || isForeignKeyColumn(t.table, column.name)) continue;
        const values = allowedValues(t.table, column, type);
        const pair = values && booleanPair(values);
        const words = nameWords(column.name);
        // Last words other than `flag` are ambiguous (`rows_deleted` counts, `email_verified` may hold the address).
        const named = words.length > 0 && ((words.length > 1 && PREFIXES.includes(words[0])) || FLAG_SUFFIXES.includes(words[words.length - 1]) || (words.length === 1 && NAMES.includes(words[0])));
        // A CHECK list with other values makes it a code, whatever the name says.
        if (!(pair || (named && !values))) continue;
        const col = quoteIdent(column.name);
        const truthy = values?.find((v) => /^(?:1|y|yes|t|true|on)$/i.test(v));
        // Without a known list, accept every usual spelling of true rather than guess one.
        const using = !isTextual(type) ? `${col} <> 0` : truthy ? `${col} = ${literal(truthy)}` : `lower(${col}) IN ('1', 'y', 'yes', 't', 'true', 'on')`;
        const first = [values && 'the CHECK', (column.default || type.domainDefault) && 'the default'].filter(Boolean).join(' and ');
        report({
          message: `Column ${column.name} is ${describeType(column, type)} but ${pair ? `only holds ${pair}` : 'its name says it is a flag'}`,
          object: columnObject(t, column.name),
          table: t.name,
          span: column.span,
          help: `Use boolean: ALTER TABLE ${t.sql} ALTER COLUMN ${col} TYPE boolean USING (${using})${first ? ` after dropping ${first}` : ''}; a table rewrite under an ACCESS EXCLUSIVE lock.`,
        });
      }
    }
  },
});
