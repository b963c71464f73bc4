import { nameList } from '../parse/name-list.js';
import { parseSync } from 'libpg-query';
import { emptyTable } from '../model/empty.js';
import type { Column, Index, QualifiedName, Table } from '../model/types.js';
import { deparse } from '../parse/deparse.js';
import { formatType } from '../parse/format-type.js';
import { quoteIdent } from '../model/quote-ident.js';
import type { ParsedStatement } from '../parse/parse-script.js';
import { chooseName, columnsAddition } from './choose-name.js';
import { addConstraint } from './fold-constraint.js';
import { indexNameParts } from './index-keys.js';
import { display, type SchemaBuilder } from './schema-builder.js';
import { collationFromNames } from '../model/collation.js';

/** Text of a sequence reference inside nextval(), as regclass output prints it. */
function regclassText(seq: QualifiedName): string {
  return seq.schema === 'public' ? quoteIdent(seq.name) : `${quoteIdent(seq.schema)}.${quoteIdent(seq.name)}`;
}

/**
 * Adds one column (CREATE TABLE element or ALTER TABLE ADD COLUMN) with its column
 * constraints. Constraints that need the whole table (PK, UNIQUE, FK, CHECK) are returned
 * for the caller to add once every column exists, as PostgreSQL does.
 */
export function addColumn(b: SchemaBuilder, qn: QualifiedName, table: Table, def: any, st: ParsedStatement): any[] {
  // `PARTITION OF p (col WITH OPTIONS DEFAULT 0)` names a column the parent defines.
  const inherited = def.typeName ? undefined : table.columns.find((c) => c.name === def.colname);
  if (!def.typeName && !inherited) {
    b.note(`column ${def.colname} is not defined on the parent of ${display(qn)}`, st.locate(def.location));
    return [];
  }
  const { type, serial } = inherited ? { type: inherited.type, serial: undefined } : formatType(def.typeName, b.resolveType);
  const column: Column = { name: def.colname, type, notNull: false, default: null, span: st.locate(def.location) };
  const collation = collationFromNames(nameList(def.collClause?.collname));
  if (collation) column.collation = collation;
  const deferred: any[] = [];

  for (const wrapped of def.constraints ?? []) {
    const c = wrapped.Constraint;
    switch (c.contype) {
      case 'CONSTR_NOTNULL': column.notNull = true; break;
      case 'CONSTR_NULL': column.notNull = false; break;
      case 'CONSTR_DEFAULT': column.default = deparse(c.raw_expr); break;
      case 'CONSTR_IDENTITY':
        column.identity = c.generated_when === 'a' ? 'always' : 'by default';
        column.notNull = true;
        break;
      case 'CONSTR_GENERATED': column.generated = deparse(c.raw_expr); break;
      // `REFERENCES t DEFERRABLE INITIALLY DEFERRED` arrives as separate attribute nodes
      // that qualify the constraint before them.
      case 'CONSTR_ATTR_DEFERRABLE': if (deferred.length) deferred[deferred.length - 1] = { ...deferred[deferred.length - 1], deferrable: true }; break;
      case 'CONSTR_ATTR_NOT_DEFERRABLE': if (deferred.length) deferred[deferred.length - 1] = { ...deferred[deferred.length - 1], deferrable: false }; break;
      case 'CONSTR_ATTR_DEFERRED': if (deferred.length) deferred[deferred.length - 1] = { ...deferred[deferred.length - 1], initdeferred: true }; break;
      case 'CONSTR_ATTR_IMMEDIATE': if (deferred.length) deferred[deferred.length - 1] = { ...deferred[deferred.length - 1], initdeferred: false }; break;
      default: deferred.push(c);
    }
  }

  const existing = table.columns.find((col) => col.name === column.name);
  if (existing) {
    // A column inherited from a parent merges with the local definition.
    inheritedOnly.delete(existing);
    existing.notNull ||= column.notNull;
    if (column.default !== null) existing.default = column.default;
  } else {
    table.columns.push(column);
  }

  if (serial) {
    // serial = a sequence owned by the column + NOT NULL + DEFAULT nextval(...).
    const seq = { schema: qn.schema, name: chooseName(qn.name, column.name, 'seq', b.relationTaken(qn.schema)) };
    b.schema(qn.schema)!.sequences.push({ name: seq.name, type: serial, ownedBy: { table: qn, column: column.name }, span: column.span });
    b.noteRelation(qn.schema, seq.name, 'sequence');
    column.notNull = true;
    column.default = `nextval('${regclassText(seq)}'::regclass)`;
  }
  return deferred;
}

