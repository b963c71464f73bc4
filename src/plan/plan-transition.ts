import type { Change } from '../diff/changes.js';
import type { LockLevel } from '../lint/migration-types.js';
import { mentionsColumn } from '../lint/sql-text.js';
import { typeChangeCost } from '../lint/type-change-cost.js';
import { collationSql } from '../model/collation.js';
import { qualifiedName, quoteIdent } from '../model/quote-ident.js';
import type { Column, Database, ForeignKey, Index, PrimaryKey, QualifiedName, Table, UniqueConstraint } from '../model/types.js';
import { findDomain } from '../lint/column-types.js';
import { constraintNames, findTable, relationNames } from '../lint/model-walk.js';
import { typeSpelling } from '../diff/diff-models.js';
import { createIndex, deferral, foreignKeyClause, quoteLiteral, uniqueClause } from '../report/ddl.js';
import type { Hazard, Phase } from './plan-types.js';
import { narrowingTypeChange } from './type-change.js';
import { uniqueName } from './unique-name.js';

/**
 * Expand → backfill → contract. A column whose type change would rewrite the table under
 * ACCESS EXCLUSIVE, or whose rename would break every client still using the old name, gets
 * a second column beside it instead:
 *   expand (main migration): the new column, nullable and without a default, and a BEFORE
 *     trigger that keeps both in step whichever one a client writes (dual write);
 *   backfill (own migration, outside a transaction): a procedure that fills the new column in
 *     batches, committing after each, so no lock is held longer than a batch;
 *   indexes and keys on the new column built CONCURRENTLY, NOT NULL proven by a validated CHECK;
 *   contract (own migration, to deploy once no client uses the old shape): the old column
 *     dropped, the new one takes its name, indexes and unique keys theirs.
 * A table rename keeps the old name alive as a view (simple views are updatable) until the contract.
 */

export interface ColumnTransition {
  /** The column as it is, under its old name. */
  from: Column;
  /** The column as it becomes. */
  to: Column;
  /** The new column's name until the contract: its final name when renamed, a free name otherwise. */
  temp: string;
  /** The change it plans (the type change, or the rename). */
  change: Change;
  /** The sequence the column owns (serial), which moves to the new column at the contract. */
  sequence?: QualifiedName;
}

export interface TableTransition {
  table: QualifiedName;
  columns: ColumnTransition[];
  /** `from`'s table, with renamed columns under their new names (as the diff compares them). */
  fromTable: Table;
  toTable: Table;
  /** Relation names of the schema (tables, views, sequences, indexes, keys), in either model: a temporary index name must be free of them all. */
  taken: Set<string>;
  /** Indexes and unique keys of `from` the plan drops before the contract (the contract's down must not build them again). */
  droppedEarlier: Set<string>;
}

/** A foreign key that uses a transition's column, on either side. */
export interface MovingForeignKey {
  table: QualifiedName;
  fk: ForeignKey;
}

export interface Transitions {
  tables: TableTransition[];
  /** `from`'s foreign keys over old columns: dropped at the contract, before the columns (the down adds them back). */
  dropForeignKeys: MovingForeignKey[];
  /** `to`'s foreign keys over new columns: added NOT VALID once the backfill and the unique indexes are done, validated, renamed at the contract. */
  buildForeignKeys: (MovingForeignKey & { during: string })[];
  /** Table renames that keep the old name as a view until the contract, with the view's select list (the old shape). */
  tableRenames: { change: Extract<Change, { kind: 'rename-table' }>; columns: string[] }[];
  /** Changes the transitions plan, which the planner must not plan again. */
  handled: Set<Change>;
  /** Why a type change or rename is done in place instead. */
  notes: string[];
}

export interface TransitionOptions {
  pgVersion: number;
  /** Rows per backfill batch (a parameter of the procedure; CALL … (batch_size => n) overrides it). */
  batchSize: number;
  /** Pause between batches, in milliseconds (lets replicas and autovacuum keep up). */
  pauseMs: number;
}

/** Which ordering step of the planner a statement takes (plan-changes' STEP table). */
export type TransitionStep = 'rename' | 'createView' | 'addColumn' | 'addConstraint' | 'createTrigger' | 'addIndex' | 'addForeignKey' | 'validate' | 'contract';

export interface TransitionStatement {
  change: Change;
  sql: string;
  reverse: string | null;
  phase: Phase;
  step: TransitionStep;
  lock?: { level: LockLevel; on: string };
  scans?: boolean;
  hazards?: Hazard[];
  lost?: string;
}

const name = (qn: QualifiedName) => qualifiedName(qn.schema, qn.name);
const tableKey = (qn: QualifiedName) => `${qn.schema}.${qn.name}`;

/** The type changes that rewrite and the renames of an online plan, as transitions where they can be. */
export function findTransitions(changes: readonly Change[], from: Database, to: Database, options: TransitionOptions): Transitions {
  const result: Transitions = { tables: [], tableRenames: [], dropForeignKeys: [], buildForeignKeys: [], handled: new Set(), notes: [] };
  const candidates = new Map<string, { table: QualifiedName; column: string; alter?: Extract<Change, { kind: 'alter-column' }>; rename?: Extract<Change, { kind: 'rename-column' }> }>();
  const candidate = (table: QualifiedName, column: string) => {
    const k = `${tableKey(table)}.${column}`;
    if (!candidates.has(k)) candidates.set(k, { table, column });
    return candidates.get(k)!;
  };
  for (const c of changes) {
    if (c.kind === 'rename-column') candidate(c.table, c.to).rename = c;
    if (c.kind !== 'alter-column' || !c.changed.includes('type')) continue;
    if (typeChangeCost(to, c.table.schema, c.from.type, c.to.type, options.pgVersion).rewrite !== 'no') candidate(c.table, c.to.name).alter = c;
  }
  const byTable = new Map<string, TableTransition>();
  for (const { table, column, alter, rename } of candidates.values()) {
    const fromTable = findTable(from, table);
    const toTable = findTable(to, table);
    const toColumn = toTable?.columns.find((c) => c.name === column);
    const fromColumn = fromTable?.columns.find((c) => c.name === column);
    if (!fromTable || !toTable || !toColumn || !fromColumn) continue;
    const oldName = rename?.from ?? column;
    const what = alter ? `${name(table)}.${column} ${alter.from.type} → ${alter.to.type}${rename ? ` (renamed from ${oldName})` : ''}` : `${name(table)}.${oldName} → ${column}`;
    const reason = options.pgVersion < 11 ? 'the backfill procedure commits per batch, which needs PostgreSQL 11' : obstacle(changes, from, to, table, fromTable, toTable, column, oldName);
    if (reason) {
      result.notes.push(`${what} is done in place${alter ? ' (one ALTER that rewrites the table under ACCESS EXCLUSIVE)' : ' (clients using the old name break at once)'}: expand → backfill → contract is not planned because ${reason}`);
      continue;
    }
    const t = byTable.get(tableKey(table)) ?? { table, columns: [], fromTable, toTable, taken: takenNames(from, to, table.schema), droppedEarlier: new Set<string>() };
    byTable.set(tableKey(table), t);
    const taken = new Set([...fromTable.columns, ...toTable.columns].map((c) => c.name));
    let temp = rename ? column : uniqueName(`${column}_new`);
    for (let i = 2; !rename && taken.has(temp); i++) temp = uniqueName(`${column}_new${i}`);
    t.columns.push({ from: { ...fromColumn, name: oldName }, to: toColumn, temp, change: (alter ?? rename)!, sequence: ownedSequence(from, table, column) });
    if (alter) result.handled.add(alter);
    if (rename) result.handled.add(rename);
  }
  result.tables = [...byTable.values()];
  claimKeyChanges(changes, byTable, result.handled);
  moveForeignKeys(changes, from, to, byTable, result);

  for (const c of changes) {
    if (c.kind !== 'rename-table') continue;
    const taken = to.schemas.find((s) => s.name === c.schema);
    if (taken?.tables.some((t) => t.name === c.from) || taken?.views.some((v) => v.name === c.from)) {
      result.notes.push(`${qualifiedName(c.schema, c.from)} → ${c.to} is renamed in place: \`to\` has another object named ${c.from}, so no view can keep the old name`);
      continue;
    }
    result.handled.add(c);
    result.tableRenames.push({ change: c, columns: oldShape(c, changes, from, byTable) });
  }
  return result;
}

