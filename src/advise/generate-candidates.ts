import { covers, indexShapes, sameDefinition } from '../lint/index-compare.js';
import { findTable } from '../lint/model-walk.js';
import type { Database } from '../model/types.js';
import { candidateDefinition, candidateShape, type CandidateIndex, type CandidateKey, type CandidateMethod } from './candidate-index.js';
import type { KeyTarget, QueryShape, TableAccess } from './query-shape.js';
import type { TableStatistics } from './table-statistics.js';

export interface CandidateOptions {
  /** Key columns at most: 5 (a wider key costs more on every write than it saves a query); a longer list is cut. */
  maxKeys?: number;
  /** INCLUDE columns at most, for index-only scans: 4. */
  maxInclude?: number;
  /** A BRIN index is proposed for ranges on tables of at least this many rows: 1M. */
  brinRows?: number;
}

/**
 * Index candidates from each query's shape, per table: equality and IN keys first (the most
 * distinct first), then a range or the ORDER BY keys in the query's directions; join keys;
 * GROUP BY keys; each with the other columns the query reads as INCLUDE (index-only scans);
 * constant predicates as a partial index's WHERE; GIN for jsonb/array/full-text operators;
 * BRIN for ranges on large tables whose rows lie in the column's order. Candidates an existing
 * index already does the work of (same definition, or a btree it covers) are left out.
 */
export function generateCandidates(db: Database, shapes: QueryShape[], stats: Map<string, TableStatistics>, options: CandidateOptions = {}): CandidateIndex[] {
  const maxKeys = options.maxKeys ?? 5;
  const maxInclude = options.maxInclude ?? 4;
  const brinRows = options.brinRows ?? 1_000_000;
  const byDefinition = new Map<string, CandidateIndex>();
  const out: CandidateIndex[] = [];

  shapes.forEach((shape, queryIndex) => {
    for (const access of shape.accesses) {
      const table = findTable(db, { schema: access.schema, name: access.table });
      if (!table) continue;
      const tableStats = stats.get(`${access.schema}.${access.table}`);
      const distinct = (t: KeyTarget) => (t.column !== undefined ? (tableStats?.columns.get(t.column)?.distinct ?? 0) : tableStats?.rows ?? 0);
      // An index a failed CREATE INDEX CONCURRENTLY left invalid serves no query.
      const invalid = new Set(table.indexes.filter((ix) => ix.stats?.invalid).map((ix) => ix.name));
      const existing = indexShapes(table).filter((s) => !invalid.has(s.name));
      const add = (method: CandidateMethod, wanted: CandidateKey[], reasons: string[], include: string[] = [], where: { sql: string; columns: string[] } | null = null) => {
        // A column keyed twice orders nothing more; beyond maxKeys, the leading (most distinct) keys.
        const keys = wanted.filter((k, i) => wanted.findIndex((x) => x.target.sql === k.target.sql) === i).slice(0, maxKeys);
        if (!keys.length) return;
        const candidate: CandidateIndex = { id: 0, schema: access.schema, table: access.table, method, keys, include, where: where?.sql ?? null, whereColumns: where?.columns ?? [], from: new Set([queryIndex]), reasons };
        const definition = `${access.schema}.${access.table} ${candidateDefinition(candidate)}`;
        const known = byDefinition.get(definition);
        if (known) {
          known.from.add(queryIndex);
          for (const r of reasons) if (!known.reasons.includes(r)) known.reasons.push(r);
          return;
        }
        const shape = candidateShape(candidate);
        if (existing.some((e) => !e.deferrable && (sameDefinition(e, shape) || covers(e, shape)))) return;
        candidate.id = out.length;
        byDefinition.set(definition, candidate);
        out.push(candidate);
      };

      for (const variant of variants(access)) {
        const keyed = (targets: KeyTarget[]) => targets.filter((t) => !variant.fixed.has(t.sql));
        const equality = sortByDistinct(keyed(access.equality), distinct);
        const inList = sortByDistinct(keyed(access.inList).filter((t) => !equality.some((e) => e.sql === t.sql)), distinct);
        const nulls = keyed(access.nulls).filter((t) => !equality.some((e) => e.sql === t.sql));
        const lookups: { keys: CandidateKey[]; reasons: string[] }[] = [];
        const plain = (targets: KeyTarget[]): CandidateKey[] => targets.map((target) => ({ target }));
        if (equality.length + inList.length + nulls.length) lookups.push({ keys: plain([...equality, ...inList, ...nulls]), reasons: ['equality'] });
        for (const range of access.range.slice(0, 2)) {
          if (equality.some((e) => e.sql === range.sql) || variant.fixed.has(range.sql)) continue;
          lookups.push({ keys: [...plain([...equality, ...inList, ...nulls]), { target: range, ...(range.pattern && patternClass(table.columns.find((c) => c.name === range.column)?.type)) }], reasons: ['range'] });
        }
        for (const row of access.rowRanges) lookups.push({ keys: plain([...equality, ...row]), reasons: ['range'] });
        const order = access.order.filter((o) => ![...equality, ...nulls].some((e) => e.sql === o.target.sql));
        if (order.length && (access.limit || order.length === access.order.length)) {
          // IN-list keys before the ORDER BY would read several ranges: no order without a sort.
          const keys: CandidateKey[] = [...plain([...equality, ...nulls]), ...order.map((o) => ({ target: o.target, ...(o.desc && { desc: true }), ...(o.nullsFirst !== o.desc && { nullsFirst: o.nullsFirst }) }))];
          lookups.push({ keys, reasons: ['order'] });
        }
        for (const join of access.joins) {
          if (variant.fixed.has(join.sql)) continue;
          const rest = equality.filter((e) => e.sql !== join.sql);
          lookups.push({ keys: plain([join]), reasons: ['join'] });
          if (rest.length) lookups.push({ keys: plain([join, ...rest]), reasons: ['join'] });
        }
        if (access.group.length && !access.order.length) {
          const group = access.group.filter((g) => !equality.some((e) => e.sql === g.sql));
          if (group.length) lookups.push({ keys: plain([...equality, ...group]), reasons: ['group'] });
        }
        if (!lookups.length && variant.where) {
          // Only constant predicates: the partial index alone answers the query (its key: the first tested column).
          const column = variant.where.columns[0];
          if (column) lookups.push({ keys: [{ target: { sql: column, column, columns: [column] } }], reasons: [] });
        }
        for (const lookup of lookups) {
          const reasons = [...lookup.reasons, ...(variant.where ? ['partial'] : [])];
          add('btree', lookup.keys, reasons, [], variant.where);
          if (access.columns === 'all') continue;
          const stored = new Set(lookup.keys.flatMap((k) => (k.target.column !== undefined ? [k.target.column] : [])));
          const include = [...access.columns].filter((c) => !stored.has(c) && !(variant.where?.columns.includes(c) && variant.fixed.has(c))).sort();
          if (include.length && include.length <= maxInclude) add('btree', lookup.keys, [...reasons, 'covering'], include, variant.where);
        }
      }

      for (const gin of access.gin) add('gin', [{ target: gin.target, ...(gin.kind === 'jsonb' && ginOnlyContainment(access) && { opclass: 'jsonb_path_ops' }) }], ['gin']);
      const rows = tableStats?.rows ?? 0;
      if (rows >= brinRows) {
        for (const range of access.range) {
          if (range.column === undefined) continue;
          const type = table.columns.find((c) => c.name === range.column)?.type ?? '';
          const correlation = Math.abs(tableStats?.columns.get(range.column)?.correlation ?? 0);
          if (/^(timestamp|date|bigint|integer|smallint)/.test(type) && correlation >= 0.9) add('brin', [{ target: range }], ['brin']);
        }
      }
    }
  });
  return out;
}

