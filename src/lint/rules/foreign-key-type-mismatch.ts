import { columnOf, findTable, tablesOf } from '../model-walk.js';
import { resolveType, type TypeInfo } from '../column-types.js';
import { defineRule } from '../types.js';

/** `varchar` has no operators of its own: it uses text's, so varchar ↔ text compares without a cast. */
const family = (t: TypeInfo) => `${t.name === 'character varying' ? 'text' : t.name}${t.array ? '[]' : ''}`;
const INT_RANK: Record<string, number> = { smallint: 1, integer: 2, bigint: 3 };
const INT_MAX: Record<string, string> = { smallint: '32,767', integer: '2,147,483,647' };
const spell = (declared: string, t: TypeInfo) => (t.domains.length ? `${declared} (${t.base}${t.array ? '[]' : ''})` : declared);

export default defineRule({
  id: 'foreign-key-type-mismatch',
  meta: {
    category: 'types',
    severity: 'warning',
    description: 'A foreign key column has the same type as the column it references.',
    rationale: `PostgreSQL accepts a foreign key between different types when an equality operator joins them, but the
mismatch costs on every join and every check. \`integer\` referencing \`bigint\` works until the parent's key
passes 2,147,483,647: from then on new parent rows cannot be referenced and inserts fail, and widening the
column later is a table rewrite. Across type families (\`numeric\` and \`integer\`, \`char(n)\` and \`text\`,
\`timestamp\` and \`timestamptz\`) one side is cast in joins and in the foreign key's own lookups, which keeps
an index on the cast side from being used; \`char(n)\` and \`text\` also disagree on trailing spaces, and
\`timestamp\` against \`timestamptz\` depends on the session's TimeZone.

Types are compared after resolving domains; \`varchar\` and \`text\` count as the same type (varchar uses text's
operators), and so do different lengths or precisions of one type (\`varchar(20)\` and \`varchar(50)\`). Changing
a column's type rewrites its table under an ACCESS EXCLUSIVE lock, so there is no automatic fix: change the
smaller side (usually the referencing column, to \`bigint\`).`,
    invalid: [
      `CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id integer NOT NULL REFERENCES customers (id) -- flagged
);`,
      `CREATE DOMAIN product_code AS char(8);
CREATE TABLE products (code product_code PRIMARY KEY);
CREATE TABLE stock (
  product_code text NOT NULL,
  warehouse int NOT NULL,
  PRIMARY KEY (product_code, warehouse),
  CONSTRAINT fk_stock_products FOREIGN KEY (product_code) REFERENCES products (code) -- flagged
);`,
    ],
    valid: [
      `CREATE DOMAIN customer_id AS bigint;
CREATE TABLE customers (id customer_id PRIMARY KEY, email varchar(200) UNIQUE);
CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL REFERENCES customers (id),
  customer_email text REFERENCES customers (email)
);`,
      `CREATE TABLE currencies (code varchar(3) PRIMARY KEY);
CREATE TABLE prices (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  currency varchar(10) NOT NULL REFERENCES currencies (code)
);`,
    ],
  },
  check({ database, report }) {
    for (const t of tablesOf(database)) {
      for (const fk of t.table.foreignKeys) {
        const parent = findTable(database, fk.refTable);
        if (!parent) continue;
        const pairs: string[] = [];
        const notes = new Set<string>();
        fk.columns.forEach((name, i) => {
          const local = columnOf(t.table, name);
          const remote = columnOf(parent, fk.refColumns[i]);
          if (!local || !remote) return;
          const a = resolveType(database, local.type, t.schema.name);
          const b = resolveType(database, remote.type, fk.refTable.schema);
          if (family(a) === family(b)) return;
          pairs.push(`${name} ${spell(local.type, a)} → ${remote.name} ${spell(remote.type, b)}`);
          if (INT_RANK[a.name] && INT_RANK[b.name]) {
            notes.add(
              INT_RANK[a.name] < INT_RANK[b.name]
                ? `Once ${fk.refTable.name}.${remote.name} passes ${INT_MAX[a.name]}, its rows cannot be referenced and inserts fail; widen ${name} to ${b.name}`
                : `Column ${name} is wider than the key it references (harmless but wasteful); make both ${a.name}`,
            );
          } else notes.add(`Joins and the foreign key's checks cast one side, which keeps its index from being used; give ${name} the type ${b.domains.length ? remote.type : b.base}`);
        });
        if (!pairs.length) continue;
        report({
          message: `Foreign key ${fk.name} joins different types: ${pairs.join(', ')}`,
          object: `${t.name}.${fk.name}`,
          table: t.name,
          span: fk.span,
          help: `${[...notes].join('; ')}. The change is an ALTER COLUMN ... TYPE (a table rewrite under an ACCESS EXCLUSIVE lock).`,
        });
      }
    }
  },
});