/**
 * What the transitions re-create on the new column, the planner must not also plan. An index
 * or key of `from` on the old column goes with it at the contract, unless `to` reuses its name
 * for another: then it is dropped as planned, before the new one is built.
 */
function claimKeyChanges(changes: readonly Change[], byTable: Map<string, TableTransition>, handled: Set<Change>): void {
  for (const c of changes) {
    const qn = c.kind === 'set-comment' ? (c.target.type === 'column' ? c.target.table : undefined) : 'table' in c && typeof c.table === 'object' ? (c.table as QualifiedName) : undefined;
    const t = qn && byTable.get(tableKey(qn));
    if (!t) continue;
    const names = new Set(t.columns.map((x) => x.to.name));
    const reused = (n: string) => t.toTable.indexes.some((i) => i.name === n) || t.toTable.uniques.some((u) => u.name === n);
    // The new column is created with `to`'s shape: its default, NOT NULL and comment come at the contract.
    if (c.kind === 'alter-column' && names.has(c.to.name)) handled.add(c);
    if (c.kind === 'add-index' && indexColumns(c.index).some((x) => names.has(x))) handled.add(c);
    if (c.kind === 'add-constraint' && c.constraint.type === 'unique' && c.constraint.value.columns.some((x) => names.has(x))) handled.add(c);
    if (c.kind === 'drop-index' && indexColumns(c.index).some((x) => names.has(x))) {
      if (reused(c.index.name)) t.droppedEarlier.add(c.index.name);
      else handled.add(c);
    }
    if (c.kind === 'drop-constraint' && c.constraint.type === 'unique' && c.constraint.value.columns.some((x) => names.has(x))) {
      if (reused(c.constraint.value.name)) t.droppedEarlier.add(c.constraint.value.name);
      else handled.add(c);
    }
    if (c.kind === 'set-comment' && c.target.type === 'column' && names.has(c.target.column)) handled.add(c);
    // A unique key on the old column goes with it at the contract; `to`'s is built on the new column under its name.
    if (c.kind === 'rename-constraint' && c.constraintType === 'unique' && t.fromTable.uniques.some((u) => u.name === c.from && u.columns.some((x) => names.has(x)))) handled.add(c);
  }
}

/** The columns a foreign key references: its list, or the referenced table's primary key when it has none. */
function referencedColumns(db: Database, fk: ForeignKey): string[] {
  return fk.refColumns.length ? fk.refColumns : (findTable(db, fk.refTable)?.primaryKey?.columns ?? []);
}

/** The foreign keys of `db` that use a column of `moving` (table key → column names), on either side. */
function foreignKeysUsing(db: Database, moving: (qn: QualifiedName) => Set<string> | undefined): MovingForeignKey[] {
  return db.schemas.flatMap((s) =>
    s.tables.flatMap((t) => {
      const table = { schema: s.name, name: t.name };
      return t.foreignKeys
        .map((fk) => ({ ...fk, refColumns: referencedColumns(db, fk) }))
        .filter((fk) => fk.columns.some((c) => moving(table)?.has(c)) || fk.refColumns.some((c) => moving(fk.refTable)?.has(c)))
        .map((fk) => ({ table, fk }));
    }),
  );
}

/**
 * A foreign key over a column in transition cannot stay: PostgreSQL refuses to drop a column a
 * key references, and the new column must be referenced (or reference) in its place. `from`'s
 * keys go at the contract; `to`'s are built on the new columns after the backfill — before it,
 * a row the backfill fills could point at a parent row not filled yet — NOT VALID, then
 * validated under SHARE UPDATE EXCLUSIVE. The diff's own changes to these keys are theirs.
 */
function moveForeignKeys(changes: readonly Change[], from: Database, to: Database, byTable: Map<string, TableTransition>, result: Transitions): void {
  const moving = (qn: QualifiedName) => {
    const t = byTable.get(tableKey(qn));
    return t && new Set(t.columns.map((c) => c.to.name));
  };
  const droppedTables = new Set(changes.flatMap((c) => (c.kind === 'drop-table' ? [`${c.schema}.${c.table.name}`] : [])));
  const droppedColumns = new Set(changes.flatMap((c) => (c.kind === 'drop-column' ? [`${tableKey(c.table)}.${c.column.name}`] : [])));
  // A key over a column the plan drops goes with the column; one on a dropped table with the table.
  // Any other stays until the contract, even one `to` changes or removes: until then the old
  // columns are the ones clients write, and their key keeps checking them.
  result.dropForeignKeys = foreignKeysUsing(from, moving).filter(
    ({ table, fk }) => !droppedTables.has(tableKey(table)) && !droppedTables.has(tableKey(fk.refTable)) && !fk.columns.some((c) => droppedColumns.has(`${tableKey(table)}.${c}`)),
  );
  const dropped = new Set(result.dropForeignKeys.map(({ table, fk }) => `${tableKey(table)}.${fk.name}`));
  for (const { table, fk } of foreignKeysUsing(to, moving)) {
    // Constraint names are per table: while `from`'s key of the same name lives, the new one goes by another until the contract.
    const fromTable = findTable(from, table);
    let during = fk.name;
    if (fromTable && constraintNames(fromTable).has(fk.name)) {
      const taken = new Set([...constraintNames(fromTable), ...constraintNames(findTable(to, table)!), ...result.buildForeignKeys.filter((b) => tableKey(b.table) === tableKey(table)).map((b) => b.during)]);
      during = uniqueName(`${fk.name}_new`);
      for (let i = 2; taken.has(during); i++) during = uniqueName(`${fk.name}_new${i}`);
    }
    result.buildForeignKeys.push({ table, fk, during });
  }
  for (const c of changes) {
    const key = 'table' in c && typeof c.table === 'object' ? `${tableKey(c.table as QualifiedName)}.` : '';
    if (c.kind === 'add-constraint' && c.constraint.type === 'foreign-key' && result.buildForeignKeys.some((b) => `${tableKey(b.table)}.${b.fk.name}` === `${key}${c.constraint.value.name}`)) result.handled.add(c);
    if (c.kind === 'rename-constraint' && c.constraintType === 'foreign-key' && dropped.has(`${key}${c.from}`)) result.handled.add(c);
    if (c.kind === 'drop-constraint' && c.constraint.type === 'foreign-key' && dropped.has(`${key}${c.constraint.value.name}`)) result.handled.add(c);
  }
}

