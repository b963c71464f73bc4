import { BUSINESS_KEY_WORDS, baseType, hasDefault, isCreatedName, isEffectivelyNotNull, isTemporalType, isUpdatedName, requiresNotNull, setNotNullSql } from '../integrity-helpers.js';
import { columnObject, columnOf, indexesOf, tablesOf } from '../model-walk.js';
import { defineRule } from '../types.js';
import { mentionsColumn, nameWords } from '../sql-text.js';

export default defineRule({
  id: 'require-not-null',
  meta: {
    category: 'integrity',
    severity: 'warning',
    description: 'Columns that are evidently required are NOT NULL.',
    rationale: `NULL is a third state every query must handle: \`WHERE NOT flag\` skips NULL rows, \`count(col)\`
skips them, \`=\` never matches them, and a NULL foreign key escapes its constraint entirely. Some columns are
evidently required, and a NULL in them is a bug waiting to be written: the foreign key of an owned child
(\`ON DELETE CASCADE\`: a child without parent is an orphan no cascade will ever remove), a creation or update
timestamp that has a default, a single-column business key (\`email\`, \`sku\`, \`slug\`, \`code\`, \`name\`... under
UNIQUE, where NULLs are not even compared; unless another nullable column of the table is also a unique key,
as when users sign up with an email or a phone), and a boolean with a default. Self-referencing keys (tree roots),
foreign keys that are only partly nullable (\`MATCH SIMPLE\` on purpose), and columns that a CHECK mentions
(\`num_nonnulls(a, b) = 1\` arcs) are left alone. The fix is the online \`SET NOT NULL\` of PostgreSQL 12+: a
\`CHECK (c IS NOT NULL) NOT VALID\`, validated under SHARE UPDATE EXCLUSIVE (writes go on), lets \`SET NOT NULL\`
skip its full-table scan under ACCESS EXCLUSIVE; the helper check is dropped afterwards. PostgreSQL 18 can
also add \`NOT NULL\` itself \`NOT VALID\`. Existing NULLs must be backfilled first.`,
    invalid: [
      `CREATE TABLE orders (id bigint PRIMARY KEY);
CREATE TABLE order_lines (
  id bigint PRIMARY KEY,
  order_id bigint REFERENCES orders (id) ON DELETE CASCADE, -- flagged
  created_at timestamptz DEFAULT now(), -- flagged
  gift boolean DEFAULT false -- flagged
);`,
      `CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text, -- flagged
  nickname text,
  UNIQUE (email)
);`,
      `CREATE TABLE products (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  sku text, -- flagged
  last_updated timestamp DEFAULT CURRENT_TIMESTAMP -- flagged
);
CREATE UNIQUE INDEX products_sku_key ON products (sku);`,
    ],
    valid: [
      `CREATE TABLE categories (
  id bigint PRIMARY KEY,
  parent_id bigint REFERENCES categories (id) ON DELETE CASCADE,
  name text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  archived boolean NOT NULL DEFAULT false,
  deleted_at timestamptz,
  note text
);`,
      `CREATE TABLE posts (id bigint PRIMARY KEY);
CREATE TABLE videos (id bigint PRIMARY KEY);
CREATE TABLE attachments (
  id bigint PRIMARY KEY,
  post_id bigint REFERENCES posts ON DELETE CASCADE,
  video_id bigint REFERENCES videos ON DELETE CASCADE,
  CHECK (num_nonnulls(post_id, video_id) = 1)
);`,
      `CREATE TABLE users (
  id bigint PRIMARY KEY,
  email text,
  phone text UNIQUE,
  username text
);
CREATE UNIQUE INDEX users_email_key ON users (email);
CREATE UNIQUE INDEX users_username_key ON users (username) WHERE username IS NOT NULL;`,
    ],
  },
  check({ database, report }) {
    for (const t of tablesOf(database)) {
      const { table } = t;
      const uniques = indexesOf(table).filter((ix) => ix.unique && ix.columns.length === 1 && ix.plain[0] && ix.constraint !== 'primary key');
      for (const column of table.columns) {
        if (column.generated || isEffectivelyNotNull(database, t.schema.name, table, column)) continue;
        if (table.checks.some((c) => mentionsColumn(c.expression, column.name))) continue;
        const reasons: string[] = [];

        const owner = table.foreignKeys.find(
          (fk) =>
            fk.onDelete === 'cascade' &&
            fk.columns.includes(column.name) &&
            !(fk.refTable.schema === t.schema.name && fk.refTable.name === table.name) &&
            // A partly nullable composite key is optional on purpose (MATCH SIMPLE skips it).
            fk.columns.every((c) => c === column.name || !columnOf(table, c)?.notNull),
        );
        if (owner) reasons.push(`it is the key of an owned child (${owner.name} cascades from ${owner.refTable.schema}.${owner.refTable.name}): a NULL row is an orphan`);

        const type = baseType(database, t.schema.name, column.type);
        if (hasDefault(column) && isTemporalType(type) && (isCreatedName(column.name) || isUpdatedName(column.name))) {
          reasons.push(`it is a ${isCreatedName(column.name) ? 'creation' : 'modification'} timestamp with a default: it always has a value`);
        }
        if (hasDefault(column) && type === 'boolean') reasons.push(`it is a boolean flag with a default: NULL is a third state nobody means`);

        const words = nameWords(column.name);
        const optionalKey = (c: string) => {
          const col = columnOf(table, c);
          return !!col && !isEffectivelyNotNull(database, t.schema.name, table, col);
        };
        const key = uniques.find((ix) => ix.columns[0] === column.name && !(ix.where && requiresNotNull(ix.where, column.name)));
        // Two optional unique identifiers (email or phone) are alternatives: each may be absent.
        const alternative = uniques.some((ix) => ix.columns[0] !== column.name && optionalKey(ix.columns[0]));
        if (key && !alternative && BUSINESS_KEY_WORDS.has(words[words.length - 1])) {
          reasons.push(`it is a business key (unique by ${key.name}): NULLs escape the uniqueness check`);
        }

        if (!reasons.length) continue;
        report({
          message: `Column ${column.name} of ${t.name} is nullable but evidently required`,
          object: columnObject(t, column.name),
          table: t.name,
          span: column.span,
          help: `Make it NOT NULL: ${reasons.join('; ')}. Backfill existing NULLs first.`,
          fix: { title: `Set ${column.name} NOT NULL online`, sql: setNotNullSql(t, column.name) },
        });
      }
    }
  },
});
