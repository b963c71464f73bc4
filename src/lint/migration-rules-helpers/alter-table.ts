/**
 * What the ALTER TABLE rules of `migrate lint` share: the table a statement alters (unless the
 * migration created it), each subcommand with its own position, the names PostgreSQL invents
 * for unnamed constraints (so a fix creates the constraint a later migration expects), and
 * statements printed back as SQL for fixes.
 */
import { deparseSync } from 'pgsql-deparser';
import { chooseName, columnsAddition } from '../../load/choose-name.js';
import { columnRefs } from '../../load/fold-constraint.js';
import { qualifiedName, quoteIdent } from '../../model/quote-ident.js';
import type { Database, QualifiedName, Span, Table } from '../../model/types.js';
import { builtinName, formatType } from '../../parse/format-type.js';
import { nameList } from '../../parse/name-list.js';
import type { ParsedStatement } from '../../parse/parse-script.js';
import type { MigrationContext } from '../migration-types.js';
import { indexesOf } from '../model-walk.js';
import { mentionsColumn } from '../sql-text.js';

export interface TargetTable {
  qn: QualifiedName;
  /** `schema.table`, unquoted: the object findings carry. */
  object: string;
  /** `schema.table` quoted for SQL. */
  sql: string;
  /** The table as the model knows it just before the statement; undefined when no earlier migration defined it. */
  table: Table | undefined;
}

export interface AlterCommand {
  /** The `AlterTableCmd` node. */
  cmd: any;
  /** Its position among the statement's subcommands. */
  index: number;
  /**
   * Where it is written: the parse tree locates column definitions and constraints, not the
   * other subcommands (SET NOT NULL, DROP COLUMN), which take the statement's position.
   */
  span: Span;
}

/**
 * The relation a statement names, unless it was created earlier in this migration: a new table
 * is invisible to other sessions until commit and holds no rows, so nothing it does blocks anyone.
 */
export function existingTable(ctx: MigrationContext<any>, rangeVar: { schemaname?: string; relname: string }): TargetTable | undefined {
  const qn = ctx.qualify(rangeVar);
  if (ctx.isNew(qn)) return undefined;
  return { qn, object: `${qn.schema}.${qn.name}`, sql: qualifiedName(qn.schema, qn.name), table: ctx.table(qn) };
}

/** An ALTER TABLE of a table that existed before this migration: the table and its subcommands. */
export function alterExistingTable(ctx: MigrationContext<any>): { target: TargetTable; commands: AlterCommand[] } | undefined {
  const { statement } = ctx;
  // ALTER INDEX / SEQUENCE / VIEW share the node; foreign tables hold no rows here to scan or rewrite.
  if (statement.type !== 'AlterTableStmt' || statement.node.objtype !== 'OBJECT_TABLE') return undefined;
  const target = existingTable(ctx, statement.node.relation);
  if (!target) return undefined;
  const commands = (statement.node.cmds ?? []).map((wrapped: any, index: number) => {
    const cmd = wrapped.AlterTableCmd;
    const location = cmd.def?.ColumnDef?.location ?? cmd.def?.Constraint?.location;
    return { cmd, index, span: location === undefined ? statement.span : statement.locate(location) };
  });
  return { target, commands };
}

/**
 * Whether an earlier statement of this migration added `column` to the table: a column no
 * released code knows yet can be renamed or dropped without breaking anyone.
 */
export function columnAddedInThisFile(ctx: MigrationContext<any>, qn: QualifiedName, column: string): boolean {
  return ctx.statements.slice(0, ctx.index).some((st) => {
    if (st.type !== 'AlterTableStmt' || !st.node.relation) return false;
    const altered = ctx.qualify(st.node.relation);
    if (altered.schema !== qn.schema || altered.name !== qn.name) return false;
    return (st.node.cmds ?? []).some((w: any) => w.AlterTableCmd.subtype === 'AT_AddColumn' && w.AlterTableCmd.def?.ColumnDef?.colname === column);
  });
}

/**
 * Every constraint name of a schema: ChooseConstraintName skips any name pg_constraint holds
 * in the namespace, whichever table or domain owns it.
 */
export function constraintNamesOf(db: Database, schema: string): Set<string> {
  const names = new Set<string>();
  const s = db.schemas.find((x) => x.name === schema);
  for (const t of s?.tables ?? []) {
    if (t.primaryKey) names.add(t.primaryKey.name);
    for (const c of [...t.uniques, ...t.checks, ...t.foreignKeys, ...t.exclusions]) names.add(c.name);
  }
  for (const d of s?.domains ?? []) for (const c of d.checks) names.add(c.name);
  return names;
}

