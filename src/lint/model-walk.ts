import { qualifiedName } from '../model/quote-ident.js';
import type { Column, Database, QualifiedName, Schema, Span, Table } from '../model/types.js';

export interface TableRef {
  schema: Schema;
  table: Table;
  /** `schema.table`, unquoted: the object name findings carry. */
  name: string;
  /** `schema.table` quoted as SQL needs it, for fix statements. */
  sql: string;
}

/**
 * The tables rules look at. Partitions are skipped: they inherit their columns,
 * constraints and indexes from the parent, where the finding (and its fix) belongs.
 * Rules about rows (statistics, vacuum) ask for them: the rows live in the partitions.
 */
export function tablesOf(db: Database, options: { partitions?: boolean } = {}): readonly TableRef[] {
  // Every rule walks the tables: the refs (with their quoted names) are made once per model.
  let refs = tableRefs.get(db);
  if (!refs) {
    const all: TableRef[] = [];
    for (const schema of db.schemas) {
      for (const table of schema.tables) all.push({ schema, table, name: `${schema.name}.${table.name}`, sql: qualifiedName(schema.name, table.name) });
    }
    tableRefs.set(db, (refs = { all, withoutPartitions: all.filter((t) => !t.table.partitionOf) }));
  }
  return options.partitions ? refs.all : refs.withoutPartitions;
}
const tableRefs = new WeakMap<Database, { all: TableRef[]; withoutPartitions: TableRef[] }>();

/** Finds a table by qualified name. */
export function findTable(db: Database, ref: QualifiedName): Table | undefined {
  return db.schemas.find((s) => s.name === ref.schema)?.tables.find((t) => t.name === ref.name);
}

export function columnOf(table: Table, name: string): Column | undefined {
  return table.columns.find((c) => c.name === name);
}

/** `schema.table.column` */
export const columnObject = (t: TableRef, column: string) => `${t.name}.${column}`;

/** An index as rules see it: a CREATE INDEX, or the one behind a PRIMARY KEY or UNIQUE constraint. */
export interface IndexLike {
  name: string;
  unique: boolean;
  method: string;
  /** Column names, or expression text for expression keys. */
  columns: string[];
  /** Per key: a plain column (not an expression). */
  plain: boolean[];
  where: string | null;
  include: string[];
  constraint?: 'primary key' | 'unique';
  span?: Span;
}

/** Every index of a table, constraint-backed ones included (the model keeps those on the constraint). */
export function indexesOf(table: Table): IndexLike[] {
  const out: IndexLike[] = [];
  if (table.primaryKey) {
    const pk = table.primaryKey;
    out.push({ name: pk.name, unique: true, method: 'btree', columns: pk.columns, plain: pk.columns.map(() => true), where: null, include: pk.include ?? [], constraint: 'primary key', span: pk.span });
  }
  for (const u of table.uniques) {
    out.push({ name: u.name, unique: true, method: 'btree', columns: u.columns, plain: u.columns.map(() => true), where: null, include: u.include ?? [], constraint: 'unique', span: u.span });
  }
  for (const ix of table.indexes) {
    out.push({ name: ix.name, unique: ix.unique, method: ix.method, columns: ix.columns, plain: ix.keys.map((k) => k.column !== null), where: ix.where, include: ix.include, span: ix.span });
  }
  return out;
}

const relationNameCache = new WeakMap<Schema, ReadonlySet<string>>();

/** Names of the schema's relations: tables, views, sequences and indexes share one namespace (pg_class). */
export function relationNames(schema: Schema): ReadonlySet<string> {
  let taken = relationNameCache.get(schema);
  if (!taken) {
    const names = new Set<string>();
    for (const t of schema.tables) {
      names.add(t.name);
      for (const ix of indexesOf(t)) names.add(ix.name);
    }
    for (const v of schema.views) names.add(v.name);
    for (const q of schema.sequences) names.add(q.name);
    relationNameCache.set(schema, (taken = names));
  }
  return taken;
}

/** Names of a table's constraints: PostgreSQL keeps them unique per table. */
export function constraintNames(table: Table): Set<string> {
  return new Set([
    ...(table.primaryKey ? [table.primaryKey.name] : []),
    ...table.uniques.map((u) => u.name),
    ...table.checks.map((c) => c.name),
    ...table.foreignKeys.map((f) => f.name),
    ...table.exclusions.map((e) => e.name),
  ]);
}
