import type { IndexShape, ShapeKey } from '../lint/index-compare.js';
import { normalizeExpression } from '../model/normalize.js';
import { qualifiedName } from '../model/quote-ident.js';
import { keySql, type KeyTarget } from './query-shape.js';

export type CandidateMethod = 'btree' | 'gin' | 'brin';

export interface CandidateKey {
  target: KeyTarget;
  desc?: boolean;
  /** Only when it differs from the default for the direction (NULLS LAST ascending, FIRST descending). */
  nullsFirst?: boolean;
  opclass?: string;
}

/** An index the advisor may recommend. */
export interface CandidateIndex {
  /** Stable within a run: the order candidates were made in. */
  id: number;
  schema: string;
  table: string;
  method: CandidateMethod;
  keys: CandidateKey[];
  include: string[];
  where: string | null;
  /** The columns `where` tests. */
  whereColumns: string[];
  /** The workload queries (by position) whose shape proposed it. */
  from: Set<number>;
  /** What it is for: `equality`, `range`, `order`, `join`, `group`, `covering`, `partial`, `gin`, `brin`. */
  reasons: string[];
}

/** `(customer_id, placed_at DESC) INCLUDE (total) WHERE status = 'paid'`, `USING gin (tags)`: CREATE INDEX after `ON table`. */
export function candidateDefinition(c: CandidateIndex, options: { where?: boolean } = {}): string {
  const keys = c.keys.map((k) => {
    const nulls = k.nullsFirst === undefined || k.nullsFirst === !!k.desc ? '' : k.nullsFirst ? ' NULLS FIRST' : ' NULLS LAST';
    return `${keySql(k.target)}${k.opclass ? ` ${k.opclass}` : ''}${k.desc ? ' DESC' : ''}${nulls}`;
  });
  const using = c.method === 'btree' ? '' : `USING ${c.method} `;
  const include = c.include.length ? ` INCLUDE (${c.include.map((col) => keySql({ sql: col, column: col, columns: [col] })).join(', ')})` : '';
  return `${using}(${keys.join(', ')})${include}${c.where && options.where !== false ? ` WHERE ${c.where}` : ''}`;
}

export function candidateSql(c: CandidateIndex, name: string, options: { concurrently?: boolean } = {}): string {
  return `CREATE INDEX ${options.concurrently ? 'CONCURRENTLY ' : ''}${name} ON ${qualifiedName(c.schema, c.table)} ${candidateDefinition(c)}`;
}

/** The candidate as the review rules compare indexes, to tell whether an existing index already does its job. */
export function candidateShape(c: CandidateIndex, name = `candidate ${c.id}`): IndexShape {
  const keys = c.keys.map(
    (k): ShapeKey => ({
      target: k.target.column ?? normalizeExpression(k.target.sql),
      plain: k.target.column !== undefined,
      desc: !!k.desc,
      nullsFirst: k.nullsFirst ?? !!k.desc,
      opclass: k.opclass ?? null,
      collation: null,
    }),
  );
  return { name, method: c.method, unique: false, nullsNotDistinct: false, keys, include: [...c.include].sort(), where: c.where === null ? null : normalizeExpression(c.where) };
}

/** Every column the index stores or tests: its keys, INCLUDE columns and predicate. */
export function candidateColumns(c: CandidateIndex): Set<string> {
  return new Set([...c.keys.flatMap((k) => k.target.columns), ...c.include, ...c.whereColumns]);
}