/** Names of a schema's relations (tables, indexes, views, sequences share pg_class's namespace). */
function relationNamesOf(db: Database, schema: string): Set<string> {
  const names = new Set<string>();
  const s = db.schemas.find((x) => x.name === schema);
  for (const t of s?.tables ?? []) {
    names.add(t.name);
    for (const ix of indexesOf(t)) names.add(ix.name);
    for (const ex of t.exclusions) names.add(ex.name);
  }
  for (const v of s?.views ?? []) names.add(v.name);
  for (const q of s?.sequences ?? []) names.add(q.name);
  return names;
}

/**
 * The name of a CHECK or FOREIGN KEY constraint: its own, or the one PostgreSQL would invent
 * (`orders_total_check`, `orders_customer_id_fkey`), which is then marked taken in `taken`.
 * `column` names the column of a column constraint (`ADD COLUMN c int REFERENCES p`).
 */
function constraintName(constraint: any, table: string, taken: Set<string>, column?: string): string {
  if (constraint.conname) return constraint.conname;
  const isTaken = (name: string) => taken.has(name);
  let name: string;
  if (constraint.contype === 'CONSTR_FOREIGN') {
    const columns = constraint.fk_attrs?.length ? nameList(constraint.fk_attrs) : column ? [column] : [];
    name = chooseName(table, columnsAddition(columns), 'fkey', isTaken);
  } else {
    // A CHECK is named after its column only when it references exactly one.
    const refs = column ? [column] : columnRefs(constraint.raw_expr);
    name = chooseName(table, refs.length === 1 ? refs[0] : null, 'check', isTaken);
  }
  taken.add(name);
  return name;
}

/** A statement node printed back as one line of SQL ending in `;`; undefined when the deparser cannot print it. */
export function statementSql(node: object): string | undefined {
  try {
    return `${deparseSync(node as any, { pretty: false }).trim()};`;
  } catch {
    return undefined;
  }
}

/** The constraint and index names whose index holds `column` (as a key, an INCLUDE column, in an expression or predicate). */
export function indexesOnColumn(table: Table, column: string): string[] {
  const names: string[] = [];
  for (const ix of indexesOf(table)) {
    const keys = ix.columns.some((c, i) => (ix.plain[i] ? c === column : mentionsColumn(c, column)));
    if (keys || ix.include.includes(column) || (ix.where !== null && mentionsColumn(ix.where, column))) names.push(ix.name);
  }
  for (const ex of table.exclusions) {
    if (ex.elements.some((e) => e.key === column || mentionsColumn(e.key, column)) || (ex.where !== null && mentionsColumn(ex.where, column))) names.push(ex.name);
  }
  return names;
}

/**
 * SET NOT NULL without the long lock (PostgreSQL 12+): a CHECK (col IS NOT NULL) added NOT VALID
 * takes ACCESS EXCLUSIVE only for a moment; VALIDATE scans under SHARE UPDATE EXCLUSIVE, which
 * lets reads and writes go on; SET NOT NULL then finds the validated CHECK and skips its own scan
 * (NotNullImpliedByRelConstraints); the CHECK is redundant afterwards and dropped.
 */
export function setNotNullSql(target: TargetTable, column: string, taken: Set<string>): string {
  // Named as PostgreSQL names a one-column CHECK, not `_not_null`: PostgreSQL 18 gives that
  // name to the NOT NULL constraint SET NOT NULL creates while this CHECK still exists.
  const name = chooseName(target.qn.name, column, 'check', (n) => taken.has(n));
  taken.add(name);
  const check = quoteIdent(name);
  const col = quoteIdent(column);
  return [
    `ALTER TABLE ${target.sql} ADD CONSTRAINT ${check} CHECK (${col} IS NOT NULL) NOT VALID;`,
    '-- in a later migration (another transaction): the scan then holds only SHARE UPDATE EXCLUSIVE',
    `ALTER TABLE ${target.sql} VALIDATE CONSTRAINT ${check};`,
    `ALTER TABLE ${target.sql} ALTER COLUMN ${col} SET NOT NULL;`,
    `ALTER TABLE ${target.sql} DROP CONSTRAINT ${check};`,
  ].join('\n');
}

/**
 * The ALTER TABLE rewritten so that the given constraints skip the scan: each flagged
 * `ADD CONSTRAINT` CHECK or FOREIGN KEY becomes NOT VALID, each flagged `ADD COLUMN … REFERENCES`
 * loses its REFERENCES to an `ADD CONSTRAINT … FOREIGN KEY … NOT VALID` of its own (a column
 * constraint cannot be NOT VALID); then one VALIDATE CONSTRAINT per constraint. `names` gives each
 * constraint node its name (unnamed ones take PostgreSQL's, in statement order). No fix when a
 * foreign key of a partitioned table could not be NOT VALID (before PostgreSQL 18) or the
 * statement cannot be printed back.
 */
