import { normalizeExpression } from '../model/normalize.js';
import { qualifiedName } from '../model/quote-ident.js';
import type { Span, Table } from '../model/types.js';
import type { TableRef } from './model-walk.js';

/**
 * Indexes compared as PostgreSQL's catalog would compare them (pg_index: indkey/indexprs,
 * indclass, indcollation, indoption, indpred; pg_class.relam), spelled so two indexes of
 * one model compare equal exactly when they are built the same way.
 */
export interface ShapeKey {
  /** The column name, or the normalized expression. */
  target: string;
  plain: boolean;
  desc: boolean;
  /** Effective NULLS FIRST (the default is NULLS FIRST for DESC, LAST for ASC). */
  nullsFirst: boolean;
  /** Non-default operator class, or null. */
  opclass: string | null;
  /** Collation other than the column's own, or null. */
  collation: string | null;
}

export interface IndexShape {
  name: string;
  method: string;
  unique: boolean;
  nullsNotDistinct: boolean;
  keys: ShapeKey[];
  /** INCLUDE columns, sorted: their order changes nothing a query can do with them. */
  include: string[];
  /** Normalized predicate, or null. */
  where: string | null;
  /** The constraint the index enforces (the index has the constraint's name). */
  constraint?: 'primary key' | 'unique' | 'exclusion';
  /** A DEFERRABLE constraint: checked at commit, so no foreign key or ON CONFLICT can rely on it. */
  deferrable?: boolean;
  span?: Span;
}


/**
 * Operator classes that are the default for their column type, which PostgreSQL leaves out
 * when it prints an index (so an introspected model never has them): a script that spells
 * one out builds the same index.
 */
const DEFAULT_OPCLASS: Record<string, string> = {
  boolean: 'bool_ops', smallint: 'int2_ops', integer: 'int4_ops', bigint: 'int8_ops', real: 'float4_ops',
  'double precision': 'float8_ops', numeric: 'numeric_ops', text: 'text_ops', character: 'bpchar_ops', bytea: 'bytea_ops',
  date: 'date_ops', 'timestamp without time zone': 'timestamp_ops', 'timestamp with time zone': 'timestamptz_ops',
  uuid: 'uuid_ops', jsonb: 'jsonb_ops', inet: 'inet_ops', interval: 'interval_ops',
};

const typeBase = (type: string) => type.replace(/\(\d+(?:\s*,\s*-?\d+)?\)/g, '').replace(/\s+/g, ' ').trim();

/** Every index of a table as a shape: CREATE INDEX ones and those behind PRIMARY KEY, UNIQUE and EXCLUDE constraints. */
export function indexShapes(table: Table): readonly IndexShape[] {
  let shapes = shapeCache.get(table);
  if (!shapes) shapeCache.set(table, (shapes = shapesOf(table)));
  return shapes;
}
const shapeCache = new WeakMap<Table, IndexShape[]>();

function shapesOf(table: Table): IndexShape[] {
  const columns = new Map(table.columns.map((c) => [c.name, c]));
  const plainKey = (column: string): ShapeKey => ({ target: column, plain: true, desc: false, nullsFirst: false, opclass: null, collation: null });
  const shapes: IndexShape[] = [];
  if (table.primaryKey) {
    const pk = table.primaryKey;
    shapes.push({ name: pk.name, method: 'btree', unique: true, nullsNotDistinct: false, keys: pk.columns.map(plainKey), include: [...(pk.include ?? [])].sort(), where: null, constraint: 'primary key', span: pk.span });
  }
  for (const u of table.uniques) {
    shapes.push({ name: u.name, method: 'btree', unique: true, nullsNotDistinct: u.nullsNotDistinct, keys: u.columns.map(plainKey), include: [...(u.include ?? [])].sort(), where: null, constraint: 'unique', ...(u.deferrable && { deferrable: true }), span: u.span });
  }
  for (const x of table.exclusions) {
    const keys = x.elements.map((e) => (columns.has(e.key) ? plainKey(e.key) : { ...plainKey(normalizeExpression(e.key)), plain: false }));
    shapes.push({ name: x.name, method: x.method, unique: false, nullsNotDistinct: false, keys, include: [], where: x.where === null ? null : normalizeExpression(x.where), constraint: 'exclusion', span: x.span });
  }
  for (const ix of table.indexes) {
    const keys = ix.keys.map((k): ShapeKey => {
      const desc = k.order === 'desc';
      const column = k.column !== null ? columns.get(k.column) : undefined;
      const opclass = k.opclass && !(column && DEFAULT_OPCLASS[typeBase(column.type)] === k.opclass) ? k.opclass : null;
      const collation = k.collation && !(column && column.collation === k.collation) ? k.collation : null;
      return {
        target: k.column ?? normalizeExpression(k.expression ?? ''),
        plain: k.column !== null,
        desc,
        nullsFirst: k.nulls ? k.nulls === 'first' : desc,
        opclass,
        collation,
      };
    });
    shapes.push({
      name: ix.name,
      method: ix.method,
      unique: ix.unique,
      nullsNotDistinct: ix.nullsNotDistinct ?? false,
      keys,
      include: [...ix.include].sort(),
      where: ix.where === null ? null : normalizeExpression(ix.where),
      span: ix.span,
    });
  }
  return shapes;
}

/** The same column or expression, read through the same operator class and collation. */
export const sameTarget = (a: ShapeKey, b: ShapeKey) => a.target === b.target && a.opclass === b.opclass && a.collation === b.collation;

const sameKey = (a: ShapeKey, b: ShapeKey) => sameTarget(a, b) && a.desc === b.desc && a.nullsFirst === b.nullsFirst;

