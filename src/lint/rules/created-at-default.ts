import { quoteIdent } from '../../model/quote-ident.js';
import { baseType, hasDefault, isCreatedName, isTemporalType } from '../integrity-helpers.js';
import { columnObject, tablesOf } from '../model-walk.js';
import { defineRule } from '../types.js';

export default defineRule({
  id: 'created-at-default',
  meta: {
    category: 'integrity',
    severity: 'warning',
    description: 'Creation-time columns (`created_at`, `inserted_at`, `created_on`...) default to the current time.',
    rationale: `A creation timestamp without a default depends on every writer remembering to set it: one
INSERT path that forgets (a script, a bulk load, a new service) leaves NULLs or, with NOT NULL, fails.
\`DEFAULT now()\` (\`CURRENT_DATE\` for a \`date\`) records the transaction's start time for every insert.
\`ALTER COLUMN ... SET DEFAULT\` changes only the catalog: no rewrite, no scan, only a brief ACCESS EXCLUSIVE
lock, and it affects future inserts only. Columns named like \`created_at\` with a date or timestamp type are
checked; a table with a BEFORE INSERT row trigger is skipped, since the trigger may set the column (the model
does not see the function's body).`,
    invalid: [
      `CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  created_at timestamptz NOT NULL -- flagged
);`,
      `CREATE TABLE invoices (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  created_on date, -- flagged
  date_created timestamp -- flagged
);`,
    ],
    valid: [
      `CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  created_at timestamptz NOT NULL DEFAULT now(),
  inserted_at timestamptz DEFAULT CURRENT_TIMESTAMP,
  created_by text,
  shipped_at timestamptz
);`,
      `CREATE TABLE notes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  created_at timestamptz NOT NULL
);
CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.created_at := now(); RETURN NEW; END $$;
CREATE TRIGGER notes_stamp BEFORE INSERT ON notes FOR EACH ROW EXECUTE FUNCTION stamp();`,
    ],
  },
  check({ database, report }) {
    for (const t of tablesOf(database)) {
      const stamped = database.schemas.some((s) => s.triggers.some(
        (tr) => tr.table.schema === t.schema.name && tr.table.name === t.table.name && tr.timing === 'before' && tr.forEach === 'row' && tr.events.includes('insert'),
      ));
      if (stamped) continue;
      for (const column of t.table.columns) {
        if (!isCreatedName(column.name) || hasDefault(column) || column.generated || column.identity) continue;
        const type = baseType(database, t.schema.name, column.type);
        if (!isTemporalType(type)) continue;
        const now = type === 'date' ? 'CURRENT_DATE' : 'now()';
        report({
          message: `Column ${column.name} of ${t.name} records the creation time but has no default`,
          object: columnObject(t, column.name),
          table: t.name,
          span: column.span,
          help: `Every INSERT must remember to set it. Add DEFAULT ${now}: a catalog-only change that applies to future inserts.`,
          fix: { title: `Default ${column.name} to ${now}`, sql: `ALTER TABLE ${t.sql} ALTER COLUMN ${quoteIdent(column.name)} SET DEFAULT ${now};` },
        });
      }
    }
  },
});