export function notValidRewrite(
  ctx: MigrationContext<any>,
  target: TargetTable,
  commands: AlterCommand[],
  flagged: (cmd: any) => boolean,
): { names: Map<any, string>; fix?: { title: string; sql: string } } {
  const taken = constraintNamesOf(ctx.database, target.qn.schema);
  const names = new Map<any, string>();
  const node = structuredClone(ctx.statement.node);
  // Qualified as the VALIDATE statements are: the fix may run under another search_path.
  node.relation.schemaname = target.qn.schema;
  const added: any[] = [];
  const validate: string[] = [];
  let foreignKeys = 0;
  for (const { cmd, index } of commands) {
    const copy = node.cmds[index].AlterTableCmd;
    if (cmd.subtype === 'AT_AddConstraint') {
      const c = cmd.def.Constraint;
      if (c.contype !== 'CONSTR_CHECK' && c.contype !== 'CONSTR_FOREIGN') continue;
      names.set(c, constraintName(c, target.qn.name, taken));
      if (!flagged(cmd)) continue;
      Object.assign(copy.def.Constraint, { conname: names.get(c), skip_validation: true, initially_valid: false });
      if (c.pktable) copy.def.Constraint.pktable = qualifiedRangeVar(ctx, c.pktable);
      if (c.contype === 'CONSTR_FOREIGN') foreignKeys++;
      validate.push(names.get(c)!);
    } else if (cmd.subtype === 'AT_AddColumn') {
      const column = cmd.def.ColumnDef;
      const references = (column.constraints ?? []).filter((w: any) => w.Constraint.contype === 'CONSTR_FOREIGN');
      for (const w of references) names.set(w.Constraint, constraintName(w.Constraint, target.qn.name, taken, column.colname));
      if (!references.length || !flagged(cmd)) continue;
      copy.def.ColumnDef.constraints = copy.def.ColumnDef.constraints.filter((w: any) => w.Constraint.contype !== 'CONSTR_FOREIGN');
      if (!copy.def.ColumnDef.constraints.length) delete copy.def.ColumnDef.constraints;
      for (const w of references) {
        const name = names.get(w.Constraint)!;
        added.push({
          AlterTableCmd: {
            subtype: 'AT_AddConstraint',
            def: {
              Constraint: {
                ...w.Constraint,
                conname: name,
                pktable: qualifiedRangeVar(ctx, w.Constraint.pktable),
                fk_attrs: [{ String: { sval: column.colname } }],
                skip_validation: true,
                initially_valid: false,
              },
            },
            behavior: 'DROP_RESTRICT',
          },
        });
        foreignKeys++;
        validate.push(name);
      }
    }
  }
  if (foreignKeys && refusesNotValid(ctx, target)) return { names };
  node.cmds.push(...added);
  const altered = statementSql({ AlterTableStmt: node });
  if (!altered || !validate.length) return { names };
  return {
    names,
    fix: {
      title: validate.length === 1 ? 'add the constraint NOT VALID, validate it in a later migration' : 'add the constraints NOT VALID, validate them in a later migration',
      sql: [
        altered,
        '-- in a later migration (another transaction): the scan then holds only SHARE UPDATE EXCLUSIVE',
        ...validate.map((name) => `ALTER TABLE ${target.sql} VALIDATE CONSTRAINT ${quoteIdent(name)};`),
      ].join('\n'),
    },
  };
}

/** A RangeVar with the schema the search_path gives it now: a fix may run under another search_path. */
const qualifiedRangeVar = (ctx: MigrationContext<any>, rangeVar: any) => ({ ...rangeVar, schemaname: ctx.qualify(rangeVar).schema });

/** Before PostgreSQL 18, ADD FOREIGN KEY … NOT VALID on a partitioned table is an error. */
export const refusesNotValid = (ctx: MigrationContext<any>, target: TargetTable) => Boolean(target.table?.partitioning) && ctx.pgVersion < 18;

/**
 * A parsed type (`TypeName` node) spelled as the model spells column types, so it compares with
 * them: `varchar(20)` → `character varying(20)`, a type of ours bare in `public` and qualified
 * elsewhere. An unqualified user type is looked up in `public`, then in any schema (the model
 * keeps no search_path for types).
 */
export function modelTypeName(db: Database, typeName: any): { type: string; serial?: string } {
  return formatType(typeName, (names) => {
    const name = names[names.length - 1];
    const has = (schema: string) => {
      const s = db.schemas.find((x) => x.name === schema);
      return Boolean(s && [...s.enums, ...s.domains, ...s.compositeTypes].some((t) => t.name === name));
    };
    const schema = names.length >= 2 ? names[names.length - 2] : has('public') ? 'public' : db.schemas.find((s) => has(s.name))?.name;
    if (!schema) return builtinName(name);
    return schema === 'public' || schema === 'pg_catalog' ? quoteIdent(name) : `${quoteIdent(schema)}.${quoteIdent(name)}`;
  });
}

