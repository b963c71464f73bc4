import { quoteIdent } from '../../model/quote-ident.js';
import { columnObject, columnOf, findTable, tablesOf } from '../model-walk.js';
import { caseHelp, isSnakeCase, quotingReason, RENAME_CAVEAT, toSnakeCase } from '../name-style.js';
import { defineRule } from '../types.js';

export default defineRule({
  id: 'column-name-style',
  meta: {
    category: 'naming',
    severity: 'warning',
    description: 'Column names are snake_case.',
    rationale: `PostgreSQL folds unquoted identifiers to lower case: a column created as \`"firstName"\` must be
written \`"firstName"\` in every query, while \`firstName\` unquoted means \`firstname\` and fails with "column
does not exist". snake_case names never need quotes and map cleanly to every ORM's naming strategy. A
column written \`firstName\` without quotes is stored as \`firstname\`, which is snake_case (if unreadable),
so only quoted names are reported. Columns a table inherits are reported on the parent. The fix renames
the column: \`ALTER TABLE ... RENAME COLUMN\` is a catalog change under a brief ACCESS EXCLUSIVE lock;
indexes, constraints and views follow it (they refer to the column by number; a view keeps its own
output column name), but queries, function bodies and application code that spell the old name break.`,
    invalid: [
      `CREATE TABLE customers (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  "firstName" text NOT NULL, -- flagged
  "Email" text -- flagged
);`,
      `CREATE TABLE shipments (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  "shipped-at" timestamptz -- flagged
);`,
    ],
    valid: [
      `CREATE TABLE customers (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  firstName text NOT NULL,
  address2 text,
  _version integer NOT NULL DEFAULT 0
);`,
    ],
  },
  check({ database, report }) {
    for (const t of tablesOf(database)) {
      const parents = (t.table.inherits ?? []).flatMap((ref) => findTable(database, ref) ?? []);
      for (const column of t.table.columns) {
        if (isSnakeCase(column.name)) continue;
        if (parents.some((p) => columnOf(p, column.name))) continue;
        const target = toSnakeCase(column.name);
        const usable = target && !quotingReason(target, 'relation') && !columnOf(t.table, target);
        report({
          message: `Column ${column.name} of ${t.name} is not snake_case`,
          object: columnObject(t, column.name),
          table: t.name,
          span: column.span,
          help: `${caseHelp(column.name)} ${usable ? `Rename it to ${target}` : 'Rename it'}, with the code that uses it.`,
          ...(usable && {
            fix: {
              title: `Rename column ${column.name} to ${target} (breaks clients that use the old name)`,
              sql: `${RENAME_CAVEAT}\nALTER TABLE ${t.sql} RENAME COLUMN ${quoteIdent(column.name)} TO ${quoteIdent(target!)};`,
            },
          }),
        });
      }
    }
  },
});
