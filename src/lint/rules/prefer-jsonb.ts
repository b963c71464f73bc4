import { quoteIdent } from '../../model/quote-ident.js';
import { columnType, describeType } from '../column-types.js';
import { columnObject, tablesOf } from '../model-walk.js';
import { defineRule } from '../types.js';

export default defineRule({
  id: 'prefer-jsonb',
  meta: {
    category: 'types',
    severity: 'warning',
    description: 'JSON documents are stored as `jsonb`, not `json`.',
    rationale: `\`json\` stores the input text verbatim and re-parses it on every access: each \`->\`, \`->>\` or
\`@>\` walks the whole document, there is no equality operator (\`DISTINCT\`, \`GROUP BY\`, \`UNION\` and
unique constraints fail on it), and it cannot be indexed with GIN. \`jsonb\` is parsed once into a binary
form: operators are fast, \`@>\`, \`?\` and jsonpath queries use GIN indexes (\`jsonb_ops\` or the smaller
\`jsonb_path_ops\`), and duplicate keys are removed (the last one wins).

\`json\` is the right choice only when the exact text matters: documents kept byte for byte (signed
payloads, audit copies of what a client sent), where key order, duplicate keys and whitespace must survive,
and data that is written but never queried inside. Converting is \`ALTER COLUMN ... TYPE jsonb USING col::jsonb\`:
a table rewrite under an ACCESS EXCLUSIVE lock, which fails on strings holding \`\\u0000\` (jsonb rejects it),
so there is no automatic fix.`,
    invalid: [
      `CREATE TABLE events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  payload json NOT NULL, -- flagged
  tags json[] -- flagged
);`,
      `CREATE DOMAIN document AS json;
CREATE TABLE settings (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  value document -- flagged
);`,
    ],
    valid: [
      `CREATE TABLE events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  payload jsonb NOT NULL,
  raw_json text
);
CREATE INDEX idx_events_payload ON events USING gin (payload jsonb_path_ops);`,
    ],
  },
  check({ database, report }) {
    for (const t of tablesOf(database)) {
      for (const column of t.table.columns) {
        const type = columnType(database, t, column);
        if (type.name !== 'json') continue;
        const target = type.domains.length ? 'a jsonb domain' : `jsonb${type.array ? '[]' : ''}`;
        report({
          message: `Column ${column.name} is ${describeType(column, type)}: every access re-parses the text and it cannot be GIN-indexed`,
          object: columnObject(t, column.name),
          table: t.name,
          span: column.span,
          help: `Use ${target} unless the exact text (key order, duplicate keys, whitespace) must be kept: ALTER TABLE ${t.sql} ALTER COLUMN ${quoteIdent(column.name)} TYPE jsonb${type.array ? '[]' : ''} USING ${quoteIdent(column.name)}::jsonb${type.array ? '[]' : ''}; rewrites the table under an ACCESS EXCLUSIVE lock.`,
        });
      }
    }
  },
});