/**
 * The select list that shows a renamed table as it was: `from`'s columns (those the plan keeps
 * until the contract) under their old names — the old column of a transition, a column renamed in
 * place as `new AS old` — and none of the columns this plan adds.
 */
function oldShape(r: Extract<Change, { kind: 'rename-table' }>, changes: readonly Change[], from: Database, byTable: Map<string, TableTransition>): string[] {
  const qn = { schema: r.schema, name: r.to };
  const table = findTable(from, qn);
  if (!table) return ['*'];
  const dropped = new Set(changes.flatMap((c) => (c.kind === 'drop-column' && tableKey(c.table) === tableKey(qn) ? [c.column.name] : [])));
  const transition = byTable.get(tableKey(qn));
  return table.columns
    .filter((c) => !dropped.has(c.name))
    .map((c) => {
      const moving = transition?.columns.find((x) => x.to.name === c.name);
      if (moving) return quoteIdent(moving.from.name);
      const renamed = changes.find((x) => x.kind === 'rename-column' && tableKey(x.table) === tableKey(qn) && x.to === c.name) as Extract<Change, { kind: 'rename-column' }> | undefined;
      return renamed ? `${quoteIdent(c.name)} AS ${quoteIdent(renamed.from)}` : quoteIdent(c.name);
    });
}

/** Every name in the schema's relation namespace, in either model. */
function takenNames(from: Database, to: Database, schema: string): Set<string> {
  const names = new Set<string>();
  for (const db of [from, to]) {
    const s = db.schemas.find((x) => x.name === schema);
    if (s) for (const n of relationNames(s)) names.add(n);
  }
  return names;
}

/** The sequence a column owns (serial, OWNED BY): it must move to the new column, or DROP COLUMN drops it. */
function ownedSequence(db: Database, qn: QualifiedName, column: string): QualifiedName | undefined {
  for (const s of db.schemas) for (const q of s.sequences) if (q.ownedBy && tableKey(q.ownedBy.table) === tableKey(qn) && q.ownedBy.column === column) return { schema: s.name, name: q.name };
  return undefined;
}

/**
 * A column in the INCLUDE list of a key a foreign key relies on: the key's index goes with the
 * old column, and PostgreSQL refuses to drop it while the foreign key depends on it.
 */
function includedInReferencedKey(from: Database, to: Database, qn: QualifiedName, column: string): string | null {
  for (const db of [from, to]) {
    const table = findTable(db, qn);
    if (!table) continue;
    const keys = [
      ...(table.primaryKey ? [{ name: table.primaryKey.name, columns: table.primaryKey.columns, include: table.primaryKey.include ?? [] }] : []),
      ...table.uniques.map((u) => ({ name: u.name, columns: u.columns, include: u.include ?? [] })),
      ...table.indexes.filter((i) => i.unique).map((i) => ({ name: i.name, columns: i.columns, include: i.include })),
    ];
    for (const key of keys.filter((k) => k.include.includes(column))) {
      const users = db.schemas.flatMap((s) => s.tables.flatMap((t) => t.foreignKeys.filter((f) => tableKey(f.refTable) === tableKey(qn) && sameSet(referencedColumns(db, f), key.columns)).map((f) => `${qualifiedName(s.name, t.name)}.${f.name}`)));
      if (users.length) return `it is an INCLUDE column of ${key.name}, which the foreign key ${users[0]} relies on`;
    }
  }
  return null;
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));

/** Why the foreign keys over a column cannot be rebuilt on the new column, or null. */
function foreignKeyObstacle(from: Database, to: Database, qn: QualifiedName, column: string): string | null {
  const moving = (t: QualifiedName) => (tableKey(t) === tableKey(qn) ? new Set([column]) : undefined);
  for (const [db, { table, fk }] of [...foreignKeysUsing(from, moving).map((k) => [from, k] as const), ...foreignKeysUsing(to, moving).map((k) => [to, k] as const)]) {
    const label = `${name(table)}.${fk.name}`;
    if (db === to && !findTable(from, table)) return `the foreign key ${label} is on a table this plan creates (it would be built on the old column)`;
    const ends = [table, fk.refTable].flatMap((end) => [findTable(from, end), findTable(to, end)]);
    if (ends.some((t) => t && (t.partitioning || t.partitionOf))) return `the foreign key ${label} is on a partitioned table (PostgreSQL cannot add it NOT VALID there)`;
  }
  return null;
}

const indexColumns = (index: Index) => [...index.keys.flatMap((k) => (k.column !== null ? [k.column] : [])), ...index.include];

/** Why a column cannot go through a transition, or null when it can. */
function obstacle(changes: readonly Change[], from: Database, to: Database, qn: QualifiedName, fromTable: Table, toTable: Table, column: string, oldName: string): string | null {
  const tables = [fromTable, toTable];
  const columns = tables.map((t) => t.columns.find((c) => c.name === column)!);
  if (oldName !== column && toTable.columns.some((c) => c.name === oldName)) return `\`to\` has another column named ${oldName}`;
  const triggers = [from, to].flatMap((db) => db.schemas.flatMap((s) => s.triggers.filter((tr) => tableKey(tr.table) === tableKey(qn)).map((tr) => tr.name)));
  if (triggers.length) return `the table has triggers (${[...new Set(triggers)].join(', ')}): the backfill's updates would fire them, and one that changes or skips rows would corrupt or leave out the copy`;
  const owners = [from, to].map((db) => ownedSequence(db, qn, column)?.name ?? null);
  if (owners[0] !== owners[1]) return 'the sequence it owns changes in the same plan';
  const types = new Set(columns.map((c) => c.type.replace(/\[\]$/, '')));
  for (const c of changes) {
    const dropped = c.kind === 'drop-enum' ? typeSpelling(c.schema, c.enum.name) : c.kind === 'drop-domain' ? typeSpelling(c.schema, c.domain.name) : c.kind === 'drop-composite' ? typeSpelling(c.schema, c.type.name) : c.kind === 'replace-enum' ? typeSpelling(c.schema, c.to.name) : undefined;
    if (dropped !== undefined && types.has(dropped)) return `its type ${dropped} is ${c.kind === 'replace-enum' ? 'replaced' : 'dropped'} by the same plan, while the old column still uses it`;
  }
  const domain = findDomain(to, columns[1].type, qn.schema)?.domain;
  if (domain?.notNull) return `its new type is the NOT NULL domain ${columns[1].type} (the new column must start empty)`;
  if (tables.some((t) => t.partitioning || t.partitionOf || t.inherits?.length)) return 'the table is partitioned or inherits (the trigger and the new column would have to reach every partition)';
  const children = [from, to].some((db) => db.schemas.some((s) => s.tables.some((t) => [t.partitionOf?.parent, ...(t.inherits ?? [])].some((p) => p && tableKey(p) === tableKey(qn)))));
  if (children) return 'the table has partitions or children';
  if (columns.some((c) => c.generated !== undefined)) return 'it is a generated column';
  if (columns[0].identity !== columns[1].identity) return 'it becomes or stops being an identity column in the same plan';
  const keys = tables.map((t) => t.primaryKey && JSON.stringify([t.primaryKey.name, t.primaryKey.columns, t.primaryKey.include ?? []]));
  if (tables.some((t) => t.primaryKey?.columns.includes(column)) && keys[0] !== keys[1]) return 'it is in a primary key that changes in the same plan';
  const fk = foreignKeyObstacle(from, to, qn, column);
  if (fk) return fk;
  const included = includedInReferencedKey(from, to, qn, column);
  if (included) return included;
  if (tables.some((t) => t.exclusions.length)) return 'the table has an exclusion constraint';
  if (tables.some((t) => t.checks.some((c) => mentionsColumn(c.expression, column)))) return 'a CHECK constraint uses it (its expression would have to be rewritten for the new column)';
  if (tables.some((t) => t.indexes.some((i) => i.keys.some((k) => k.expression !== null && mentionsColumn(k.expression, column)) || (i.where !== null && mentionsColumn(i.where, column))))) {
    return 'an expression or partial index uses it';
  }
  if (tables.some((t) => t.columns.some((c) => c.generated !== undefined && mentionsColumn(c.generated, column)))) return 'a generated column uses it';
  const views = [from, to].flatMap((db) => db.schemas.flatMap((s) => s.views.filter((v) => v.reads.some((r) => tableKey(r) === tableKey(qn))).map((v) => qualifiedName(s.name, v.name))));
  if (views.length) return `a view reads the table (${[...new Set(views)].join(', ')}), and PostgreSQL refuses to drop a column a view uses`;
  return null;
}

