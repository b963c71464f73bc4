import { formatType } from '../parse/format-type.js';
import type { ParsedStatement } from '../parse/parse-script.js';
import { foldAlterTable } from './fold-alter-table.js';
import { foldDrop, foldRename, foldSetSchema } from './fold-drop-rename.js';
import { foldCreateIndex } from './fold-index.js';
import { foldAlterFunction, foldCreateAggregate, foldCreateFunction, foldCreateTrigger } from './fold-routines.js';
import { foldCreateTable } from './fold-table.js';
import { foldAlterDomain } from './fold-alter-domain.js';
import { foldAlterEnum, foldCreateComposite, foldCreateDomain, foldCreateEnum } from './fold-types.js';
import { foldCreateTableAs, foldCreateView } from './fold-view.js';
import { display, type SchemaBuilder } from './schema-builder.js';
import { nameList } from '../parse/name-list.js';

function setSearchPath(b: SchemaBuilder, schemas: string[]): void {
  b.searchPath = schemas.filter((s) => s && s !== '$user' && s !== 'pg_catalog');
}

/** A search_path setting as text (set_config): unquoted names fold to lower case, as identifiers do. */
function searchPathList(value: string): string[] {
  return value.split(',').map((s) => {
    const name = s.trim();
    return name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"') : name.toLowerCase();
  });
}

/** `SELECT pg_catalog.set_config('search_path', '...', false)` as pg_dump writes it. */
function searchPathFromSelect(node: unknown): string | undefined {
  let found: string | undefined;
  const walk = (x: any): void => {
    if (found !== undefined || !x || typeof x !== 'object') return;
    if (Array.isArray(x)) return x.forEach(walk);
    if (x.FuncCall && nameList(x.FuncCall.funcname).pop() === 'set_config') {
      const [name, value] = (x.FuncCall.args ?? []).map((a: any) => a.A_Const?.sval?.sval);
      if (name === 'search_path' && typeof value === 'string') found = value;
      return;
    }
    Object.values(x).forEach(walk);
  };
  walk(node);
  return found;
}

function foldSequence(b: SchemaBuilder, n: any, st: ParsedStatement): void {
  const qn = b.qualify(n.sequence, true);
  if (b.relationKind(qn.schema, qn.name)) {
    if (!n.if_not_exists) b.note(`relation ${display(qn)} already exists; CREATE SEQUENCE ignored`);
    return;
  }
  const seq: { name: string; type: string; ownedBy?: any; span: any } = { name: qn.name, type: 'bigint', span: st.span };
  b.schema(qn.schema)!.sequences.push(seq);
  b.noteRelation(qn.schema, qn.name, 'sequence');
  applySequenceOptions(b, seq, n.options);
}

function applySequenceOptions(b: SchemaBuilder, seq: { type: string; ownedBy?: any }, options: any[] | undefined): void {
  for (const { DefElem: d } of options ?? []) {
    if (d.defname === 'as') seq.type = formatType(d.arg.TypeName, b.resolveType).type;
    if (d.defname === 'owned_by') {
      const parts = nameList(d.arg.List?.items ?? d.arg);
      if (parts.length === 1 && parts[0] === 'none') delete seq.ownedBy;
      else if (parts.length >= 2) {
        const column = parts.pop()!;
        const table = b.qualify({ schemaname: parts.length > 1 ? parts[0] : undefined, relname: parts[parts.length - 1] });
        seq.ownedBy = { table, column };
      }
    }
  }
}

function foldComment(b: SchemaBuilder, n: any): void {
  const kind = String(n.objtype).replace('OBJECT_', '').toLowerCase();
  const comment: string | undefined = n.comment ?? undefined;
  const set = (target: { comment?: string } | undefined) => {
    if (!target) return;
    if (comment === undefined) delete target.comment;
    else target.comment = comment;
  };
  const parts = n.object.List ? nameList(n.object.List.items) : n.object.String ? [n.object.String.sval] : n.object.TypeName ? nameList(n.object.TypeName.names) : [];
  if (kind === 'schema') return set(b.schema(parts[0], false));
  if (kind === 'column') {
    const column = parts.pop()!;
    const table = b.table(b.qualify({ schemaname: parts.length > 1 ? parts[0] : undefined, relname: parts[parts.length - 1] }));
    return set(table?.columns.find((c) => c.name === column));
  }
  const qn = b.qualify({ schemaname: parts.length > 1 ? parts[0] : undefined, relname: parts[parts.length - 1] });
  const schema = b.schema(qn.schema, false);
  if (kind === 'table') return set(b.table(qn));
  if (kind === 'view' || kind === 'matview') return set(schema?.views.find((v) => v.name === qn.name));
  if (kind === 'type') return set(schema?.enums.find((e) => e.name === qn.name));
}