/**
 * A partition in the model holds only what is its own, as the catalog tells it apart: its
 * columns come from the parent, while the parent's constraints and indexes, which PostgreSQL
 * clones onto every partition (conparentid, attached indexes), stay the parent's. A
 * partition's own CHECK with the name of a parent's CHECK is merged into it on attach.
 */
export function inheritFromPartitionParent(table: Table, parent: Table): void {
  if (!table.columns.length) table.columns = structuredClone(parent.columns).map((c) => ({ ...c, span: undefined, comment: undefined, identity: undefined }));
  table.checks = table.checks.filter((c) => !parent.checks.some((p) => p.name === c.name));
  table.indexes = table.indexes.filter((i) => !parent.indexes.some((p) => sameIndexShape(i, p)));
}

/** After the parent gained an index or constraint: a partition's matching one is attached to it. */
export function propagateToPartitions(b: SchemaBuilder, qn: QualifiedName, parent: Table): void {
  if (!parent.partitioning) return;
  b.forgetRelations(); // indexes may be attached (removed from the partition) below
  for (const schema of b.db.schemas) {
    for (const child of schema.tables) {
      const of = child.partitionOf?.parent;
      if (of && of.schema === qn.schema && of.name === qn.name) inheritFromPartitionParent(child, parent);
    }
  }
}

export function sameIndexShape(a: Index, b: Index): boolean {
  return JSON.stringify([a.keys, a.unique, a.method, a.where, a.include]) === JSON.stringify([b.keys, b.unique, b.method, b.where, b.include]);
}

/**
 * INHERITS children's columns that no local definition merged into (attislocal false):
 * dropping the parent's column drops these, and keeps the others.
 */
const inheritedOnly = new WeakSet<Column>();

/** A parent's column reaching a child (CREATE TABLE ... INHERITS, ALTER TABLE parent ADD COLUMN). */
export function inheritColumn(child: Table, column: Column): void {
  const existing = child.columns.find((c) => c.name === column.name);
  if (existing) {
    existing.notNull ||= column.notNull; // merged with the child's own column
    return;
  }
  const copy = { ...structuredClone(column), span: undefined, comment: undefined, identity: undefined };
  child.columns.push(copy);
  inheritedOnly.add(copy);
}

/**
 * Whether dropping the parent's column drops the child's: always for a partition (its columns
 * are all the parent's), for an INHERITS child only when it did not define the column itself.
 */
export function dropsWithParent(child: Table, column: Column): boolean {
  return !!child.partitionOf || inheritedOnly.has(column);
}

/**
 * Every table below `qn`, depth first: partitions and INHERITS children, recursively (or only
 * the direct ones). ALTER TABLE without ONLY changes a column in all of them, as PostgreSQL recurses.
 */
export function descendants(b: SchemaBuilder, qn: QualifiedName, directOnly = false): { qn: QualifiedName; table: Table }[] {
  const out: { qn: QualifiedName; table: Table }[] = [];
  for (const child of b.childrenOf(qn)) out.push(child, ...(directOnly ? [] : descendants(b, child.qn)));
  return out;
}

/** An expression the model keeps as SQL text, parsed back to its AST; undefined when it does not parse. */
export function parseExpression(sql: string): any {
  try {
    return (parseSync(`SELECT ${sql}`) as any).stmts[0].stmt.SelectStmt.targetList[0].ResTarget.val;
  } catch {
    return undefined;
  }
}

/**
 * DETACH PARTITION: the partition keeps, as its own, the clones PostgreSQL made of the
 * parent's keys, indexes, CHECKs and foreign keys (conparentid and inheritance are cleared).
 * The model lists those only on the parent while attached, so they are materialised here,
 * named as PostgreSQL named the clones (`child_pkey`, `child_a_b_key`, `child_lower_idx`).
 */
/** The name parts PostgreSQL would use for an index with these keys (`lower` for lower(email)). */
function keyNameParts(keys: Index['keys']): string[] {
  return indexNameParts(keys.map((k) => (k.column !== null ? { name: k.column } : { expr: parseExpression(k.expression ?? '') })));
}

