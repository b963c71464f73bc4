import { qualifiedName } from '../../model/quote-ident.js';
import { findTable } from '../model-walk.js';
import { defineRule } from '../types.js';

const TYPE_MAX: Record<string, number> = { smallint: 32767, integer: 2147483647, bigint: 9223372036854775807 };

export default defineRule({
  id: 'sequence-exhaustion',
  meta: {
    category: 'scale',
    severity: 'warning',
    live: true,
    description: 'Sequences and identity columns that have used most of their range.',
    rationale: `When a sequence reaches its maximum, \`nextval\` fails and every INSERT into the table fails with it.
The limit is the smaller of the sequence's own maximum and the column's type: a \`serial\` column is an
\`integer\` (2,147,483,647) however large its sequence may go. Widening an integer key to bigint rewrites
the table and every referencing column under an ACCESS EXCLUSIVE lock, so it needs planning (a new bigint
column backfilled in batches, then a swap) long before the limit: the rule reports at 75%.`,
    options: { warnAt: 0.75 },
    optionDocs: { warnAt: 'fraction of the range used that is reported' },
    invalid: [
      `CREATE TABLE tickets (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY); -- flagged
SELECT setval(pg_get_serial_sequence('tickets', 'id'), 1800000000);`,
    ],
    valid: [
      `CREATE TABLE tickets (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
SELECT setval(pg_get_serial_sequence('tickets', 'id'), 1800000000);`,
    ],
  },
  check({ database, live, options, report }) {
    for (const s of live!.sequences) {
      // Only what the model kept (--schema, --table): a column's table, or a free sequence's schema.
      if (s.column ? !findTable(database, { schema: s.column.schema, name: s.column.table }) : !database.schemas.some((x) => x.name === s.schema)) continue;
      if (s.lastValue === null || s.increment <= 0) continue;
      const columnMax = s.column ? TYPE_MAX[s.column.type] : undefined;
      const limit = Math.min(s.maxValue, columnMax ?? Infinity);
      const used = s.lastValue / limit;
      if (used < options.warnAt) continue;
      const what = s.column ? `${s.column.schema}.${s.column.table}.${s.column.name} (${s.column.type})` : `sequence ${s.schema}.${s.name}`;
      const seqNarrower = s.column && s.maxValue < (columnMax ?? 0);
      report({
        message: `${what} has used ${(used * 100).toFixed(1)}% of its range: ${s.lastValue.toLocaleString('en-US')} of ${limit.toLocaleString('en-US')}`,
        object: s.column ? `${s.column.schema}.${s.column.table}.${s.column.name}` : `${s.schema}.${s.name}`,
        ...(s.column && { table: `${s.column.schema}.${s.column.table}` }),
        help: seqNarrower
          ? `The column is ${s.column!.type} but the sequence stops at ${s.maxValue.toLocaleString('en-US')}: widen the sequence (catalog only).`
          : `At ${s.increment} per insert the remaining ${(limit - s.lastValue).toLocaleString('en-US')} values run out; then every INSERT fails. Migrate the column to bigint now (expand: add a bigint column, backfill in batches, swap in a short transaction) — schemawise migrate plans it.`,
        ...(seqNarrower && {
          fix: { title: `Let ${s.name} count to the column's limit`, sql: `ALTER SEQUENCE ${qualifiedName(s.schema, s.name)} AS ${s.column!.type} NO MAXVALUE;` },
        }),
      });
    }
  },
});