/** A value of one type as another: enums cast to nothing but text, so through text. */
type Cast = (value: string, fromType: string, toType: string) => string;

type Out = Omit<TransitionStatement, 'change'>[];

/** The statements of the transitions, and of the table renames. */
export function planTransitions(transitions: Transitions, cast: Cast, options: TransitionOptions): TransitionStatement[] {
  const out: TransitionStatement[] = [];
  const add = (change: Change, fill: (o: Out) => void) => {
    const o: Out = [];
    fill(o);
    out.push(...o.map((s) => ({ ...s, change })));
  };
  for (const r of transitions.tableRenames) add(r.change, (o) => renameWithView(r.change, r.columns, options.pgVersion, o));
  const tables = transitions.tables;
  if (!tables.length) return out;
  const procedure = qualifiedName(tables[0].table.schema, uniqueName(`schemawise_backfill_${tables.map((t) => t.table.name).join('_')}`));
  const createProcedure = backfillProcedure(procedure, tables, cast, options);
  const first = tables[0].columns[0].change;
  for (const t of tables) add(t.columns[0].change, (o) => expand(t, cast, o));
  add(first, (o) => {
    o.push({ sql: createProcedure, reverse: `DROP PROCEDURE ${procedure};`, phase: 'main', step: 'createTrigger' });
    o.push({ sql: `CALL ${procedure}();`, reverse: null, phase: 'backfill', step: 'contract' });
  });
  for (const t of tables) add(t.columns[0].change, (o) => buildKeys(t, o));
  const names = columnNames(transitions);
  for (const k of transitions.buildForeignKeys) add(first, (o) => buildForeignKey(k, names, o));
  add(first, (o) => o.push({ sql: `DROP PROCEDURE ${procedure};`, reverse: createProcedure, phase: 'contract', step: 'contract' }));
  // The contract in passes, so that its down (the reverse, in reverse order) finds every table in
  // the same state at each step: foreign keys go before any key or column they use, keys are
  // attached once every column has its final name, foreign keys get theirs last.
  // Every table's check first: each scans its table, which must not happen while another is locked.
  for (const t of tables) add(t.columns[0].change, (o) => checkFilled(t, o));
  for (const t of tables) add(t.columns[0].change, (o) => stopSync(t, cast, o));
  for (const k of transitions.dropForeignKeys) add(first, (o) => dropForeignKey(k, names, o));
  for (const t of tables) add(t.columns[0].change, (o) => dropPrimaryKey(t, o));
  for (const t of tables) add(t.columns[0].change, (o) => swapColumns(t, cast, options.pgVersion, o));
  for (const t of tables) add(t.columns[0].change, (o) => attachKeys(t, transitions.buildForeignKeys, o));
  for (const k of transitions.buildForeignKeys.filter((b) => b.during !== b.fk.name)) {
    const table = name(k.table);
    const rename = (a: string, b: string) => `ALTER TABLE ${table} RENAME CONSTRAINT ${quoteIdent(a)} TO ${quoteIdent(b)};`;
    add(first, (o) => o.push({ sql: rename(k.during, k.fk.name), reverse: rename(k.fk.name, k.during), phase: 'contract', step: 'contract', lock: { level: 'ACCESS EXCLUSIVE', on: table } }));
  }
  for (const t of tables) add(t.columns[0].change, (o) => finish(t, o));
  return out;
}

function renameWithView(r: Extract<Change, { kind: 'rename-table' }>, columns: string[], pgVersion: number, out: Out): void {
  const view = qualifiedName(r.schema, r.from);
  const table = qualifiedName(r.schema, r.to);
  // PostgreSQL 15+: the view checks the caller's rights and row-level security, not its owner's.
  const invoker = pgVersion >= 15 ? ' WITH (security_invoker = true)' : '';
  const select = `CREATE VIEW ${view}${invoker} AS SELECT ${columns.join(', ')} FROM ${table};`;
  out.push({ sql: `ALTER TABLE ${view} RENAME TO ${quoteIdent(r.to)};`, reverse: `ALTER TABLE ${table} RENAME TO ${quoteIdent(r.from)};`, phase: 'main', step: 'rename', lock: { level: 'ACCESS EXCLUSIVE', on: view } });
  // A view over one table with no aggregates is updatable: clients still using the old name go on
  // working. Created last, over the columns the table keeps (a column a view uses cannot be dropped).
  out.push({ sql: select, reverse: `DROP VIEW ${view};`, phase: 'main', step: 'createView' });
  out.push({ sql: `DROP VIEW ${view};`, reverse: select, phase: 'contract', step: 'contract' });
}

const syncName = (t: TableTransition) => uniqueName(`schemawise_sync_${t.table.name}`);
const notNullCheck = (t: TableTransition, c: ColumnTransition) => uniqueName(`${t.table.name}_${c.temp}_not_null`);

