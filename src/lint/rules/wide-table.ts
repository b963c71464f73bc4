import { tablesOf } from '../model-walk.js';
import { defineRule } from '../types.js';

const columnList = (n: number) => Array.from({ length: n }, (_, i) => `  attribute_${String(i + 1).padStart(2, '0')} text`).join(',\n');

export default defineRule({
  id: 'wide-table',
  meta: {
    category: 'scale',
    severity: 'info',
    description: 'Tables have no more than a few dozen columns.',
    rationale: `PostgreSQL rewrites the whole row on every UPDATE (MVCC keeps the old version until VACUUM), so a
wide row makes every small update copy and WAL-log all of it, and fewer rows fit a page, so scans and the
cache do more work for the same rows. A row must fit in a page (about 8 kB) after the large values are
compressed or moved out of line by TOAST; the hard limit is 1,600 columns, and dropped columns still count
towards it until the table is rebuilt. Many columns usually mean several entities or life-cycle stages in
one table, or sparse optional attributes.

Split vertically: keep the columns read and updated together (the hot path) in the main table and move
rarely used or separately updated groups to 1:1 tables sharing its primary key; sparse attributes can go
to a \`jsonb\` column. There is no fix: the split depends on how the columns are used.`,
    invalid: [
      `CREATE TABLE products ( -- flagged
  id bigint PRIMARY KEY,
${columnList(40)}
);`,
    ],
    valid: [
      `CREATE TABLE products (
  id bigint PRIMARY KEY,
${columnList(39)}
);`,
    ],
    options: { maxColumns: 40 },
    optionDocs: { maxColumns: 'Most columns a table may have.' },
  },
  check({ database, options, report }) {
    for (const t of tablesOf(database)) {
      const n = t.table.columns.length;
      if (n <= options.maxColumns) continue;
      report({
        message: `Table ${t.name} has ${n} columns, more than ${options.maxColumns}`,
        object: t.name,
        table: t.name,
        span: t.table.span,
        help: `Every UPDATE rewrites all ${n} columns of the row. Move groups of columns that are read or updated apart from the rest to 1:1 tables keyed by the primary key (PostgreSQL's hard limit is 1,600 columns, dropped ones included).`,
      });
    }
  },
});
