import { tablesOf } from '../model-walk.js';
import { compactOrder, expectedRowBytes, typeLayout } from '../type-layout.js';
import { defineRule } from '../types.js';

const round = (n: number) => Math.round(n * 10) / 10;

export default defineRule({
  id: 'column-order-padding',
  meta: {
    category: 'scale',
    severity: 'info',
    description: 'Column order does not waste row space on alignment padding.',
    rationale: `PostgreSQL stores a row's columns in declaration order and aligns each fixed-width value to its
type's alignment (\`typalign\`): \`bigint\`, \`double precision\`, \`timestamp\`/\`timestamptz\`, \`time\`,
\`interval\` and \`money\` to 8 bytes; \`integer\`, \`date\`, \`real\` and enums (4-byte oids) to 4;
\`smallint\` to 2; \`boolean\`, \`"char"\` and \`uuid\` (16 bytes) to 1. A \`boolean\` between two \`bigint\`s
takes 8 bytes, not 1, and the row's end is rounded to 8. Ordering fixed-width columns from the widest
alignment down, then the variable-length ones, wastes nothing: on a table of hundreds of millions of
rows the padding is gigabytes of heap, cache and I/O.

The estimate is per row, for the data area (the 23-byte header and null bitmap do not depend on the
order) with every column non-NULL (a NULL takes no space). Variable-length values (\`text\`, \`numeric\`,
\`jsonb\`, \`varchar\`, arrays, ...) shorter than 127 bytes have a 1-byte header and no alignment, which is
what is assumed; since their length is unknown, the offset after one is taken as uniformly distributed
and the padding that follows as its average, so the figures can be fractional. A table is reported when
reordering saves at least \`minBytes\` per row. There is no fix: PostgreSQL cannot reorder columns in
place. Use the order for new tables, or when the table is rebuilt anyway (a new table filled by
\`INSERT ... SELECT\` or logical replication, then swapped); pg_repack and VACUUM FULL keep the order.`,
    invalid: [
      `CREATE TABLE events ( -- flagged
  id bigint PRIMARY KEY,
  is_public boolean NOT NULL,
  created_at timestamptz NOT NULL,
  is_deleted boolean NOT NULL,
  updated_at timestamptz NOT NULL,
  priority smallint NOT NULL,
  score bigint NOT NULL
);`,
      `CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE DOMAIN amount AS bigint;
CREATE TABLE entries ( -- flagged
  user_id integer NOT NULL,
  total amount NOT NULL,
  mood mood NOT NULL,
  at timestamp NOT NULL,
  note text,
  day date NOT NULL,
  duration interval NOT NULL
);`,
    ],
    valid: [
      `CREATE TABLE events (
  id bigint PRIMARY KEY,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  score bigint NOT NULL,
  priority smallint NOT NULL,
  is_public boolean NOT NULL,
  is_deleted boolean NOT NULL,
  title text NOT NULL
);`,
      `CREATE TABLE users (
  id integer PRIMARY KEY,
  name text NOT NULL,
  created_at timestamptz NOT NULL,
  active boolean NOT NULL DEFAULT true
);`,
    ],
    options: { minBytes: 8 },
    optionDocs: { minBytes: 'Report a table when a better column order saves at least this many bytes per row.' },
  },
  check({ database, options, report }) {
    for (const t of tablesOf(database)) {
      const columns = t.table.columns.map((c) => ({ name: c.name, layout: typeLayout(database, c.type) }));
      const current = expectedRowBytes(columns.map((c) => c.layout));
      const better = compactOrder(columns);
      const best = expectedRowBytes(better.map((c) => c.layout));
      const saving = current.bytes - best.bytes;
      if (saving < options.minBytes) continue;
      report({
        message: `Table ${t.name}: column order wastes about ${round(saving)} bytes of alignment padding per row`,
        object: t.name,
        table: t.name,
        span: t.table.span,
        help: `Ordered as (${better.map((c) => c.name).join(', ')}), a row's data takes about ${round(best.bytes)} instead of ${round(current.bytes)} bytes (before variable-length payloads): ${round(saving)} MB less per million rows. PostgreSQL cannot reorder columns in place: apply it when creating or rebuilding the table.`,
      });
    }
  },
});