function expand(t: TableTransition, cast: Cast, out: Out): void {
  const table = name(t.table);
  const lock = { level: 'ACCESS EXCLUSIVE' as LockLevel, on: table };
  for (const c of t.columns) {
    const collate = c.to.collation ? ` COLLATE ${collationSql(c.to.collation)}` : '';
    const narrowing = narrowingTypeChange(c.from.type, c.to.type);
    const hazards: Hazard[] = narrowing ? [{ kind: 'narrowing-type', message: `${table}.${c.to.name} changes from ${c.from.type} to ${c.to.type}: values that do not fit fail the backfill or lose precision` }] : [];
    // Nullable and without a default, so adding it touches no row (DEFAULT NULL: a domain's own
    // default would fill every row, as if already copied). Default and NOT NULL come at the contract.
    out.push({ sql: `ALTER TABLE ${table} ADD COLUMN ${quoteIdent(c.temp)} ${c.to.type}${collate} DEFAULT NULL;`, reverse: `ALTER TABLE ${table} DROP COLUMN ${quoteIdent(c.temp)};`, phase: 'main', step: 'addColumn', lock, hazards });
  }
  const fn = qualifiedName(t.table.schema, syncName(t));
  out.push({ sql: syncFunction(fn, t, cast), reverse: `DROP FUNCTION ${fn}();`, phase: 'main', step: 'createTrigger' });
  out.push({
    sql: `CREATE TRIGGER ${quoteIdent(syncName(t))} BEFORE INSERT OR UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION ${fn}();`,
    reverse: `DROP TRIGGER ${quoteIdent(syncName(t))} ON ${table};`,
    phase: 'main',
    step: 'createTrigger',
    lock: { level: 'SHARE ROW EXCLUSIVE', on: table },
  });
  for (const c of t.columns) {
    if (!c.to.notNull) continue;
    // Checked for new rows at once (the trigger fills the column before the check runs), validated after the backfill.
    const check = quoteIdent(notNullCheck(t, c));
    out.push({ sql: `ALTER TABLE ${table} ADD CONSTRAINT ${check} CHECK (${quoteIdent(c.temp)} IS NOT NULL) NOT VALID;`, reverse: `ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${check};`, phase: 'main', step: 'addConstraint', lock });
    const notValid = `ALTER TABLE ${table} DROP CONSTRAINT ${check};\nALTER TABLE ${table} ADD CONSTRAINT ${check} CHECK (${quoteIdent(c.temp)} IS NOT NULL) NOT VALID;`;
    out.push({ sql: `ALTER TABLE ${table} VALIDATE CONSTRAINT ${check};`, reverse: notValid, phase: 'validate', step: 'validate', scans: true, lock: { level: 'SHARE UPDATE EXCLUSIVE', on: table } });
  }
}

/**
 * BEFORE INSERT OR UPDATE, per column pair: a write to the new column alone (an insert that
 * sets it, an update that changes it while leaving the old one, and disagreeing with it) is
 * copied to the old column; an insert or a change of the old column (a client of the old shape),
 * or a row not filled yet, fills the new column from the old. Values are compared as text: some
 * types have no `=` (json, point) and some call different texts equal (citext). A row value with
 * NULL fields is not NULL to `num_nulls`, as it is to `IS NULL`.
 */
function syncFunction(fn: string, t: TableTransition, cast: Cast): string {
  const blocks = t.columns.map((c) => {
    const [o, n] = [quoteIdent(c.from.name), quoteIdent(c.temp)];
    const text = (v: string) => `(${v})::text`;
    return [
      `  -- ${c.from.name} (${c.from.type}) ↔ ${c.temp} (${c.to.type})`,
      `  IF TG_OP = 'INSERT' AND num_nonnulls(NEW.${n}) = 1`,
      `     OR TG_OP = 'UPDATE' AND ${text(`NEW.${n}`)} IS DISTINCT FROM ${text(`OLD.${n}`)} AND ${text(`NEW.${o}`)} IS NOT DISTINCT FROM ${text(`OLD.${o}`)}`,
      `        AND ${text(`NEW.${n}`)} IS DISTINCT FROM ${text(cast(`NEW.${o}`, c.from.type, c.to.type))} THEN`,
      `    NEW.${o} := ${cast(`NEW.${n}`, c.to.type, c.from.type)};`,
      `  ELSIF TG_OP = 'INSERT' OR ${text(`NEW.${o}`)} IS DISTINCT FROM ${text(`OLD.${o}`)} OR num_nulls(NEW.${n}) = 1 THEN`,
      `    NEW.${n} := ${cast(`NEW.${o}`, c.from.type, c.to.type)};`,
      '  END IF;',
    ].join('\n');
  });
  return `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS ${dollarQuoted(['BEGIN', ...blocks, '  RETURN NEW;', 'END'].join('\n'), 'sync')};`;
}

/** A body between dollar quotes whose tag the body does not hold (an identifier may contain `$sync$`). */
function dollarQuoted(body: string, tag: string): string {
  while (body.includes(`$${tag}$`)) tag += '_';
  return `$${tag}$\n${body}\n$${tag}$`;
}

/** Rows of a transition's table whose new column is still to fill (`t` is the table's alias). */
function toFill(t: TableTransition): string {
  return t.columns.map((c) => `num_nulls(t.${quoteIdent(c.temp)}) = 1 AND num_nonnulls(t.${quoteIdent(c.from.name)}) = 1`).join(' OR ');
}

/**
 * One procedure fills every table, in batches that each commit (so it must be CALLed outside
 * a transaction block). A table with a one-column primary key is walked in key order (each
 * batch an index range); another is taken batch_size rows at a time among those still to fill.
 * Only rows still to fill are written: CALLed again after an interruption, it goes on where it stopped.
 */
function backfillProcedure(procedure: string, tables: TableTransition[], cast: Cast, options: TransitionOptions): string {
  const pause = `${options.pauseMs} milliseconds`;
  // Columns are qualified by the alias, variables prefixed and the parameters copied: a column
  // named like a variable or a parameter (batch_size) would be ambiguous to PL/pgSQL.
  const blocks = tables.map((t) => {
    const table = name(t.table);
    const col = (c: string) => `t.${quoteIdent(c)}`;
    const set = t.columns.map((c) => `${quoteIdent(c.temp)} = ${cast(col(c.from.name), c.from.type, c.to.type)}`).join(', ');
    const todo = toFill(t);
    const same = t.fromTable.primaryKey?.columns.length === 1 && t.toTable.primaryKey?.columns.length === 1 && t.fromTable.primaryKey.columns[0] === t.toTable.primaryKey.columns[0];
    // The walk goes by the key as it is while the backfill runs: a key column in transition is still its old column.
    const key = same ? (t.columns.find((c) => c.to.name === t.fromTable.primaryKey!.columns[0])?.from.name ?? t.fromTable.primaryKey!.columns[0]) : null;
    const pk = key && col(key);
    // The table's name is an argument of RAISE, never part of its format (a % in it would be read as a placeholder).
    const label = quoteLiteral(table);
    const head = [
      `  -- ${table}`,
      '  DECLARE',
      ...(key ? [`    sw_lower ${table}.${quoteIdent(key)}%TYPE;`, `    sw_upper ${table}.${quoteIdent(key)}%TYPE;`] : []),
      '    sw_done bigint := 0;',
      '    sw_rows bigint;',
      `    sw_total bigint := (SELECT greatest(reltuples, 0)::bigint FROM pg_class WHERE oid = ${quoteLiteral(table)}::regclass);`,
      '  BEGIN',
    ];
    const step = ['      GET DIAGNOSTICS sw_rows = ROW_COUNT;', '      sw_done := sw_done + sw_rows;', '      COMMIT;', `      RAISE NOTICE '%: % rows filled (of about %)', ${label}, sw_done, sw_total;`, '      PERFORM pg_sleep(extract(epoch FROM sw_pause));'];
    const loop = pk
      ? [
          `    SELECT min(${pk}) INTO sw_lower FROM ${table} AS t;`,
          '    WHILE sw_lower IS NOT NULL LOOP',
          `      SELECT max(b.key) INTO sw_upper FROM (SELECT ${pk} AS key FROM ${table} AS t WHERE ${pk} >= sw_lower ORDER BY ${pk} LIMIT sw_batch) AS b;`,
          `      UPDATE ${table} AS t SET ${set} WHERE ${pk} BETWEEN sw_lower AND sw_upper AND (${todo});`,
          ...step,
          `      SELECT min(${pk}) INTO sw_lower FROM ${table} AS t WHERE ${pk} > sw_upper;`,
          '    END LOOP;',
        ]
      : [
          '    LOOP',
          `      UPDATE ${table} AS t SET ${set} WHERE t.ctid = ANY (ARRAY(SELECT t.ctid FROM ${table} AS t WHERE ${todo} LIMIT sw_batch));`,
          '      EXIT WHEN NOT FOUND;',
          ...step,
          '    END LOOP;',
        ];
    // Nothing may be left to fill: the contract drops the old column.
    const check = [`    IF EXISTS (SELECT FROM ${table} AS t WHERE ${todo}) THEN`, `      RAISE EXCEPTION '%: rows are still to fill after the backfill (a rule or policy that skips updates?)', ${label};`, '    END IF;'];
    return [...head, ...loop, ...check, `    RAISE NOTICE '%: filled (% rows)', ${label}, sw_done;`, '  END;'].join('\n');
  });
  const body = ['DECLARE', '  sw_batch integer := batch_size;', '  sw_pause interval := pause;', 'BEGIN', ...blocks, 'END'].join('\n');
  return `CREATE PROCEDURE ${procedure}(batch_size integer DEFAULT ${options.batchSize}, pause interval DEFAULT ${quoteLiteral(pause)})\nLANGUAGE plpgsql AS ${dollarQuoted(body, 'backfill')};`;
}

