import { pluralize, singularize } from '../inflect.js';
import { hasDefault, isCreatedName, isUpdatedName } from '../integrity-helpers.js';
import { columnOf, indexesOf, tablesOf } from '../model-walk.js';
import type { Column, Table } from '../../model/types.js';
import { defineRule } from '../types.js';

/** Column names that identify an entity on their own. */
const KEY_NAMES = new Set(['name', 'email', 'email_address', 'username', 'user_name', 'login', 'handle', 'slug', 'sku', 'code', 'isbn', 'ean', 'upc', 'gtin', 'iban', 'number', 'external_id']);
/** With the table's singular name in front (`order_number` in `orders`, `category_name` in `categories`). */
const KEY_SUFFIXES = ['name', 'code', 'number', 'no', 'num', 'slug', 'sku', 'key'];

/** Whether a table's name spells out a referenced table (`user_roles` names `users` and `roles`). */
function names(table: string, ref: string): boolean {
  const padded = `_${table.toLowerCase()}_`;
  const r = ref.toLowerCase();
  return [r, singularize(r), pluralize(r)].some((form) => padded.includes(`_${form}_`));
}

/** A generated single-column key: identity, serial (nextval) or uuid. */
function surrogateKey(table: Table): Column | undefined {
  const pk = table.primaryKey;
  if (!pk || pk.columns.length !== 1) return undefined;
  const column = columnOf(table, pk.columns[0]);
  if (!column) return undefined;
  const generated = column.identity || /nextval\(|uuid/i.test(column.default ?? '') || column.type === 'uuid';
  return generated ? column : undefined;
}

export default defineRule({
  id: 'missing-business-key',
  meta: {
    category: 'integrity',
    severity: 'info',
    description: 'A table with a generated surrogate key also declares its natural key UNIQUE.',
    rationale: `A surrogate primary key (identity, serial, uuid) is unique by construction, so it never stops a
duplicate: the same customer, product or tag can be inserted twice, each copy with its own id, and every
lookup by the real-world key must then pick one. The natural key (email, SKU, slug, code, name, the pair of a
join table) needs its own UNIQUE constraint or unique index; that also gives lookups by it an index. Tables
that record events or transactions (orders, payments, log rows) often have no natural key at all, so the rule
only reports a table when it has a likely key: a column named like one (\`name\`, \`email\`, \`sku\`, \`slug\`,
\`code\`, \`order_number\` in \`orders\`, \`category_name\` in \`categories\`...), or, for a join table (only foreign
keys besides the id and timestamps, named after the tables it joins, like \`user_roles\`), its foreign-key
columns. It is \`info\`: the names are a guess, and a
table may allow duplicates on purpose. There is no automatic fix: whether existing rows are duplicates is a
question for the data.`,
    invalid: [
      `CREATE TABLE tags ( -- flagged
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL
);`,
      `CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
CREATE TABLE groups (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, slug text NOT NULL UNIQUE);
CREATE TABLE user_groups ( -- flagged
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES users ON DELETE CASCADE,
  group_id bigint NOT NULL REFERENCES groups ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now()
);`,
      `CREATE TABLE orders ( -- flagged
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  order_number text NOT NULL,
  placed_at timestamptz NOT NULL
);`,
    ],
    valid: [
      `CREATE TABLE tags (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name text NOT NULL
);
CREATE UNIQUE INDEX tags_name_key ON tags (lower(name));`,
      `CREATE TABLE payments (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  amount numeric(12,2) NOT NULL,
  paid_at timestamptz NOT NULL
);`,
      `CREATE TABLE countries (
  code char(2) PRIMARY KEY,
  name text NOT NULL
);`,
      `CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE);
CREATE TABLE roles (id serial PRIMARY KEY, name text NOT NULL, CONSTRAINT roles_name_key UNIQUE (name));
CREATE TABLE user_roles (
  user_id bigint NOT NULL REFERENCES users,
  role_id integer NOT NULL REFERENCES roles,
  PRIMARY KEY (user_id, role_id)
);`,
    ],
  },
  check({ database, report }) {
    for (const t of tablesOf(database)) {
      const { table } = t;
      const key = surrogateKey(table);
      if (!key) continue;
      if (indexesOf(table).some((ix) => ix.unique && ix.constraint !== 'primary key') || table.exclusions.length) continue;

      const fkColumns = new Set(table.foreignKeys.flatMap((fk) => fk.columns));
      const singular = singularize(table.name.toLowerCase());
      const candidates = table.columns
        .filter((c) => c !== key && !fkColumns.has(c.name))
        .map((c) => c.name)
        .filter((n) => KEY_NAMES.has(n.toLowerCase()) || KEY_SUFFIXES.some((s) => n.toLowerCase() === `${singular}_${s}`));

      // A join table: required foreign keys and nothing else beside the id and bookkeeping columns,
      // named after what it joins. Without the name test, a table of instances (copies of a film
      // in a store) would look like a link table, and copies are not duplicates.
      const rest = table.columns.filter((c) => c !== key && !fkColumns.has(c.name));
      const join =
        table.foreignKeys.length >= 2 &&
        [...fkColumns].every((c) => columnOf(table, c)?.notNull) &&
        rest.every((c) => isCreatedName(c.name) || isUpdatedName(c.name) || hasDefault(c)) &&
        new Set(table.foreignKeys.filter((fk) => names(table.name, fk.refTable.name)).map((fk) => fk.refTable.name)).size >= 2;
      const joinKey = join ? table.columns.filter((c) => fkColumns.has(c.name)).map((c) => c.name) : [];

      if (!candidates.length && !joinKey.length) continue;
      const suggestions = [...candidates.map((c) => `(${c})`), ...(joinKey.length ? [`(${joinKey.join(', ')})`] : [])];
      report({
        message: `Table ${t.name} has only the surrogate key ${key.name}: the same ${join ? 'link' : 'entity'} can be inserted twice`,
        object: t.name,
        table: t.name,
        span: table.span,
        help: `Nothing but ${key.name} is unique. If ${suggestions.join(' or ')} identifies a row, declare it UNIQUE (after removing existing duplicates).`,
      });
    }
  },
});