// Statements that only add to the model: they keep the relation-name cache up to date
// themselves. Every other one may drop or rename, and clears it.
const ADDITIVE = new Set([
  'CreateStmt', 'IndexStmt', 'CommentStmt', 'ViewStmt', 'CreateSeqStmt', 'CreateFunctionStmt', 'CreateTrigStmt',
  'CreateEnumStmt', 'CreateDomainStmt', 'CompositeTypeStmt', 'CreateTableAsStmt', 'CreateExtensionStmt',
  'VariableSetStmt', 'SelectStmt', 'AlterSeqStmt', 'AlterEnumStmt', 'CreateSchemaStmt', 'DefineStmt', 'AlterFunctionStmt',
]);

/**
 * ALTER TABLE subcommands that neither drop, rename nor invent names on other relations.
 * pg_dump writes every key and foreign key as its own ALTER TABLE: clearing the caches for
 * each made loading a large dump quadratic.
 */
const ADDITIVE_ALTER = new Set([
  'AT_ColumnDefault', 'AT_ValidateConstraint', 'AT_ChangeOwner', 'AT_SetStatistics', 'AT_SetRelOptions',
  'AT_ResetRelOptions', 'AT_ClusterOn', 'AT_ReplicaIdentity', 'AT_EnableRowSecurity', 'AT_ForceRowSecurity', 'AT_SetStorage',
]);
// A CHECK copied to inheritance children keeps its name, already registered; USING INDEX
// renames the index, so it is not additive.
const ADDITIVE_CONSTRAINT = new Set(['CONSTR_PRIMARY', 'CONSTR_UNIQUE', 'CONSTR_FOREIGN', 'CONSTR_EXCLUSION', 'CONSTR_CHECK']);

function isAdditive(b: SchemaBuilder, st: ParsedStatement): boolean {
  if (ADDITIVE.has(st.type)) return true;
  if (st.type !== 'AlterTableStmt' || st.node.objtype !== 'OBJECT_TABLE') return false;
  const cmds = (st.node.cmds ?? []).map((c: any) => c.AlterTableCmd);
  const simple = cmds.every(
    (cmd: any) =>
      ADDITIVE_ALTER.has(cmd.subtype) ||
      (cmd.subtype === 'AT_AddConstraint' && ADDITIVE_CONSTRAINT.has(cmd.def?.Constraint?.contype) && !cmd.def.Constraint.indexname),
  );
  // A partitioned table passes keys on to its partitions, under names PostgreSQL invents.
  return simple && !b.table(b.qualify(st.node.relation))?.partitioning;
}

/** Applies one parsed statement to the model being built. */
export function foldStatement(b: SchemaBuilder, st: ParsedStatement): void {
  b.current = st;
  const n = st.node;
  const additive = isAdditive(b, st);
  if (!additive) b.forgetRelations();
  try {
    foldNode(b, st, n);
  } finally {
    if (!additive) b.forgetRelations();
    else if (st.type === 'CreateStmt' && (n.inhRelations?.length || n.partbound)) b.forgetChildren();
  }
}