/** A NULL constant, cast or not (`DEFAULT NULL`, `DEFAULT NULL::text`): PostgreSQL stores no default for it. */
export const isNullConstant = (node: any): boolean => Boolean(node?.A_Const?.isnull) || (node?.TypeCast !== undefined && isNullConstant(node.TypeCast.arg));

/**
 * ADD PRIMARY KEY / UNIQUE without building the index under ACCESS EXCLUSIVE: the statement
 * without those subcommands, then for each one CREATE UNIQUE INDEX CONCURRENTLY (SHARE UPDATE
 * EXCLUSIVE: reads and writes go on) and ADD CONSTRAINT … USING INDEX, a catalog change. A
 * primary key's columns not known NOT NULL are made so first through a validated CHECK
 * (PostgreSQL 12+), or USING INDEX would check them with a scan under ACCESS EXCLUSIVE. No fix
 * for a partitioned table (neither CONCURRENTLY nor USING INDEX is allowed on one) or for index
 * options the fix would lose (WITH, USING INDEX TABLESPACE).
 */
export function usingIndexRewrite(ctx: MigrationContext<any>, target: TargetTable, flagged: AlterCommand[]): { title: string; sql: string } | undefined {
  if (target.table?.partitioning) return undefined;
  const relations = relationNamesOf(ctx.database, target.qn.schema);
  const constraints = constraintNamesOf(ctx.database, target.qn.schema);
  const node = structuredClone(ctx.statement.node);
  node.relation.schemaname = target.qn.schema;
  node.cmds = node.cmds.filter((_: any, i: number) => !flagged.some((f) => f.index === i));
  const rest = node.cmds.length ? statementSql({ AlterTableStmt: node }) : '';
  if (rest === undefined) return undefined;
  const lines = [rest];
  for (const { cmd } of flagged) {
    const c = cmd.def?.Constraint;
    if (cmd.subtype !== 'AT_AddConstraint' || c.options?.length || c.indexspace) return undefined;
    const primary = c.contype === 'CONSTR_PRIMARY';
    const keys = nameList(c.keys);
    const include = nameList(c.including);
    const name = c.conname ?? (primary ? chooseName(target.qn.name, null, 'pkey', (n) => relations.has(n)) : chooseName(target.qn.name, columnsAddition([...keys, ...include]), 'key', (n) => relations.has(n)));
    relations.add(name);
    if (primary && ctx.pgVersion >= 12) {
      for (const key of keys) if (!target.table?.columns.find((col) => col.name === key)?.notNull) lines.push(setNotNullSql(target, key, constraints));
    }
    const columns = (list: string[]) => list.map(quoteIdent).join(', ');
    lines.push(
      '-- CREATE INDEX CONCURRENTLY cannot run inside a transaction block: give it a migration of its own',
      `CREATE UNIQUE INDEX CONCURRENTLY ${quoteIdent(name)} ON ${target.sql} (${columns(keys)})${include.length ? ` INCLUDE (${columns(include)})` : ''}${c.nulls_not_distinct ? ' NULLS NOT DISTINCT' : ''};`,
      `ALTER TABLE ${target.sql} ADD CONSTRAINT ${quoteIdent(name)} ${primary ? 'PRIMARY KEY' : 'UNIQUE'} USING INDEX ${quoteIdent(name)}${c.deferrable ? ' DEFERRABLE' : ''}${c.initdeferred ? ' INITIALLY DEFERRED' : ''};`,
    );
  }
  return { title: 'build the unique index concurrently, then attach it as the constraint', sql: lines.filter(Boolean).join('\n') };
}

type KeyType = 'CONSTR_PRIMARY' | 'CONSTR_UNIQUE';

/** The columns of a key whose index the subcommand builds: ADD CONSTRAINT without USING INDEX, or a new column's own PRIMARY KEY / UNIQUE. */
export function builtKey(cmd: any, contype: KeyType): string[] | undefined {
  const c = cmd.subtype === 'AT_AddConstraint' ? cmd.def?.Constraint : undefined;
  if (c?.contype === contype && !c.indexname) return nameList(c.keys);
  if (cmd.subtype !== 'AT_AddColumn') return undefined;
  const def = cmd.def.ColumnDef;
  return (def.constraints ?? []).some((w: any) => w.Constraint.contype === contype) ? [def.colname] : undefined;
}

/** A column's key is reported where it is written, not where its column starts. */
export function keySpan(statement: ParsedStatement, { cmd, span }: AlterCommand, contype: KeyType): Span {
  const inline = cmd.subtype === 'AT_AddColumn' ? cmd.def.ColumnDef.constraints.find((w: any) => w.Constraint.contype === contype) : undefined;
  return inline ? statement.locate(inline.Constraint.location) : span;
}
