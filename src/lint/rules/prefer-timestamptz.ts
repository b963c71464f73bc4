import { quoteIdent } from '../../model/quote-ident.js';
import { columnObject, tablesOf } from '../model-walk.js';
import { defineRule } from '../types.js';

const NAIVE = /^timestamp(\(\d+\))? without time zone(\[\])?$/;

export default defineRule({
  id: 'prefer-timestamptz',
  meta: {
    category: 'types',
    severity: 'warning',
    description: 'Points in time are `timestamptz`, not `timestamp` without time zone.',
    rationale: `\`timestamp\` stores a wall-clock reading with no zone: the same value means different instants
for clients in different zones, and arithmetic across a DST change is wrong. \`timestamptz\` stores an
instant (UTC internally, same 8 bytes) and converts on input and output with the session's TimeZone.
From PostgreSQL 12 the change is a catalog-only \`ALTER COLUMN ... TYPE timestamptz\` when the session
TimeZone is UTC (existing values are read as UTC): no table rewrite, only a brief ACCESS EXCLUSIVE lock.`,
    invalid: [
      `CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  placed_at timestamp NOT NULL -- flagged
);`,
    ],
    valid: [
      `CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  placed_at timestamptz NOT NULL,
  delivery_date date
);`,
    ],
  },
  check({ database, report }) {
    for (const t of tablesOf(database)) {
      for (const column of t.table.columns) {
        if (!NAIVE.test(column.type)) continue;
        const type = column.type.replace('without', 'with');
        report({
          message: `Column ${column.name} is ${column.type}: it records no time zone`,
          object: columnObject(t, column.name),
          table: t.name,
          span: column.span,
          help: `Use ${type.replace('timestamp with time zone', 'timestamptz')}; existing values are read in the session's TimeZone (UTC below).`,
          fix: {
            title: `Change ${column.name} to timestamptz`,
            sql: `SET timezone = 'UTC';\nALTER TABLE ${t.sql} ALTER COLUMN ${quoteIdent(column.name)} TYPE ${type};`,
          },
        });
      }
    }
  },
});
