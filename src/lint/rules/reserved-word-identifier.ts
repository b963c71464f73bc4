import type { Span } from '../../model/types.js';
import { columnObject, columnOf, findTable, tablesOf } from '../model-walk.js';
import { COLUMN_NAME_KEYWORDS, quotingReason, RESERVED_KEYWORDS, toSnakeCase } from '../name-style.js';
import { defineRule } from '../types.js';

function suggestion(name: string): string {
  if (RESERVED_KEYWORDS.has(name) || COLUMN_NAME_KEYWORDS.has(name)) return 'Choose a more specific name: sort_order rather than order, app_users rather than user, group_name rather than group.';
  const snake = toSnakeCase(name);
  return snake && !quotingReason(snake, 'relation') ? `Rename it to ${snake}.` : 'Rename it to lower-case letters, digits and _, starting with a letter.';
}

export default defineRule({
  id: 'reserved-word-identifier',
  meta: {
    category: 'naming',
    severity: 'warning',
    description: 'Table, view, column, index and type names need no double quotes: no reserved words, upper case or odd characters.',
    rationale: `A name that must be double-quoted must be quoted in every query, by every client, forever: \`SELECT order
FROM user\` is a syntax error, and \`"Customers"\` written without quotes means \`customers\` (PostgreSQL folds
unquoted names to lower case). ORMs and query builders quote inconsistently, so such names surface as
errors far from the schema. A name needs quotes when it is a reserved keyword (\`user\`, \`order\`, \`group\`,
\`table\`, and the reserved words allowed only as function names: \`left\`, \`join\`, \`like\`), has upper-case
letters, starts with a digit, or has characters other than letters, digits, \`_\` and \`$\`. Non-ASCII letters
(\`café\`) and a \`$\` after the first character are legal unquoted, so they are not reported. Unreserved keywords such
as \`name\`, \`type\`, \`level\` and \`comment\`, and the column-name keywords \`time\`, \`position\` and \`values\`, are
valid table and column names and are not reported. A type name is stricter: a type named \`position\` must be
quoted wherever a column is declared with it. Renaming is a change for every client, so there is no fix: pick
a name such as \`app_user\`, \`sort_order\` or \`group_name\`.`,
    invalid: [
      `CREATE TABLE "user" ( -- flagged
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  "order" integer NOT NULL, -- flagged
  "left" integer -- flagged
);`,
      `CREATE TABLE "Customers" ( -- flagged
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  "2fa_secret" text, -- flagged
  "e-mail" text -- flagged
);
CREATE INDEX "IX_Customers_Email" ON "Customers" ("e-mail"); -- flagged`,
      `CREATE TYPE "position" AS ENUM ('lead', 'member'); -- flagged
CREATE DOMAIN "Money" AS numeric(12, 2); -- flagged
CREATE VIEW "select" AS SELECT 1 AS one; -- flagged`,
    ],
    valid: [
      `CREATE TYPE member_role AS ENUM ('lead', 'member');
CREATE TABLE members (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL,
  type text,
  level integer,
  comment text,
  role member_role NOT NULL,
  position integer,
  time timestamptz
);
CREATE INDEX idx_members_name ON members (name);`,
      `CREATE TABLE Accounts (
  Id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  DisplayName text
);`,
    ],
  },
  check({ database, report }) {
    const flag = (kind: string, object: string, name: string, reason: string | null, span: Span | undefined, table?: string) => {
      if (!reason) return;
      report({
        message: `${kind} ${object} ${reason}: it must be double-quoted wherever it is used`,
        object,
        ...(table && { table }),
        span,
        help: `Every query must write ${JSON.stringify(name)} with the quotes. ${suggestion(name)}`,
      });
    };
    for (const t of tablesOf(database)) {
      flag('Table', t.name, t.table.name, quotingReason(t.table.name, 'relation'), t.table.span, t.name);
      // A column inherited from a parent is reported there.
      const parents = (t.table.inherits ?? []).flatMap((ref) => findTable(database, ref) ?? []);
      for (const c of t.table.columns) {
        if (parents.some((p) => columnOf(p, c.name))) continue;
        flag('Column', columnObject(t, c.name), c.name, quotingReason(c.name, 'relation'), c.span, t.name);
      }
      for (const ix of t.table.indexes) flag('Index', `${t.schema.name}.${ix.name}`, ix.name, quotingReason(ix.name, 'relation'), ix.span, t.name);
    }
    for (const s of database.schemas) {
      for (const v of s.views) flag(v.materialized ? 'Materialized view' : 'View', `${s.name}.${v.name}`, v.name, quotingReason(v.name, 'relation'), v.span);
      for (const ty of [...s.enums, ...s.domains, ...s.compositeTypes]) flag('Type', `${s.name}.${ty.name}`, ty.name, quotingReason(ty.name, 'type'), ty.span);
    }
  },
});