/** The indexes and unique keys of `to` that use a transition's columns, built on the new columns. */
interface KeysToBuild {
  indexes: { index: Index; build: string }[];
  uniques: { unique: UniqueConstraint; build: string }[];
  primaryKey?: { key: PrimaryKey; build: string };
}

function keysToBuild(t: TableTransition): KeysToBuild {
  const names = new Map(t.columns.map((c) => [c.to.name, c.temp]));
  const uses = (cols: string[]) => cols.some((c) => names.has(c));
  const inFrom = new Set([...t.fromTable.indexes.map((i) => i.name), ...t.fromTable.uniques.map((u) => u.name), t.fromTable.primaryKey?.name]);
  const free = (wanted: string) => {
    if (!inFrom.has(wanted) || t.droppedEarlier.has(wanted)) return wanted;
    let candidate = uniqueName(`${wanted}_new`);
    for (let i = 2; t.taken.has(candidate); i++) candidate = uniqueName(`${wanted}_new${i}`);
    return candidate;
  };
  const key = t.toTable.primaryKey;
  return {
    indexes: t.toTable.indexes.filter((i) => uses(indexColumns(i))).map((index) => ({ index, build: free(index.name) })),
    uniques: t.toTable.uniques.filter((u) => uses([...u.columns, ...(u.include ?? [])])).map((unique) => ({ unique, build: free(unique.name) })),
    ...(key && uses([...key.columns, ...(key.include ?? [])]) && { primaryKey: { key, build: free(key.name) } }),
  };
}

/** The index a unique key is made from, over the columns as `names` maps them. */
function uniqueIndex(table: string, build: string, u: UniqueConstraint | PrimaryKey, names: Map<string, string>, concurrently: boolean): string {
  const cols = (list: string[]) => list.map((c) => quoteIdent(names.get(c) ?? c)).join(', ');
  const include = u.include?.length ? ` INCLUDE (${cols(u.include)})` : '';
  return `CREATE UNIQUE INDEX ${concurrently ? 'CONCURRENTLY ' : ''}${quoteIdent(build)} ON ${table} (${cols(u.columns)})${include}${'nullsNotDistinct' in u && u.nullsNotDistinct ? ' NULLS NOT DISTINCT' : ''};`;
}

function buildKeys(t: TableTransition, out: Out): void {
  const table = name(t.table);
  const names = new Map(t.columns.map((c) => [c.to.name, c.temp]));
  const map = (cols: string[]) => cols.map((c) => names.get(c) ?? c);
  const lock = { level: 'SHARE UPDATE EXCLUSIVE' as LockLevel, on: table };
  const concurrently = (sql: string) => sql.replace(/^CREATE (UNIQUE )?INDEX /, (m) => `${m}CONCURRENTLY `);
  const { indexes, uniques, primaryKey } = keysToBuild(t);
  for (const { index, build } of indexes) {
    const copy: Index = { ...index, name: build, keys: index.keys.map((k) => (k.column !== null ? { ...k, column: names.get(k.column) ?? k.column } : k)), columns: map(index.columns), include: map(index.include) };
    out.push({ sql: concurrently(createIndex(table, copy)), reverse: `DROP INDEX CONCURRENTLY IF EXISTS ${qualifiedName(t.table.schema, build)};`, phase: 'concurrent', step: 'addIndex', scans: true, lock });
  }
  for (const { unique, build } of [...uniques, ...(primaryKey ? [{ unique: primaryKey.key, build: primaryKey.build }] : [])]) {
    out.push({
      sql: uniqueIndex(table, build, unique, names, true),
      reverse: `DROP INDEX CONCURRENTLY IF EXISTS ${qualifiedName(t.table.schema, build)};`,
      phase: 'concurrent',
      step: 'addIndex',
      scans: true,
      lock,
    });
  }
}

/** Column names while the transitions run: a column in transition by its new column's (temp) name, or by its old one's. */
interface ColumnNames {
  temp: (table: QualifiedName, columns: string[]) => string[];
  old: (table: QualifiedName, columns: string[]) => string[];
}

function columnNames(transitions: Transitions): ColumnNames {
  const find = (table: QualifiedName, column: string) => transitions.tables.find((t) => tableKey(t.table) === tableKey(table))?.columns.find((c) => c.to.name === column);
  return {
    temp: (table, columns) => columns.map((c) => find(table, c)?.temp ?? c),
    old: (table, columns) => columns.map((c) => find(table, c)?.from.name ?? c),
  };
}

/** `to`'s foreign key on the new columns: after the backfill and the unique indexes, NOT VALID in a migration of its own, validated in the next (the ADD's lock must not last the scan). */
function buildForeignKey(k: Transitions['buildForeignKeys'][number], names: ColumnNames, out: Out): void {
  const table = name(k.table);
  const fk: ForeignKey = { ...k.fk, name: k.during, columns: names.temp(k.table, k.fk.columns), refColumns: names.temp(k.fk.refTable, k.fk.refColumns), notValid: false };
  const drop = `ALTER TABLE ${table} DROP CONSTRAINT ${quoteIdent(k.during)};`;
  const on = [...new Set([table, name(k.fk.refTable)])].join(' and ');
  out.push({ sql: `ALTER TABLE ${table} ADD ${foreignKeyClause(fk)} NOT VALID;`, reverse: drop, phase: 'keys', step: 'addForeignKey', lock: { level: 'SHARE ROW EXCLUSIVE', on } });
  if (k.fk.notValid) return;
  out.push({
    sql: `ALTER TABLE ${table} VALIDATE CONSTRAINT ${quoteIdent(k.during)};`,
    reverse: `${drop}\nALTER TABLE ${table} ADD ${foreignKeyClause(fk)} NOT VALID;`,
    phase: 'validate',
    step: 'validate',
    scans: true,
    lock: { level: 'SHARE UPDATE EXCLUSIVE', on: table },
  });
}

