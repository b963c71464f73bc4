import { parseExpression } from '../../load/fold-table.js';
import { quoteIdent } from '../../model/quote-ident.js';
import { deparse } from '../../parse/deparse.js';
import { nameList } from '../../parse/name-list.js';
import { resolveType } from '../column-types.js';
import { alterExistingTable, isNullConstant, modelTypeName, statementSql, type AlterCommand, type TargetTable } from '../migration-rules-helpers/alter-table.js';
import { VOLATILE_BUILTINS, VOLATILE_EXTENSION_FUNCTIONS } from '../volatile-functions.js';
import { defineMigrationRule, type MigrationContext } from '../migration-types.js';

/** What makes PostgreSQL compute the new column for every existing row, and why, in words. */
interface Cause {
  kind: 'default' | 'domain-default' | 'serial' | 'identity' | 'generated' | 'domain-check';
  why: string;
}

export default defineMigrationRule({
  id: 'adding-field-with-volatile-default',
  meta: {
    category: 'migrations',
    severity: 'warning',
    description: 'ADD COLUMN whose value must be computed for every existing row: the table is rewritten',
    rationale: `\`ALTER TABLE … ADD COLUMN\` takes an **ACCESS EXCLUSIVE** lock: every read and write of the table waits
until the statement ends. Since PostgreSQL 11 that is a moment for most columns: a column without a
default, or with a *non-volatile* one (a constant, an IMMUTABLE or STABLE expression — \`now()\` and
\`CURRENT_TIMESTAMP\` are STABLE), is added to the catalog only; the default is evaluated once and stored as
the value of every existing row, and nothing is rewritten. PostgreSQL must instead **rewrite the whole
table and rebuild its indexes**, under that lock, when the value differs per row:

- a **VOLATILE** default: \`clock_timestamp()\`, \`random()\`, \`gen_random_uuid()\`, \`uuid_generate_v4()\`, \`nextval()\`…
  (VOLATILE is PostgreSQL's default for \`CREATE FUNCTION\`: a user function is taken for VOLATILE unless an
  earlier statement of the migration creates it IMMUTABLE or STABLE, since the model does not record it);
- a \`serial\`/\`bigserial\` column (its default is \`nextval()\`), or \`GENERATED … AS IDENTITY\`;
- \`GENERATED ALWAYS AS (…) STORED\` (a PostgreSQL 18 VIRTUAL column is computed on read: no rewrite);
- a domain with CHECK constraints (each row is checked through the rewrite, PostgreSQL 18 included).

**Before PostgreSQL 11 any non-null default rewrites the table**, volatile or not (\`--pg-version\`).

The safe way: add the column without the default (a catalog change), \`ALTER COLUMN … SET DEFAULT\` for new
rows, and backfill the existing ones in batches of a few thousand rows, each in its own transaction.
A column added to a table created earlier in the same migration is not flagged: it holds no rows.`,
    invalid: [
      `CREATE TABLE events (id bigint PRIMARY KEY);
---
ALTER TABLE events ADD COLUMN received_at timestamptz NOT NULL DEFAULT clock_timestamp(); -- flagged`,
      `CREATE TABLE documents (id bigint PRIMARY KEY);
---
ALTER TABLE documents ADD COLUMN public_id uuid DEFAULT gen_random_uuid(); -- flagged`,
      `CREATE TABLE legacy (code text PRIMARY KEY);
---
ALTER TABLE legacy ADD COLUMN id bigserial; -- flagged`,
      {
        sql: `CREATE TABLE accounts (id bigint PRIMARY KEY);
---
ALTER TABLE accounts ADD COLUMN active boolean NOT NULL DEFAULT true; -- flagged`,
        pgVersion: 10,
      },
    ],
    valid: [
      // now() is STABLE: evaluated once, stored as the value of every existing row (PostgreSQL 11+).
      `CREATE TABLE events (id bigint PRIMARY KEY);
---
ALTER TABLE events ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();`,
      `CREATE TABLE accounts (id bigint PRIMARY KEY);
---
ALTER TABLE accounts ADD COLUMN active boolean NOT NULL DEFAULT true;`,
      `CREATE TABLE documents (id bigint PRIMARY KEY);
---
ALTER TABLE documents ADD COLUMN public_id uuid;
ALTER TABLE documents ALTER COLUMN public_id SET DEFAULT gen_random_uuid();`,
      // The table is new: it holds no rows to rewrite.
      `CREATE TABLE documents (id bigint PRIMARY KEY);
ALTER TABLE documents ADD COLUMN public_id uuid DEFAULT gen_random_uuid();`,
      // A function this migration creates IMMUTABLE or STABLE is evaluated once.
      `CREATE TABLE events (id bigint PRIMARY KEY);
---
CREATE FUNCTION default_region() RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'eu' $$;
ALTER TABLE events ADD COLUMN region text DEFAULT default_region();`,
    ],
  },
  check(ctx) {
    const alter = alterExistingTable(ctx);
    if (!alter) return;
    const flagged = alter.commands.flatMap((command) => {
      const cause = command.cmd.subtype === 'AT_AddColumn' ? rewriteCause(ctx, command.cmd.def.ColumnDef) : undefined;
      return cause ? [{ command, cause }] : [];
    });
    if (!flagged.length) return;
    const { target } = alter;
    const fix = flagged.every((f) => f.cause.kind === 'default') ? withoutDefaults(target, ctx, flagged.map((f) => f.command)) : undefined;
    for (const { command, cause } of flagged) {
      const column = command.cmd.def.ColumnDef.colname;
      ctx.report({
        message: `ADD COLUMN ${quoteIdent(column)} rewrites ${target.object}: ${cause.why}`,
        span: command.span,
        object: `${target.object}.${column}`,
        help: `takes ACCESS EXCLUSIVE on ${target.object} while the table and its indexes are rewritten: every read and write waits. ${SAFE_WAY[cause.kind]}`,
        ...(fix && { fix }),
      });
    }
  },
});

