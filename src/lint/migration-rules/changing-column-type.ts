import { quoteIdent } from '../../model/quote-ident.js';
import { resolveType } from '../column-types.js';
import { lastName, nameList } from '../../parse/name-list.js';
import { typeChangeCost } from '../type-change-cost.js';
import { alterExistingTable, indexesOnColumn, modelTypeName } from '../migration-rules-helpers/alter-table.js';
import { defineMigrationRule, type MigrationContext } from '../migration-types.js';

const COLLATABLE = new Set(['text', 'character varying', 'character', 'citext', 'name']);

/**
 * Zone names with a fixed zero offset: with one of them as the session TimeZone, PostgreSQL 12+
 * converts timestamp ↔ timestamptz without touching a row (TimestampTimestampTzRequiresRewrite).
 */
const UTC_ZONES = new Set([
  'utc', 'etc/utc', 'uct', 'etc/uct', 'gmt', 'etc/gmt', 'gmt0', 'etc/gmt0', 'gmt+0', 'etc/gmt+0', 'gmt-0', 'etc/gmt-0',
  'greenwich', 'etc/greenwich', 'universal', 'etc/universal', 'zulu', 'etc/zulu',
]);

export default defineMigrationRule({
  id: 'changing-column-type',
  meta: {
    category: 'migrations',
    severity: 'warning',
    description: 'ALTER COLUMN TYPE that rewrites an existing table (or rebuilds its indexes) under ACCESS EXCLUSIVE',
    rationale: `\`ALTER TABLE … ALTER COLUMN … TYPE\` takes an **ACCESS EXCLUSIVE** lock: every read and write of the table
waits. For most changes PostgreSQL then **rewrites every row and rebuilds every index** of the table
before releasing it — minutes to hours on a large table, with twice its disk space meanwhile.

It skips the rewrite when the old values are already valid values of the new type (the change is
*binary-coercible*, and \`USING\` is absent or just the column), checked against the type the column
has in the schema before this statement:

- \`varchar(n)\` → \`varchar(m)\` with m ≥ n, → \`varchar\`, → \`text\`; \`text\` → \`varchar\` (without a length);
- \`numeric(p,s)\` → \`numeric(q,s)\` with q ≥ p (same scale), → \`numeric\`;
- \`varbit(n)\` → \`varbit(m)\` with m ≥ n, → \`varbit\`; \`cidr\` → \`inet\`; \`xml\` → \`text\`;
- \`timestamp(p)\`, \`timestamptz(p)\`, \`time(p)\`, \`timetz(p)\`, \`interval(p)\` → a larger or no precision;
- a domain → its base type without a typmod; a type → a domain over it **without** constraints;
- \`timestamp\` ↔ \`timestamptz\` from **PostgreSQL 12**, and **only when the session TimeZone is UTC**
  (the values are then the same instants): not flagged after \`SET TIME ZONE 'UTC'\` in the migration.

Shortening a length, \`text\` → \`varchar(n)\`, \`int\` → \`bigint\`, \`char(n)\` to anything, array element
changes and any \`USING\` expression rewrite. Even without a rewrite, indexes on the column are rebuilt
(still under ACCESS EXCLUSIVE) when the collation changes (\`ALTER … TYPE\` without \`COLLATE\` resets it to the
type's default), for \`timestamp\` ↔ \`timestamptz\` and for \`bit\` → \`varbit\`: those are flagged when the
column is indexed.

The safe way for a rewriting change is expand/contract: add a column of the new type, keep it filled
(trigger or dual writes) while backfilling in batches, switch the application to it, then drop the old
column. A table created earlier in the same migration is not flagged.`,
    invalid: [
      `CREATE TABLE orders (id integer PRIMARY KEY, customer_id integer);
---
ALTER TABLE orders ALTER COLUMN customer_id TYPE bigint; -- flagged`,
      `CREATE TABLE users (id bigint PRIMARY KEY, email text);
---
ALTER TABLE users ALTER COLUMN email TYPE varchar(255); -- flagged`,
      `CREATE TABLE events (id bigint PRIMARY KEY, happened_at timestamp);
---
ALTER TABLE events ALTER COLUMN happened_at TYPE timestamptz; -- flagged`,
      `CREATE TABLE prices (id bigint PRIMARY KEY, amount numeric(10,2), label varchar(20));
---
ALTER TABLE prices
  ALTER COLUMN amount TYPE numeric(12,3), -- flagged
  ALTER COLUMN label TYPE varchar(40);`,
    ],
    valid: [
      `CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100));
---
ALTER TABLE users ALTER COLUMN email TYPE varchar(255);`,
      `CREATE TABLE users (id bigint PRIMARY KEY, email varchar(100));
---
ALTER TABLE users ALTER COLUMN email TYPE text;`,
      `CREATE TABLE prices (id bigint PRIMARY KEY, amount numeric(10,2));
---
ALTER TABLE prices ALTER COLUMN amount TYPE numeric(14,2);`,
      `CREATE TABLE events (id bigint PRIMARY KEY, happened_at timestamp);
---
SET TIME ZONE 'UTC';
ALTER TABLE events ALTER COLUMN happened_at TYPE timestamptz;`,
      // The table is new: rewriting it costs nothing.
      `CREATE TABLE orders (id integer PRIMARY KEY, customer_id integer);
ALTER TABLE orders ALTER COLUMN customer_id TYPE bigint;`,
    ],
  },
  check(ctx) {
    const alter = alterExistingTable(ctx);
    if (!alter) return;
    const { target } = alter;
    for (const { cmd, span } of alter.commands) {
      if (cmd.subtype !== 'AT_AlterColumnType') continue;
      const def = cmd.def.ColumnDef;
      const newType = modelTypeName(ctx.database, def.typeName).type;
      const column = target.table?.columns.find((c) => c.name === cmd.name);
      const name = quoteIdent(cmd.name);
      const object = `${target.object}.${cmd.name}`;
      const report = (message: string, help: string) => ctx.report({ message, span, object, help });
      const lock = `takes ACCESS EXCLUSIVE on ${target.object}`;
      const expand = 'Safe way: add a column of the new type, keep it filled (trigger or dual writes) and backfill it in batches, switch the application to it, then drop the old column.';

      if (def.raw_default && !sameValue(ctx, def.raw_default, cmd.name, newType)) {
        report(`changing ${name} to ${newType} with a USING expression rewrites ${target.object}: the expression is computed for every row`, `${lock} while every row is rewritten and every index rebuilt: all reads and writes wait. ${expand}`);
        continue;
      }
      if (!column) {
        report(
          `changing ${name} to ${newType} rewrites ${target.object} unless the change is binary-coercible, and the schema before this migration does not say what the old type is`,
          `${lock}; a rewrite (every row, every index) keeps all reads and writes waiting. ${expand}`,
        );
        continue;
      }
      const cost = typeChangeCost(ctx.database, target.qn.schema, column.type, newType, ctx.pgVersion);
      const collation = lastName(def.collClause?.collname);
      const collationChanges = COLLATABLE.has(resolveType(ctx.database, newType, target.qn.schema).name) && norm(collation) !== norm(column.collation);
      const indexes = target.table ? indexesOnColumn(target.table, cmd.name) : [];
      const rebuilt = (cost.indexes || collationChanges) && indexes.length > 0 ? `rebuilds ${indexes.map(quoteIdent).join(', ')}` : undefined;
      const from = `changing ${name} from ${column.type} to ${newType}`;

      if (cost.rewrite === 'yes') {
        report(`${from} rewrites ${target.object} and rebuilds its indexes`, `${lock} while every row is rewritten and every index rebuilt: all reads and writes wait. ${expand}`);
      } else if (cost.rewrite === 'unless-utc' && !utcSession(ctx)) {
        report(
          `${from} rewrites ${target.object} unless the session TimeZone is UTC${rebuilt ? `, and ${rebuilt} either way` : ''}`,
          `${lock} for the rewrite. If the stored values are UTC, SET TIME ZONE 'UTC' before this statement (PostgreSQL 12+): the change is then a catalog update${rebuilt ? ' plus the index rebuild' : ''}. Otherwise convert with USING … AT TIME ZONE, which rewrites. ${expand}`,
        );
      } else if (rebuilt) {
        report(
          `${from} rewrites no row of ${target.object} but ${rebuilt}${collationChanges ? ` (the collation becomes ${collation ?? 'the default one'})` : ''}`,
          `${lock} while the indexes are rebuilt: all reads and writes wait. Drop them CONCURRENTLY first and create them again CONCURRENTLY afterwards if queries can do without them meanwhile, or go through a new column. ${expand}`,
        );
      }
    }
  },
});