/** The access as is, and with its constant predicates moved into a partial index's WHERE. */
function variants(access: TableAccess): { where: { sql: string; columns: string[] } | null; fixed: Set<string> }[] {
  const out: { where: { sql: string; columns: string[] } | null; fixed: Set<string> }[] = [{ where: null, fixed: new Set() }];
  if (access.constants.length) {
    const constants = access.constants.slice(0, 3);
    out.push({
      where: { sql: constants.map((c) => c.sql).join(' AND '), columns: [...new Set(constants.flatMap((c) => c.columns))] },
      // A key on a column the WHERE fixes to one value orders nothing: it is left out of the keys.
      fixed: new Set(constants.flatMap((c) => (c.target ? [c.target.sql] : []))),
    });
  }
  return out;
}

/** Most distinct values first: the leading key narrows most, and other queries can use it alone. */
function sortByDistinct(targets: KeyTarget[], distinct: (t: KeyTarget) => number): KeyTarget[] {
  return [...targets].sort((a, b) => distinct(b) - distinct(a));
}

/** `LIKE 'abc%'` reads a btree range only through a pattern operator class (outside the C collation). */
function patternClass(type: string | undefined): { opclass: string } | Record<string, never> {
  if (type === 'text') return { opclass: 'text_pattern_ops' };
  if (type?.startsWith('character varying')) return { opclass: 'varchar_pattern_ops' };
  return {};
}

/** jsonb_path_ops is smaller and faster for `@>`, but serves no `?`-style key test. */
function ginOnlyContainment(access: TableAccess): boolean {
  return access.gin.every((g) => g.kind !== 'jsonb' || g.operator === '@>' || g.operator === '@?' || g.operator === '@@');
}