const SAFE_WAY: Record<Cause['kind'], string> = {
  default: 'Add the column without the default, SET DEFAULT for new rows, then backfill existing rows in batches.',
  serial: 'Add a nullable integer column, SET DEFAULT nextval() of a sequence for new rows, backfill existing rows in batches, then make it NOT NULL through a validated CHECK.',
  identity: 'Add a nullable column, backfill it in batches, make it NOT NULL through a validated CHECK, then ADD GENERATED … AS IDENTITY and setval() its sequence past the values used.',
  generated: 'From PostgreSQL 18 a VIRTUAL generated column is computed on read and rewrites nothing; otherwise add a plain column kept by a trigger and backfill it in batches.',
  'domain-default': "Add the column as the domain's base type without a default, SET DEFAULT for new rows and backfill existing rows in batches; changing the type to a domain without constraints afterwards rewrites nothing.",
  'domain-check': "Add the column as the domain's base type, with the domain's CHECK as a table constraint NOT VALID, then VALIDATE CONSTRAINT in a later migration.",
};

function rewriteCause(ctx: MigrationContext<any>, def: any): Cause | undefined {
  const constraints: any[] = (def.constraints ?? []).map((w: any) => w.Constraint);
  const { type, serial } = modelTypeName(ctx.database, def.typeName);
  if (serial) return { kind: 'serial', why: `the nextval() default of a ${nameList(def.typeName.names).pop()} is VOLATILE, evaluated for every existing row` };
  if (constraints.some((c) => c.contype === 'CONSTR_IDENTITY')) return { kind: 'identity', why: 'every existing row draws an identity value from the sequence' };
  if (constraints.some((c) => c.contype === 'CONSTR_GENERATED' && c.generated_kind === 's')) return { kind: 'generated', why: 'a STORED generated column is computed and written for every existing row' };
  const info = resolveType(ctx.database, type);
  const explicit = constraints.find((c) => c.contype === 'CONSTR_DEFAULT' && !isNullConstant(c.raw_expr));
  const expression = explicit?.raw_expr ?? (info.domainDefault ? parseExpression(info.domainDefault) : undefined);
  const kind = explicit ? 'default' : 'domain-default';
  const where = explicit ? 'its DEFAULT' : `the DEFAULT of domain ${info.domains[0]}`;
  if (expression && ctx.pgVersion < 11) return { kind, why: `before PostgreSQL 11 any non-null default (here ${where}) is written into every existing row` };
  const call = expression && volatileCall(ctx, expression);
  if (call) return { kind, why: `${where} calls ${call} evaluated for every existing row` };
  if (info.domainChecks.length) return { kind: 'domain-check', why: `domain ${info.domains[0]} has CHECK constraints, and PostgreSQL checks each row through a rewrite` };
  return undefined;
}