/** The old column goes: the contract refuses to run while any value of it is not copied (the backfill did not run, or did not finish). */
function checkFilled(t: TableTransition, out: Out): void {
  const table = name(t.table);
  const unfilled = `DO ${dollarQuoted(`BEGIN\n  IF EXISTS (SELECT FROM ${table} AS t WHERE ${toFill(t)}) THEN\n    RAISE EXCEPTION '%: rows are not backfilled yet: run the backfill migration first', ${quoteLiteral(table)};\n  END IF;\nEND`, 'check')};`;
  out.push({ sql: unfilled, reverse: null, phase: 'contract', step: 'contract' });
}

/** The dual write stops: the contract's locks start here. */
function stopSync(t: TableTransition, cast: Cast, out: Out): void {
  const table = name(t.table);
  const fn = qualifiedName(t.table.schema, syncName(t));
  out.push({ sql: `DROP TRIGGER ${quoteIdent(syncName(t))} ON ${table};`, reverse: `CREATE TRIGGER ${quoteIdent(syncName(t))} BEFORE INSERT OR UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION ${fn}();`, phase: 'contract', step: 'contract', lock: { level: 'ACCESS EXCLUSIVE', on: table } });
  out.push({ sql: `DROP FUNCTION ${fn}();`, reverse: syncFunction(fn, t, cast), phase: 'contract', step: 'contract' });
}

/** `from`'s foreign key over an old column: PostgreSQL refuses to drop a referenced column; the down adds it back, validated. */
function dropForeignKey(k: MovingForeignKey, names: ColumnNames, out: Out): void {
  const table = name(k.table);
  const old: ForeignKey = { ...k.fk, columns: names.old(k.table, k.fk.columns), refColumns: names.old(k.fk.refTable, k.fk.refColumns) };
  const on = [...new Set([table, name(k.fk.refTable)])].join(' and ');
  out.push({ sql: `ALTER TABLE ${table} DROP CONSTRAINT ${quoteIdent(k.fk.name)};`, reverse: `ALTER TABLE ${table} ADD ${foreignKeyClause(old)};`, phase: 'contract', step: 'contract', lock: { level: 'ACCESS EXCLUSIVE', on } });
}

/** `from`'s primary key over an old column: it goes before the column, `to`'s is attached from the index built concurrently. */
function dropPrimaryKey(t: TableTransition, out: Out): void {
  const key = t.fromTable.primaryKey;
  const moving = new Set(t.columns.map((c) => c.to.name));
  if (!key || ![...key.columns, ...(key.include ?? [])].some((c) => moving.has(c))) return;
  const table = name(t.table);
  const old = (cols: string[]) => cols.map((c) => quoteIdent(t.columns.find((x) => x.to.name === c)?.from.name ?? c)).join(', ');
  const include = key.include?.length ? ` INCLUDE (${old(key.include)})` : '';
  out.push({ sql: `ALTER TABLE ${table} DROP CONSTRAINT ${quoteIdent(key.name)};`, reverse: `ALTER TABLE ${table} ADD CONSTRAINT ${quoteIdent(key.name)} PRIMARY KEY (${old(key.columns)})${include};`, phase: 'contract', step: 'contract', lock: { level: 'ACCESS EXCLUSIVE', on: table } });
}

/**
 * The new columns take the old ones' place: NOT NULL (proven by the validated CHECK), the
 * identity or the owned sequence moved over, the old columns dropped, the new ones renamed.
 */
function swapColumns(t: TableTransition, cast: Cast, pgVersion: number, out: Out): void {
  const table = name(t.table);
  const lock = { level: 'ACCESS EXCLUSIVE' as LockLevel, on: table };
  for (const c of t.columns) {
    if (!c.to.notNull) continue;
    const col = `ALTER TABLE ${table} ALTER COLUMN ${quoteIdent(c.temp)}`;
    const check = quoteIdent(notNullCheck(t, c));
    // PostgreSQL 12+ skips the scan: the validated CHECK proves it. (11 scans, under this lock.)
    out.push({ sql: `${col} SET NOT NULL;`, reverse: `${col} DROP NOT NULL;`, phase: 'contract', step: 'contract', lock, scans: pgVersion < 12 });
    out.push({ sql: `ALTER TABLE ${table} DROP CONSTRAINT ${check};`, reverse: `ALTER TABLE ${table} ADD CONSTRAINT ${check} CHECK (${quoteIdent(c.temp)} IS NOT NULL);`, phase: 'contract', step: 'contract', lock });
  }
  for (const c of t.columns) {
    if (c.from.identity) out.push({ sql: moveIdentity(table, c.from.name, c.temp, c.from.identity), reverse: moveIdentity(table, c.temp, c.from.name, c.from.identity), phase: 'contract', step: 'contract', lock });
    const sequence = c.sequence && qualifiedName(c.sequence.schema, c.sequence.name);
    const owner = (column: string) => `ALTER SEQUENCE ${sequence} OWNED BY ${table}.${quoteIdent(column)};`;
    // DROP COLUMN drops the sequences the column owns.
    if (sequence) out.push({ sql: owner(c.temp), reverse: owner(c.from.name), phase: 'contract', step: 'contract', lock: { level: 'ACCESS EXCLUSIVE', on: sequence } });
  }
  // The old columns go with their indexes and unique keys; the down file puts them all back.
  const changed = t.columns.filter((c) => narrowingTypeChange(c.from.type, c.to.type));
  out.push({
    sql: `-- schemawise-ignore ban-drop-column -- the contract: deploy it once no client uses the old column\nALTER TABLE ${table} ${t.columns.map((c) => `DROP COLUMN ${quoteIdent(c.from.name)}`).join(', ')};`,
    reverse: restoreOldColumns(t, cast),
    phase: 'contract',
    step: 'contract',
    lock,
    ...(changed.length && { lost: changed.map((c) => `values of ${table}.${quoteIdent(c.to.name)} changed by the cast to ${c.to.type}`).join('; ') }),
  });
  for (const c of t.columns) {
    if (c.temp === c.to.name) continue;
    const rename = `ALTER TABLE ${table} RENAME COLUMN ${quoteIdent(c.temp)} TO ${quoteIdent(c.to.name)};`;
    out.push({ sql: `-- schemawise-ignore renaming-column -- no client uses the temporary name\n${rename}`, reverse: `ALTER TABLE ${table} RENAME COLUMN ${quoteIdent(c.to.name)} TO ${quoteIdent(c.temp)};`, phase: 'contract', step: 'contract', lock });
  }
  for (const { index, build } of keysToBuild(t).indexes) {
    if (build === index.name) continue;
    const [now, final] = [qualifiedName(t.table.schema, build), qualifiedName(t.table.schema, index.name)];
    out.push({ sql: `ALTER INDEX ${now} RENAME TO ${quoteIdent(index.name)};`, reverse: `ALTER INDEX ${final} RENAME TO ${quoteIdent(build)};`, phase: 'contract', step: 'contract', lock });
  }
}

/**
 * An identity belongs to its column: dropped from the old one (its sequence with it) and added
 * to the new one under the same sequence name and options, going on from where the old one was.
 * Names go through format() as arguments: a % in one would otherwise be read as a placeholder.
 */