export function detachPartition(b: SchemaBuilder, qn: QualifiedName, child: Table, parent: Table): void {
  delete child.partitionOf;
  const taken = b.relationTaken(qn.schema);
  const name = (parts: string[] | null, label: string) => {
    const chosen = chooseName(child.name, parts && columnsAddition(parts), label, taken);
    b.noteRelation(qn.schema, chosen, 'index');
    return chosen;
  };
  if (parent.primaryKey && !child.primaryKey) child.primaryKey = { ...structuredClone(parent.primaryKey), name: name(null, 'pkey'), span: undefined };
  for (const u of parent.uniques) child.uniques.push({ ...structuredClone(u), name: name([...u.columns, ...(u.include ?? [])], 'key'), span: undefined });
  for (const e of parent.exclusions) child.exclusions.push({ ...structuredClone(e), name: name(e.elements.map((x) => x.key), 'excl'), span: undefined });
  for (const i of parent.indexes) {
    if (i.only || child.indexes.some((own) => sameIndexShape(own, i))) continue;
    child.indexes.push({ ...structuredClone(i), name: name([...keyNameParts(i.keys), ...i.include], 'idx'), span: undefined });
  }
  for (const c of parent.checks) if (!child.checks.some((own) => own.name === c.name)) child.checks.push({ ...structuredClone(c), span: undefined });
  for (const fk of parent.foreignKeys) if (!child.foreignKeys.some((own) => own.name === fk.name)) child.foreignKeys.push({ ...structuredClone(fk), span: undefined });
}

function boundText(spec: any): string {
  if (spec.is_default) return 'DEFAULT';
  // MINVALUE / MAXVALUE arrive as column references; PostgreSQL prints them in capitals.
  const datum = (d: any) => (d.ColumnRef ? String(d.ColumnRef.fields[0].String.sval).toUpperCase() : deparse(d));
  const list = (items: any[] | undefined) => (items ?? []).map(datum).join(', ');
  switch (spec.strategy) {
    case 'l': return `FOR VALUES IN (${list(spec.listdatums)})`;
    case 'r': return `FOR VALUES FROM (${list(spec.lowerdatums)}) TO (${list(spec.upperdatums)})`;
    default: return `FOR VALUES WITH (modulus ${spec.modulus ?? 0}, remainder ${spec.remainder ?? 0})`; // protobuf JSON omits zeros
  }
}

export function attachPartition(b: SchemaBuilder, table: Table, parentName: QualifiedName, bound: any): void {
  const parent = b.table(parentName);
  if (!parent) return b.note(`partition parent ${display(parentName)} is not defined at this point`);
  table.partitionOf = { parent: parentName, bound: boundText(bound) };
  inheritFromPartitionParent(table, parent);
}

const LIKE = { DEFAULTS: 1 << 3, CONSTRAINTS: 1 << 2, GENERATED: 1 << 4, IDENTITY: 1 << 5, INDEXES: 1 << 6, COMMENTS: 1 << 0 };

function copyLike(b: SchemaBuilder, qn: QualifiedName, table: Table, like: any): void {
  const source = b.requireTable(b.qualify(like.relation));
  if (!source) return;
  const opts: number = like.options ?? 0;
  for (const col of source.columns) {
    table.columns.push({
      name: col.name,
      type: col.type,
      notNull: col.notNull,
      // Without INCLUDING DEFAULTS nothing of the default is copied, serial's nextval included.
      default: opts & LIKE.DEFAULTS ? col.default : null,
      ...(opts & LIKE.IDENTITY && col.identity ? { identity: col.identity } : {}),
      ...(opts & LIKE.GENERATED && col.generated ? { generated: col.generated } : {}),
      ...(col.collation ? { collation: col.collation } : {}),
      ...(opts & LIKE.COMMENTS && col.comment ? { comment: col.comment } : {}),
    });
  }
  if (opts & LIKE.CONSTRAINTS) {
    for (const check of source.checks) {
      table.checks.push({ ...check, span: undefined });
      b.registerConstraint(qn.schema, check.name);
    }
  }
  if (opts & LIKE.INDEXES) {
    if (source.primaryKey) {
      // Keys are constraints: their names avoid constraint names too (ChooseIndexName).
      table.primaryKey = { ...structuredClone(source.primaryKey), name: chooseName(qn.name, null, 'pkey', b.constraintIndexTaken(qn.schema)), span: undefined };
      b.noteRelation(qn.schema, table.primaryKey.name, 'index');
      b.registerConstraint(qn.schema, table.primaryKey.name);
    }
    for (const u of source.uniques) {
      const name = chooseName(qn.name, columnsAddition([...u.columns, ...(u.include ?? [])]), 'key', b.constraintIndexTaken(qn.schema));
      table.uniques.push({ ...u, name, span: undefined });
      b.noteRelation(qn.schema, name, 'index');
      b.registerConstraint(qn.schema, name);
    }
    for (const index of source.indexes) {
      const parts = [...keyNameParts(index.keys), ...index.include];
      const name = chooseName(qn.name, columnsAddition(parts), 'idx', b.relationTaken(qn.schema));
      table.indexes.push({ ...structuredClone(index), name, span: undefined });
      b.noteRelation(qn.schema, name, 'index');
    }
  }
}

