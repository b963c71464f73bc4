import { parseCount } from '../seed/parse-count.js';
import type { Table } from '../model/types.js';
import type { DesignModel } from './design-model.js';
import type { EntitySpec, Spec } from './spec.js';

/** A table's declared volume: an entity's, or a many-to-many relationship's pairs. */
export interface TableVolume {
  table: Table;
  volume: Pick<EntitySpec, 'rows' | 'growth' | 'retention'>;
  from: (string | number)[];
}

/** Every table with a declared volume (rows, growth or both), entities first, then join tables. */
export function tableVolumes(spec: Spec, design: DesignModel): TableVolume[] {
  const out: TableVolume[] = Object.entries(spec.entities).map(([entity, e]) => ({ table: design.tables.get(entity)!.table, volume: e, from: ['entities', entity] }));
  for (const [i, table] of design.joinTables) {
    const r = spec.relationships[i];
    if ('many' in r) out.push({ table, volume: r, from: ['relationships', i] });
  }
  return out.filter((t) => t.volume.rows !== undefined || t.volume.growth !== undefined);
}

/** Rows a table holds at its horizon: after its retention (when rows stop accumulating), else after a year. */
export function horizonRows(e: Pick<EntitySpec, 'rows' | 'growth' | 'retention'>): { now: number; horizon: number; months: number } {
  const months = e.retention ? retentionMonths(e.retention) : 12;
  return { now: rowsNow(e), horizon: rowsAfter(e, months), months };
}

const rowsNow = (e: Pick<EntitySpec, 'rows'>) => (e.rows !== undefined ? parseCount(String(e.rows), 'rows') : 0);

/**
 * Rows after `months` of the declared growth. With a retention, rows older than it leave: the
 * table levels off at growth × retention — or stays at the rows declared now when they are more
 * (the spec says they exist; nothing says how old they are).
 */
export function rowsAfter(e: Pick<EntitySpec, 'rows' | 'growth' | 'retention'>, months: number): number {
  const now = rowsNow(e);
  const grown = now + monthlyGrowth(e.growth) * months;
  if (!e.retention || !e.growth) return grown;
  return Math.min(grown, Math.max(now, monthlyGrowth(e.growth) * retentionMonths(e.retention)));
}

function retentionMonths(text: string): number {
  const m = /^\s*(\d+)\s*(day|week|month|year)s?\s*$/i.exec(text)!;
  const n = Number(m[1]);
  return { day: n / 30, week: n / 4.35, month: n, year: n * 12 }[m[2].toLowerCase() as 'day']!;
}

export function monthlyGrowth(rate: string | undefined): number {
  if (!rate) return 0;
  const [count, period] = rate.split('/').map((s) => s.trim());
  const per = { s: 2_592_000, second: 2_592_000, minute: 43_200, hour: 720, day: 30, week: 4.35, month: 1, year: 1 / 12 }[period.toLowerCase() as 's'] ?? 1;
  return parseCount(count, 'growth') * per;
}