function moveIdentity(table: string, from: string, to: string, kind: 'always' | 'by default'): string {
  const body = [
    'DECLARE',
    `  sw_sequence text := pg_get_serial_sequence(${quoteLiteral(table)}, ${quoteLiteral(from)});`,
    '  sw_last bigint;',
    '  sw_called boolean;',
    '  sw pg_sequence;',
    '  sw_top numeric;',
    '  sw_options text;',
    'BEGIN',
    "  EXECUTE format('SELECT last_value, is_called FROM %s', sw_sequence) INTO sw_last, sw_called;",
    '  SELECT * INTO sw FROM pg_sequence WHERE seqrelid = sw_sequence::regclass;',
    "  sw_options := format('INCREMENT BY %s CACHE %s START WITH %s', sw.seqincrement, sw.seqcache, sw.seqstart);",
    "  -- A bound at the old type's default is left to the new type's: integer → bigint raises the ceiling.",
    "  sw_top := CASE sw.seqtypid WHEN 'int2'::regtype THEN 32767 WHEN 'int4'::regtype THEN 2147483647 ELSE 9223372036854775807 END;",
    // In parentheses: PL/pgSQL ends an IF condition at the first THEN, a CASE's included.
    "  IF sw.seqmin <> (CASE WHEN sw.seqincrement > 0 THEN 1 ELSE -sw_top - 1 END) THEN sw_options := sw_options || format(' MINVALUE %s', sw.seqmin); END IF;",
    "  IF sw.seqmax <> (CASE WHEN sw.seqincrement > 0 THEN sw_top ELSE -1 END) THEN sw_options := sw_options || format(' MAXVALUE %s', sw.seqmax); END IF;",
    "  IF sw.seqcycle THEN sw_options := sw_options || ' CYCLE'; END IF;",
    `  ALTER TABLE ${table} ALTER COLUMN ${quoteIdent(from)} DROP IDENTITY;`,
    `  EXECUTE format('ALTER TABLE %s ALTER COLUMN %I ADD GENERATED ${kind.toUpperCase()} AS IDENTITY (SEQUENCE NAME %s %s)', ${quoteLiteral(table)}, ${quoteLiteral(to)}, sw_sequence, sw_options);`,
    '  PERFORM setval(sw_sequence, sw_last, sw_called);',
    'END',
  ].join('\n');
  return `DO ${dollarQuoted(body, 'identity')};`;
}

/**
 * Unique keys and the primary key become constraints over the indexes built concurrently. A
 * foreign key built on the new columns depends on that index: the down drops it first and
 * adds it back once the index is built again.
 */
function attachKeys(t: TableTransition, foreignKeys: Transitions['buildForeignKeys'], out: Out): void {
  const table = name(t.table);
  const lock = { level: 'ACCESS EXCLUSIVE' as LockLevel, on: table };
  const { uniques, primaryKey } = keysToBuild(t);
  const attach = [...uniques.map(({ unique, build }) => ({ key: unique as UniqueConstraint | PrimaryKey, kind: 'UNIQUE', build })), ...(primaryKey ? [{ ...primaryKey, kind: 'PRIMARY KEY' }] : [])];
  for (const { key, kind, build } of attach) {
    const dependents = foreignKeys.filter((k) => tableKey(k.fk.refTable) === tableKey(t.table) && sameSet(k.fk.refColumns, key.columns));
    const reverse = [
      ...dependents.map((k) => `ALTER TABLE ${name(k.table)} DROP CONSTRAINT ${quoteIdent(k.during)};`),
      `ALTER TABLE ${table} DROP CONSTRAINT ${quoteIdent(key.name)};`,
      uniqueIndex(table, build, key, new Map(), false),
      ...dependents.map((k) => `ALTER TABLE ${name(k.table)} ADD ${foreignKeyClause({ ...k.fk, name: k.during })};`),
    ];
    // USING INDEX renames the index to the constraint's name; DROP CONSTRAINT drops the index with it, so the down builds it again.
    out.push({ sql: `ALTER TABLE ${table} ADD CONSTRAINT ${quoteIdent(key.name)} ${kind} USING INDEX ${quoteIdent(build)}${kind === 'UNIQUE' ? deferral(key as UniqueConstraint) : ''};`, reverse: reverse.join('\n'), phase: 'contract', step: 'contract', lock });
  }
}

/** What `to` says of the final columns beyond their type: default and comment. */
function finish(t: TableTransition, out: Out): void {
  const table = name(t.table);
  const lock = { level: 'ACCESS EXCLUSIVE' as LockLevel, on: table };
  for (const c of t.columns) {
    const col = `ALTER TABLE ${table} ALTER COLUMN ${quoteIdent(c.to.name)}`;
    // An identity column has no default (the identity moved with swapColumns).
    if (!c.to.identity) {
      out.push(
        c.to.default !== null
          ? { sql: `${col} SET DEFAULT ${c.to.default};`, reverse: `${col} SET DEFAULT NULL;`, phase: 'contract', step: 'contract', lock }
          : { sql: `${col} DROP DEFAULT;`, reverse: `${col} SET DEFAULT NULL;`, phase: 'contract', step: 'contract', lock },
      );
    }
    if (c.to.comment !== undefined) {
      const target = `COLUMN ${table}.${quoteIdent(c.to.name)}`;
      out.push({ sql: `COMMENT ON ${target} IS ${quoteLiteral(c.to.comment)};`, reverse: `COMMENT ON ${target} IS NULL;`, phase: 'contract', step: 'contract' });
    }
  }
}

/**
 * The down of the contract: the old columns added back and filled from the new ones in one
 * UPDATE (every row rewritten: a rollback of a contract is not online), with their NOT NULL,
 * default, comment, indexes and unique keys.
 */
function restoreOldColumns(t: TableTransition, cast: Cast): string {
  const table = name(t.table);
  const toOld = new Map(t.columns.map((c) => [c.to.name, c.from.name]));
  const oldNames = (cols: string[]) => cols.map((c) => toOld.get(c) ?? c);
  const uses = (cols: string[]) => cols.some((c) => toOld.has(c));
  const statements = [
    `ALTER TABLE ${table} ${t.columns.map((c) => `ADD COLUMN ${quoteIdent(c.from.name)} ${c.from.type}${c.from.collation ? ` COLLATE ${collationSql(c.from.collation)}` : ''}`).join(', ')};`,
    `UPDATE ${table} SET ${t.columns.map((c) => `${quoteIdent(c.from.name)} = ${cast(quoteIdent(c.temp), c.to.type, c.from.type)}`).join(', ')};`,
  ];
  for (const c of t.columns) {
    const col = `ALTER TABLE ${table} ALTER COLUMN ${quoteIdent(c.from.name)}`;
    if (c.from.notNull) statements.push(`${col} SET NOT NULL;`);
    if (c.from.default !== null) statements.push(`${col} SET DEFAULT ${c.from.default};`);
    if (c.from.comment !== undefined) statements.push(`COMMENT ON COLUMN ${table}.${quoteIdent(c.from.name)} IS ${quoteLiteral(c.from.comment)};`);
  }
  for (const index of t.fromTable.indexes.filter((i) => uses(indexColumns(i)) && !t.droppedEarlier.has(i.name))) {
    statements.push(createIndex(table, { ...index, keys: index.keys.map((k) => (k.column !== null ? { ...k, column: toOld.get(k.column) ?? k.column } : k)), columns: oldNames(index.columns), include: oldNames(index.include) }));
  }
  for (const u of t.fromTable.uniques.filter((x) => uses([...x.columns, ...(x.include ?? [])]) && !t.droppedEarlier.has(x.name))) {
    statements.push(`ALTER TABLE ${table} ADD ${uniqueClause({ ...u, columns: oldNames(u.columns), include: u.include && oldNames(u.include) })};`);
  }
  return statements.join('\n');
}