function foldNode(b: SchemaBuilder, st: ParsedStatement, n: any): void {
  switch (st.type) {
    case 'CreateSchemaStmt': {
      // CREATE SCHEMA AUTHORIZATION role names the schema after the role.
      n.schemaname ??= n.authrole?.rolename;
      if (b.schema(n.schemaname, false) && !n.if_not_exists) b.note(`schema ${n.schemaname} already exists`);
      b.schema(n.schemaname);
      // CREATE SCHEMA s CREATE TABLE t ...: PostgreSQL runs the elements with s first on
      // the search_path, so unqualified names inside are created in and resolved from s.
      const saved = b.searchPath;
      b.searchPath = [n.schemaname, ...saved];
      for (const elt of n.schemaElts ?? []) {
        const [type, node] = Object.entries(elt)[0] as [string, any];
        // The element's own position (its relation's name), not the CREATE SCHEMA line.
        const location = node.relation?.location ?? node.location;
        foldStatement(b, { ...st, type, node, span: typeof location === 'number' && location >= 0 ? st.locate(location) : st.span });
        b.counts.modelled--; // counted once, as the CREATE SCHEMA
      }
      b.searchPath = saved;
      break;
    }
    case 'CreateStmt':
      if (n.relation.relpersistence === 't') {
        // A temporary table lives for one session: not part of the schema.
        b.counts.skipped++;
        return;
      }
      foldCreateTable(b, n, st);
      break;
    case 'IndexStmt': foldCreateIndex(b, n, st); break;
    case 'AlterTableStmt': foldAlterTable(b, n, st); break;
    case 'RenameStmt': foldRename(b, n); break;
    case 'DropStmt': foldDrop(b, n); break;
    case 'AlterObjectSchemaStmt': foldSetSchema(b, n); break;
    case 'CreateEnumStmt': foldCreateEnum(b, n, st); break;
    case 'AlterEnumStmt': foldAlterEnum(b, n); break;
    case 'CreateDomainStmt': foldCreateDomain(b, n, st); break;
    case 'CompositeTypeStmt': foldCreateComposite(b, n, st); break;
    case 'CreateSeqStmt': foldSequence(b, n, st); break;
    case 'AlterSeqStmt': {
      const qn = b.qualify(n.sequence);
      const seq = b.schema(qn.schema, false)?.sequences.find((s) => s.name === qn.name);
      if (seq) applySequenceOptions(b, seq, n.options);
      else if (!n.missing_ok) b.note(`sequence ${display(qn)} is not defined at this point`);
      break;
    }
    case 'ViewStmt': foldCreateView(b, n, st); break;
    case 'CreateTableAsStmt': foldCreateTableAs(b, n, st); break;
    case 'CreateFunctionStmt': foldCreateFunction(b, n, st); break;
    case 'AlterFunctionStmt': foldAlterFunction(b, n); break;
    case 'CreateTrigStmt': foldCreateTrigger(b, n, st); break;
    case 'DefineStmt':
      if (n.kind !== 'OBJECT_AGGREGATE') {
        b.counts.skipped++; // operators, collations, text search objects: not modelled
        return;
      }
      foldCreateAggregate(b, n, st);
      break;
    case 'CreateExtensionStmt': {
      if (b.db.extensions.some((e) => e.name === n.extname)) break;
      const schema = (n.options ?? []).map((o: any) => o.DefElem).find((d: any) => d.defname === 'schema')?.arg?.String?.sval;
      b.db.extensions.push({ name: n.extname, schema: schema ?? b.creationSchema() });
      break;
    }
    case 'CommentStmt': foldComment(b, n); break;
    case 'AlterDomainStmt': foldAlterDomain(b, n, st); break;
    case 'VariableSetStmt':
      if (n.name === 'search_path') {
        // The parser has already folded and unquoted the names of SET search_path = a, "B".
        if (n.kind === 'VAR_SET_VALUE') setSearchPath(b, (n.args ?? []).map((a: any) => a.A_Const?.sval?.sval ?? ''));
        else setSearchPath(b, ['public']);
      }
      break;
    case 'SelectStmt': {
      if (n.intoClause) {
        b.counts.notModelled++;
        b.note('SELECT ... INTO creates a table whose columns come from execution: not modelled statically; use --exact');
        return;
      }
      const path = searchPathFromSelect(n);
      if (path !== undefined) setSearchPath(b, searchPathList(path));
      break;
    }
    case 'DoStmt':
      b.counts.notModelled++;
      b.note('DO block: not modelled statically; use --exact to run it on the embedded engine');
      return;
    default:
      b.counts.skipped++;
      return;
  }
  b.counts.modelled++;
}