/** CREATE TABLE (also PARTITION OF, INHERITS, LIKE, and inside CREATE SCHEMA). */
export function foldCreateTable(b: SchemaBuilder, n: any, st: ParsedStatement): void {
  const qn = b.qualify(n.relation, true);
  const schema = b.schema(qn.schema)!;
  if (b.relationKind(qn.schema, qn.name)) {
    if (!n.if_not_exists) b.note(`relation ${display(qn)} already exists; CREATE TABLE ignored`);
    return;
  }
  if (n.ofTypename) b.note(`CREATE TABLE ${display(qn)} OF type: columns are not modelled statically; use --exact`);
  const table = emptyTable(qn.name);
  table.span = st.span;
  if (n.relation.relpersistence === 'u') table.unlogged = true;
  schema.tables.push(table);
  b.noteTable(qn.schema, table);

  for (const inh of n.inhRelations ?? []) {
    const parentName = b.qualify(inh.RangeVar);
    if (n.partbound) continue;
    const parent = b.requireTable(parentName);
    (table.inherits ??= []).push(parentName);
    if (!parent) continue;
    // Inherited CHECKs stay the parent's (conislocal is false on the child).
    for (const col of parent.columns) inheritColumn(table, col);
  }

  const partitionParent = n.partbound ? b.qualify(n.inhRelations[0].RangeVar) : undefined;
  if (partitionParent) {
    const parent = b.table(partitionParent);
    if (parent) table.columns = structuredClone(parent.columns).map((c) => ({ ...c, span: undefined, comment: undefined, identity: undefined }));
  }
  const deferred: any[] = [];
  for (const elt of n.tableElts ?? []) {
    if (elt.ColumnDef) {
      for (const c of addColumn(b, qn, table, elt.ColumnDef, st)) deferred.push({ c, column: elt.ColumnDef.colname });
    } else if (elt.Constraint) {
      deferred.push({ c: elt.Constraint });
    } else if (elt.TableLikeClause) {
      copyLike(b, qn, table, elt.TableLikeClause);
    }
  }
  // PostgreSQL adds CHECKs while creating the table, then keys (the primary key first), then foreign keys.
  const order = (c: any) => (c.contype === 'CONSTR_CHECK' ? 0 : c.contype === 'CONSTR_PRIMARY' ? 1 : c.contype === 'CONSTR_FOREIGN' ? 3 : 2);
  deferred.sort((x, y) => order(x.c) - order(y.c));
  for (const { c, column } of dropRepeatedKeys(deferred)) addConstraint(b, qn, table, c, st, column);

  if (n.partspec) {
    const spec = n.partspec;
    const strategy = String(spec.strategy).replace('PARTITION_STRATEGY_', '').toLowerCase() as 'range' | 'list' | 'hash';
    table.partitioning = {
      strategy,
      keys: (spec.partParams ?? []).map((p: any) => p.PartitionElem.name ?? deparse(p.PartitionElem.expr)),
    };
  }
  if (partitionParent) attachPartition(b, table, partitionParent, n.partbound);
}

/**
 * CREATE TABLE drops a PRIMARY KEY or UNIQUE that repeats an earlier one (`id int PRIMARY KEY
 * UNIQUE`), as transformIndexConstraints does: same columns, INCLUDE, NULLS NOT DISTINCT and
 * deferrability. The kept one takes the dropped one's name when it has none of its own.
 */
function dropRepeatedKeys(deferred: { c: any; column?: string }[]): { c: any; column?: string }[] {
  const kept: { c: any; column?: string }[] = [];
  const shape = ({ c, column }: { c: any; column?: string }) =>
    JSON.stringify([c.keys?.length ? nameList(c.keys) : column ? [column] : [], nameList(c.including), !!c.nulls_not_distinct, !!c.deferrable, !!c.initdeferred]);
  for (const item of deferred) {
    const isKey = item.c.contype === 'CONSTR_PRIMARY' || item.c.contype === 'CONSTR_UNIQUE';
    const prior = isKey ? kept.find((k) => (k.c.contype === 'CONSTR_PRIMARY' || k.c.contype === 'CONSTR_UNIQUE') && shape(k) === shape(item)) : undefined;
    if (!prior) {
      kept.push(item);
      continue;
    }
    if (!prior.c.conname && item.c.conname) prior.c = { ...prior.c, conname: item.c.conname };
  }
  return kept;
}
