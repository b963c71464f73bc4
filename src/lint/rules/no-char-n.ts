import { quoteIdent } from '../../model/quote-ident.js';
import { columnType, describeType } from '../column-types.js';
import { columnObject, tablesOf } from '../model-walk.js';
import { defineRule } from '../types.js';

export default defineRule({
  id: 'no-char-n',
  meta: {
    category: 'types',
    severity: 'warning',
    description: 'Text columns are `text` or `varchar(n)`, not blank-padded `character(n)`.',
    rationale: `\`character(n)\` (\`char(n)\`) pads every value with spaces to n characters and then treats trailing
spaces as insignificant, inconsistently: \`'ab'::char(3) = 'ab '\` is true, \`length()\` ignores the padding,
concatenation and casts to \`text\` strip it, but \`LIKE 'ab %'\`, regular expressions and clients that read the
padded value see it. It is not faster in PostgreSQL: all three string types use the same varlena storage,
and \`char(n)\` is usually larger because of the padding. Even fixed-length codes (ISO currencies, country
codes) are better as \`text\` with \`CHECK (char_length(code) = 3)\`, or \`varchar(3)\`.

The conversion strips the padding, so it is not binary-coercible: \`ALTER COLUMN ... TYPE varchar(n)\` or
\`text\` rewrites the table and its indexes under an ACCESS EXCLUSIVE lock, and foreign keys between two
\`char(n)\` columns must be converted together. There is therefore no automatic fix. \`character(1)\`
is not flagged by default (one character has nothing to pad but the empty string); see \`includeChar1\`.
The single-byte internal type \`"char"\` is a different type and is not flagged.`,
    invalid: [
      `CREATE TABLE countries (
  code char(2) PRIMARY KEY, -- flagged
  name character(100) NOT NULL, -- flagged
  aliases char(10)[] -- flagged
);`,
      `CREATE DOMAIN currency_code AS char(3);
CREATE TABLE prices (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  currency currency_code NOT NULL -- flagged
);`,
    ],
    valid: [
      `CREATE TABLE countries (
  code text PRIMARY KEY CHECK (char_length(code) = 2),
  name varchar(100) NOT NULL,
  grade char(1),
  kind "char"
);`,
    ],
    options: { includeChar1: false },
    optionDocs: { includeChar1: 'Also flag `character(1)` (and plain `char`, which means `char(1)`).' },
  },
  check({ database, options, report }) {
    for (const t of tablesOf(database)) {
      for (const column of t.table.columns) {
        const type = columnType(database, t, column);
        if (type.name !== 'character' && type.name !== 'bpchar') continue;
        const n = type.modifiers[0];
        // bpchar without a length is unlimited (blank-trimmed on comparison but not padded).
        if (n === undefined || (n === 1 && !options.includeChar1)) continue;
        const domain = type.domains[type.domains.length - 1];
        const help = domain
          ? `The padding comes from domain ${domain}, whose base type cannot be altered: create a domain over varchar(${n}) or text and move the columns to it (ALTER COLUMN ... TYPE, a table rewrite under an ACCESS EXCLUSIVE lock).`
          : `Use varchar(${n}) or text: ALTER TABLE ${t.sql} ALTER COLUMN ${quoteIdent(column.name)} TYPE varchar(${n})${type.array ? '[]' : ''}; strips the padding and rewrites the table under an ACCESS EXCLUSIVE lock.`;
        // 36 (hyphenated) or 32 (hex) fixed characters is how UUIDs are stored by tools without a uuid type.
        const uuidHint = n === 36 || n === 32 ? ` If it holds UUIDs, the uuid type takes 16 bytes instead of ${n + 1} and validates them (USING ${quoteIdent(column.name)}::uuid).` : '';
        report({
          message: `Column ${column.name} is ${describeType(column, type)}: values are blank-padded to ${n} characters`,
          object: columnObject(t, column.name),
          table: t.name,
          span: column.span,
          help: help + uuidHint,
        });
      }
    }
  },
});