/** The first call that makes the expression VOLATILE, described to go before "evaluated for every row" (`random(), which is VOLATILE and`). */
function volatileCall(ctx: MigrationContext<any>, node: any): string | undefined {
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = volatileCall(ctx, item);
      if (found) return found;
    }
    return undefined;
  }
  if (!node || typeof node !== 'object') return undefined;
  if (node.FuncCall) {
    const names = nameList(node.FuncCall.funcname);
    const name = names[names.length - 1];
    const schema = names.length > 1 ? names[names.length - 2] : undefined;
    const own = ctx.database.schemas.some((s) => (!schema || s.name === schema) && s.functions.some((f) => f.name === name && f.kind === 'function'));
    if (own) {
      const declared = declaredVolatility(ctx, schema, name);
      if (declared === undefined) return `${name}(), whose volatility the schema model does not keep (VOLATILE is PostgreSQL's default), so it is`;
      if (declared === 'volatile') return `${name}(), which is VOLATILE and`;
    } else if ((!schema || schema === 'pg_catalog') && VOLATILE_BUILTINS.has(name)) {
      return `${name}(), which is VOLATILE and`;
    } else if (VOLATILE_EXTENSION_FUNCTIONS.has(name)) {
      return `${name}(), which is VOLATILE and`;
    }
  }
  for (const value of Object.values(node)) {
    const found = volatileCall(ctx, value);
    if (found) return found;
  }
  return undefined;
}

/** The volatility of the function as the last CREATE FUNCTION of it in this migration declares it (VOLATILE when unsaid); undefined when none does. */
function declaredVolatility(ctx: MigrationContext<any>, schema: string | undefined, name: string): string | undefined {
  let volatility: string | undefined;
  for (const st of ctx.statements.slice(0, ctx.index)) {
    if (st.type !== 'CreateFunctionStmt') continue;
    const names = nameList(st.node.funcname);
    if (names[names.length - 1] !== name || (schema && names.length > 1 && names[names.length - 2] !== schema)) continue;
    const option = (st.node.options ?? []).find((o: any) => o.DefElem?.defname === 'volatility');
    volatility = option?.DefElem.arg.String.sval ?? 'volatile';
  }
  return volatility;
}

/**
 * The statement with each flagged column added bare (no DEFAULT, no NOT NULL, which would fail
 * on the existing rows), then SET DEFAULT for new rows; the backfill is left to the reader.
 */
function withoutDefaults(target: TargetTable, ctx: MigrationContext<any>, flagged: AlterCommand[]) {
  const node = structuredClone(ctx.statement.node);
  node.relation.schemaname = target.qn.schema;
  const defaults: string[] = [];
  const notNull: string[] = [];
  for (const { cmd, index } of flagged) {
    const def = node.cmds[index].AlterTableCmd.def.ColumnDef;
    const column = quoteIdent(def.colname);
    const constraints: any[] = def.constraints ?? [];
    const explicit = constraints.find((w) => w.Constraint.contype === 'CONSTR_DEFAULT');
    defaults.push(`ALTER TABLE ${target.sql} ALTER COLUMN ${column} SET DEFAULT ${deparse(explicit.Constraint.raw_expr)};`);
    if (constraints.some((w) => w.Constraint.contype === 'CONSTR_NOTNULL')) notNull.push(cmd.def.ColumnDef.colname);
    def.constraints = constraints.filter((w) => w.Constraint.contype !== 'CONSTR_DEFAULT' && w.Constraint.contype !== 'CONSTR_NOTNULL');
    if (!def.constraints.length) delete def.constraints;
  }
  const altered = statementSql({ AlterTableStmt: node });
  if (!altered) return undefined;
  return {
    title: 'add the column without its default, set the default for new rows',
    sql: [
      altered,
      ...defaults,
      '-- then backfill the existing rows in batches, each in its own transaction',
      ...(notNull.length ? [`-- and set ${notNull.map(quoteIdent).join(', ')} NOT NULL through a validated CHECK (see adding-not-nullable-field)`] : []),
    ].join('\n'),
  };
}
