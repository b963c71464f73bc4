import { quoteIdent } from '../../model/quote-ident.js';
import { findDomain, resolveType } from '../column-types.js';
import { alterExistingTable, isNullConstant, modelTypeName } from '../migration-rules-helpers/alter-table.js';
import { defineMigrationRule, type MigrationContext } from '../migration-types.js';

export default defineMigrationRule({
  id: 'adding-required-field',
  meta: {
    category: 'migrations',
    severity: 'error',
    description: 'ADD COLUMN … NOT NULL without a DEFAULT on an existing table: fails as soon as the table has a row',
    rationale: `A column added to an existing table holds NULL in every existing row unless it has a default. With
\`NOT NULL\` (or \`PRIMARY KEY\`, or a domain declared NOT NULL) and no default, PostgreSQL checks the existing rows
under the ACCESS EXCLUSIVE lock of \`ADD COLUMN\` and fails with *column "…" contains null values*: the
migration works on an empty development database and breaks in production.

The safe ways: give the column a non-volatile DEFAULT (from PostgreSQL 11 the value is stored once in the
catalog, nothing is rewritten; see [adding-field-with-volatile-default](adding-field-with-volatile-default.md)),
or add it nullable, backfill it in batches, and make it NOT NULL through a validated CHECK (see
[adding-not-nullable-field](adding-not-nullable-field.md)). Identity, serial and generated columns get a value
for every row and are not flagged here, nor is a table created earlier in the same migration (it is empty).`,
    invalid: [
      `CREATE TABLE users (id bigint PRIMARY KEY);
---
ALTER TABLE users ADD COLUMN email text NOT NULL; -- flagged`,
      `CREATE TABLE users (id bigint PRIMARY KEY);
CREATE DOMAIN email_address AS text NOT NULL;
---
ALTER TABLE users ADD COLUMN email email_address; -- flagged`,
    ],
    valid: [
      `CREATE TABLE users (id bigint PRIMARY KEY);
---
ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true;`,
      `CREATE TABLE users (id bigint PRIMARY KEY);
---
ALTER TABLE users ADD COLUMN email text;`,
      `CREATE TABLE legacy (code text PRIMARY KEY);
---
ALTER TABLE legacy ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY NOT NULL;`,
      // The table is new: it has no rows.
      `CREATE TABLE users (id bigint PRIMARY KEY);
ALTER TABLE users ADD COLUMN email text NOT NULL;`,
    ],
  },
  check(ctx) {
    const alter = alterExistingTable(ctx);
    if (!alter) return;
    const { target } = alter;
    for (const { cmd, span } of alter.commands) {
      if (cmd.subtype !== 'AT_AddColumn') continue;
      const def = cmd.def.ColumnDef;
      const why = requiredWithoutValue(ctx, def);
      if (!why) continue;
      ctx.report({
        message: `ADD COLUMN ${quoteIdent(def.colname)} is ${why} without a DEFAULT: it fails as soon as ${target.object} has a row`,
        span,
        object: `${target.object}.${def.colname}`,
        help: `every existing row would hold NULL, so PostgreSQL refuses the column (under ACCESS EXCLUSIVE, after a scan). Give it a non-volatile DEFAULT (no rewrite from PostgreSQL 11), or add it nullable, backfill in batches, then SET NOT NULL through a validated CHECK.`,
      });
    }
  },
});

/** What makes the new column refuse NULL (`NOT NULL`, `a PRIMARY KEY`, `of NOT NULL domain d`) when nothing gives existing rows a value. */
function requiredWithoutValue(ctx: MigrationContext<any>, def: any): string | undefined {
  const constraints: any[] = (def.constraints ?? []).map((w: any) => w.Constraint);
  const { type, serial } = modelTypeName(ctx.database, def.typeName);
  // These compute a value for every existing row.
  if (serial || constraints.some((c) => c.contype === 'CONSTR_IDENTITY' || c.contype === 'CONSTR_GENERATED')) return undefined;
  if (constraints.some((c) => c.contype === 'CONSTR_DEFAULT' && !isNullConstant(c.raw_expr))) return undefined;
  const info = resolveType(ctx.database, type);
  if (info.domainDefault) return undefined;
  if (constraints.some((c) => c.contype === 'CONSTR_NOTNULL')) return 'NOT NULL';
  if (constraints.some((c) => c.contype === 'CONSTR_PRIMARY')) return 'a PRIMARY KEY';
  const notNullDomain = info.array ? undefined : info.domains.find((d) => findDomain(ctx.database, d, 'public')?.domain.notNull);
  return notNullDomain ? `of NOT NULL domain ${notNullDomain}` : undefined;
}