const norm = (collation: string | undefined) => (collation === undefined || collation === 'default' ? undefined : collation);

/** Whether USING computes nothing new: the column itself, or the column cast to the new type. */
function sameValue(ctx: MigrationContext<any>, using: any, column: string, newType: string): boolean {
  const ref = using.ColumnRef ?? using.TypeCast?.arg?.ColumnRef;
  if (!ref || nameList(ref.fields).pop() !== column) return false;
  return !using.TypeCast || modelTypeName(ctx.database, using.TypeCast.typeName).type === newType;
}

/** Whether an earlier `SET [LOCAL] TIME ZONE` of the migration left the session TimeZone at a zero offset. */
function utcSession(ctx: MigrationContext<any>): boolean {
  let utc = false;
  for (const st of ctx.statements.slice(0, ctx.index)) {
    if (st.type !== 'VariableSetStmt' || st.node.name !== 'timezone') continue;
    const arg = st.node.kind === 'VAR_SET_VALUE' ? st.node.args?.[0] : undefined;
    const value = arg?.A_Const ?? arg?.TypeCast?.arg?.A_Const;
    if (value?.sval) utc = UTC_ZONES.has(value.sval.sval.toLowerCase()) || /^[+-]?0+(:0+)*$/.test(value.sval.sval.trim());
    else if (value?.ival) utc = (value.ival.ival ?? 0) === 0;
    else utc = false;
  }
  return utc;
}
