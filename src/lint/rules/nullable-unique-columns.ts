import { columnOf, tablesOf } from '../model-walk.js';
import { isEffectivelyNotNull, requiresNotNull } from '../integrity-helpers.js';
import type { Span } from '../../model/types.js';
import { defineRule } from '../types.js';

export default defineRule({
  id: 'nullable-unique-columns',
  meta: {
    category: 'integrity',
    severity: 'warning',
    description: 'Multi-column UNIQUE keys have no nullable column (or are `NULLS NOT DISTINCT`).',
    rationale: `A UNIQUE constraint or index treats NULLs as distinct from each other: two rows
\`(tenant_id, parent_id, name) = (1, NULL, 'Docs')\` both get in, so a key over a nullable column stops no
duplicate among the rows where that column is NULL. It is the classic bug of "unique name among siblings"
where the root level has no parent. Make the column NOT NULL, or declare the key \`NULLS NOT DISTINCT\`
(PostgreSQL 15+), or add a partial unique index for the NULL case (\`... WHERE parent_id IS NULL\`). Only keys of
two or more columns are reported: on a single nullable column, NULL means "absent", and "unique when present"
is a legitimate design (\`require-not-null\` reports single-column business keys that should be required). A
column the index excludes NULLs of (\`WHERE col IS NOT NULL\`) does not count as nullable. No fix is offered:
NOT NULL and NULLS NOT DISTINCT mean different things, and existing duplicates must be resolved first.`,
    invalid: [
      `CREATE TABLE folders (
  id bigint PRIMARY KEY,
  parent_id bigint REFERENCES folders (id),
  name text NOT NULL,
  UNIQUE (parent_id, name) -- flagged
);`,
      `CREATE TABLE prices (
  id bigint PRIMARY KEY,
  product_id bigint NOT NULL,
  region text,
  valid_from date NOT NULL
);
CREATE UNIQUE INDEX prices_product_region_key ON prices (product_id, region, valid_from); -- flagged`,
    ],
    valid: [
      `CREATE TABLE folders (
  id bigint PRIMARY KEY,
  parent_id bigint REFERENCES folders (id),
  name text NOT NULL,
  UNIQUE NULLS NOT DISTINCT (parent_id, name)
);`,
      `CREATE TABLE folders (
  id bigint PRIMARY KEY,
  parent_id bigint REFERENCES folders (id),
  name text NOT NULL
);
CREATE UNIQUE INDEX folders_parent_name_key ON folders (parent_id, name) WHERE parent_id IS NOT NULL;
CREATE UNIQUE INDEX folders_root_name_key ON folders (name) WHERE parent_id IS NULL;`,
      `CREATE TABLE users (
  id bigint PRIMARY KEY,
  tenant_id bigint NOT NULL,
  email text NOT NULL,
  phone text UNIQUE,
  UNIQUE (tenant_id, email)
);`,
    ],
  },
  check({ database, report }) {
    for (const t of tablesOf(database)) {
      const { table } = t;
      const keys: { kind: string; name: string; columns: string[]; plain: boolean[]; where: string | null; nullsNotDistinct: boolean; span?: Span; object: string }[] = [
        ...table.uniques.map((u) => ({ kind: 'Unique constraint', name: u.name, columns: u.columns, plain: u.columns.map(() => true), where: null, nullsNotDistinct: u.nullsNotDistinct, span: u.span, object: `${t.name}.${u.name}` })),
        ...table.indexes
          .filter((ix) => ix.unique)
          .map((ix) => ({ kind: 'Unique index', name: ix.name, columns: ix.columns, plain: ix.keys.map((k) => k.column !== null), where: ix.where, nullsNotDistinct: !!ix.nullsNotDistinct, span: ix.span, object: `${t.schema.name}.${ix.name}` })),
      ];
      for (const key of keys) {
        if (key.nullsNotDistinct || key.columns.length < 2) continue;
        const nullable = key.columns.filter((c, i) => {
          if (!key.plain[i]) return false;
          const column = columnOf(table, c);
          return !!column && !isEffectivelyNotNull(database, t.schema.name, table, column) && !(key.where && requiresNotNull(key.where, c));
        });
        if (!nullable.length) continue;
        report({
          message: `${key.kind} ${key.name} (${key.columns.join(', ')}) includes nullable ${nullable.length > 1 ? 'columns' : 'column'} ${nullable.join(', ')}`,
          object: key.object,
          table: t.name,
          span: key.span,
          help: `NULLs never conflict, so rows with ${nullable.join(' or ')} NULL can repeat the rest of the key. Make ${nullable.length > 1 ? 'them' : 'it'} NOT NULL, declare the key NULLS NOT DISTINCT (PostgreSQL 15+), or add a partial unique index for the NULL case.`,
        });
      }
    }
  },
});