/** Built the same way: method, keys (with opclass, collation, order), predicate and INCLUDE set. Uniqueness aside. */
export function sameDefinition(a: IndexShape, b: IndexShape): boolean {
  return (
    a.method === b.method &&
    a.keys.length === b.keys.length &&
    a.keys.every((k, i) => sameKey(k, b.keys[i])) &&
    a.where === b.where &&
    a.include.length === b.include.length &&
    a.include.every((c, i) => c === b.include[i])
  );
}

/**
 * What an index enforces, strongest first: the one to keep among duplicates sorts first. A
 * deferrable unique constraint ranks below an immediate unique index: foreign keys and
 * ON CONFLICT need the immediate one.
 */
function keepRank(s: IndexShape): number[] {
  const uniqueness = !s.unique ? 3 : s.deferrable ? 2 : s.nullsNotDistinct ? 0 : 1;
  return [s.constraint === 'primary key' ? 0 : 1, uniqueness, s.constraint ? 0 : 1];
}

export function keepOrder(a: IndexShape, b: IndexShape): number {
  const ra = keepRank(a);
  const rb = keepRank(b);
  for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i] - rb[i];
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Groups of indexes with the same definition, the one to keep first; singletons left out. */
export function duplicateGroups(shapes: readonly IndexShape[]): IndexShape[][] {
  const groups: IndexShape[][] = [];
  for (const shape of shapes) {
    const group = groups.find((g) => sameDefinition(g[0], shape));
    if (group) group.push(shape);
    else groups.push([shape]);
  }
  return groups.filter((g) => g.length > 1).map((g) => g.sort(keepOrder));
}

/** One index per duplicate group (the kept one): what redundancy is judged on. */
export function withoutDuplicates(shapes: readonly IndexShape[]): IndexShape[] {
  const dropped = new Set(duplicateGroups(shapes).flatMap((g) => g.slice(1)));
  return shapes.filter((s) => !dropped.has(s));
}

/**
 * Whether btree `b` can do everything btree `a` does, so `a` can go:
 * - `a` enforces nothing (not unique, no constraint) and has the same predicate as `b`;
 * - `a`'s keys are the leading keys of `b`, same columns/expressions, opclasses and
 *   collations;
 * - in the same directions, or all reversed (a btree scans backwards: `(x DESC)` orders as
 *   `(x, y)` read backwards, but `(x, y DESC)` cannot be read from `(x, y, z)`);
 * - every INCLUDE column of `a` is a key or INCLUDE column of `b` (index-only scans).
 * An index with INCLUDE columns is therefore not redundant to the same keys without them,
 * while the one without them is redundant to the one with them.
 */
export function covers(b: IndexShape, a: IndexShape): boolean {
  if (a === b || a.method !== 'btree' || b.method !== 'btree' || a.unique || a.constraint || a.where !== b.where) return false;
  if (a.keys.length > b.keys.length || !a.keys.every((k, i) => sameTarget(k, b.keys[i]))) return false;
  const same = a.keys.every((k, i) => k.desc === b.keys[i].desc && k.nullsFirst === b.keys[i].nullsFirst);
  const reversed = a.keys.every((k, i) => k.desc !== b.keys[i].desc && k.nullsFirst !== b.keys[i].nullsFirst);
  if (!same && !reversed) return false;
  const available = new Set([...b.keys.filter((k) => k.plain).map((k) => k.target), ...b.include]);
  return a.include.every((c) => available.has(c));
}

/**
 * The indexes `covers` makes redundant, each with the index that serves in its place (the
 * one with the fewest keys). Two indexes that cover each other (same keys in reversed
 * directions) lose only the one that sorts later by name, so a cover always remains.
 */
export function redundantIndexes(shapes: readonly IndexShape[]): { index: IndexShape; coveredBy: IndexShape }[] {
  const candidates = withoutDuplicates(shapes);
  const out: { index: IndexShape; coveredBy: IndexShape }[] = [];
  for (const a of candidates) {
    const coverers = candidates.filter((b) => covers(b, a) && !(covers(a, b) && a.name < b.name));
    if (!coverers.length) continue;
    coverers.sort((x, y) => x.keys.length - y.keys.length || keepOrder(x, y));
    out.push({ index: a, coveredBy: coverers[0] });
  }
  return out;
}

/** `(a, lower(b) DESC) INCLUDE (c) WHERE ...`: how a finding shows an index. */
export function describeShape(s: IndexShape): string {
  const keys = s.keys.map((k) => `${k.target}${k.opclass ? ` ${k.opclass}` : ''}${k.collation ? ` COLLATE "${k.collation}"` : ''}${k.desc ? ' DESC' : ''}${k.nullsFirst !== k.desc ? (k.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST') : ''}`);
  const method = s.method === 'btree' ? '' : `USING ${s.method} `;
  return `${method}(${keys.join(', ')})${s.include.length ? ` INCLUDE (${s.include.join(', ')})` : ''}${s.where ? ` WHERE ${s.where}` : ''}`;
}

/**
 * Drops an index without blocking writes: DROP INDEX CONCURRENTLY waits for queries using it
 * and takes only a SHARE UPDATE EXCLUSIVE lock. An index of a partitioned table cannot be
 * dropped concurrently: the plain DROP takes ACCESS EXCLUSIVE on the table and its partitions,
 * briefly, so a lock_timeout keeps it from queueing every query behind a long one.
 */
export function dropIndexSql(t: TableRef, name: string): string {
  const index = qualifiedName(t.schema.name, name);
  if (!t.table.partitioning) return `DROP INDEX CONCURRENTLY IF EXISTS ${index};`;
  return `-- A partitioned index cannot be dropped CONCURRENTLY: this locks ${t.name} and its partitions briefly.\nSET lock_timeout = '5s';\nDROP INDEX IF EXISTS ${index};\nRESET lock_timeout;`;
}

