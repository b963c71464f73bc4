import { qualifiedName, quoteIdent } from '../../model/quote-ident.js';
import { relationNames, tablesOf } from '../model-walk.js';
import { fillPlaceholders, freeName, patternMatcher } from '../name-style.js';
import { byteLength, MAX_IDENTIFIER_BYTES, nameParts } from '../naming.js';
import { defineRule } from '../types.js';

export default defineRule({
  id: 'index-name-convention',
  meta: {
    category: 'naming',
    severity: 'info',
    description: 'Indexes are named `idx_{table}_{columns}` (configurable).',
    rationale: `An index name is what a migration must spell (\`DROP INDEX\`, \`REINDEX\`), what a unique violation
reports ("duplicate key value violates unique constraint ..."), and what \`EXPLAIN\` shows. A name derived from
the table and the key columns tells what the index is without looking it up, and two indexes with the
same name pattern on the same columns stand out as duplicates. PostgreSQL's own default
(\`orders_customer_id_idx\`) is fine too: set \`pattern\` to \`{table}_{columns}_idx\`. Only \`CREATE INDEX\`
indexes are checked: the index behind a PRIMARY KEY or UNIQUE constraint carries the constraint's name.
Tolerances: a \`_qualifier\` may follow the columns (\`idx_orders_customer_id_open\`, \`..._2\`); for a partial
index, an expression key, or when the full name would pass PostgreSQL's 63-byte limit, any columns part is
accepted (\`idx_users_lower_email\`, \`idx_orders_open\`). The severity is info: the name changes nothing in
how PostgreSQL uses the index. The fix is cheap: since PostgreSQL 12 \`ALTER INDEX ... RENAME\` takes only a
SHARE UPDATE EXCLUSIVE lock on the index, so reads and writes go on (older versions take ACCESS
EXCLUSIVE); nothing refers to an index by name except DDL and planner hints.`,
    options: { pattern: 'idx_{table}_{columns}', uniquePattern: 'idx_{table}_{columns}' },
    optionDocs: {
      pattern: 'Name of a non-unique index; placeholders `{table}`, `{columns}` (key columns joined by `_`), `{schema}`.',
      uniquePattern: 'Name of a unique index, e.g. `uq_{table}_{columns}` to tell them apart; same placeholders.',
    },
    invalid: [
      `CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL,
  placed_at timestamptz NOT NULL
);
CREATE INDEX orders_customer_id_idx ON orders (customer_id); -- flagged
CREATE INDEX orders_by_date ON orders (placed_at DESC, customer_id); -- flagged`,
      `CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL
);
CREATE UNIQUE INDEX users_email_lower ON users (lower(email)); -- flagged`,
      `CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL
);
CREATE INDEX idx_orders_customer_id ON orders (customer_id);
CREATE INDEX idx_customer_id ON orders (customer_id, id); -- flagged`,
    ],
    valid: [
      `CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id bigint NOT NULL,
  placed_at timestamptz NOT NULL,
  status text NOT NULL,
  reference text NOT NULL CONSTRAINT orders_reference_key UNIQUE
);
CREATE INDEX idx_orders_customer_id_placed_at ON orders (customer_id, placed_at);
CREATE INDEX idx_orders_customer_id_open ON orders (customer_id) WHERE status = 'open';
CREATE INDEX idx_orders_open ON orders (placed_at) WHERE status = 'open';
CREATE INDEX idx_orders_lower_status ON orders (lower(status));`,
      `CREATE TABLE users (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email text NOT NULL
);
CREATE UNIQUE INDEX idx_users_email ON users (email);
CREATE INDEX idx_users_email_2 ON users (email);`,
    ],
  },
  check({ database, options, report }) {
    // Names this run's fixes propose, so two renames never pick the same one.
    const chosen = new Set<string>();
    for (const t of tablesOf(database)) {
      const existing = relationNames(t.schema);
      const taken = { has: (name: string) => existing.has(name) || chosen.has(`${t.schema.name}.${name}`) };
      for (const ix of t.table.indexes) {
        const pattern = ix.unique ? options.uniquePattern : options.pattern;
        const values = { table: t.table.name, columns: nameParts(ix.columns), schema: t.schema.name };
        const full = fillPlaceholders(pattern, values);
        const tooLong = byteLength(full) > MAX_IDENTIFIER_BYTES;
        const loose = ix.where !== null || ix.keys.some((k) => k.column === null) || tooLong;
        // Not even the shortest columns part fits: no name can follow the pattern.
        if (byteLength(fillPlaceholders(pattern, { ...values, columns: 'x' })) > MAX_IDENTIFIER_BYTES) continue;
        if (patternMatcher(pattern, values, new Set(loose ? ['columns'] : []))(ix.name)) continue;

        const target = tooLong ? null : freeName(full, taken);
        if (target) chosen.add(`${t.schema.name}.${target}`);
        const shape = loose ? `${fillPlaceholders(pattern, { table: values.table, schema: values.schema })} with any {columns} part` : `${full}, optionally followed by _qualifier`;
        report({
          message: `Index ${ix.name} on ${t.name} does not follow ${pattern}`,
          object: `${t.schema.name}.${ix.name}`,
          table: t.name,
          span: ix.span,
          help: `Expected ${shape}${ix.unique ? ' (uniquePattern)' : ''}. Renaming an index takes a SHARE UPDATE EXCLUSIVE lock (PostgreSQL 12+): reads and writes go on.`,
          ...(target && {
            fix: {
              title: `Rename index ${ix.name} to ${target}`,
              sql: `ALTER INDEX ${qualifiedName(t.schema.name, ix.name)} RENAME TO ${quoteIdent(target)};`,
            },
          }),
        });
      }
    }
  },
});
