import type { Table } from '../model/types.js';
import { fieldOf, type EntitySpec } from './spec.js';

/** The column a row's age is read from (partitioning, retention): the entity's first timestamp field, else created_at. */
export function ageColumn(e: EntitySpec, table: Table): string | undefined {
  return Object.entries(e.fields).find(([, f]) => fieldOf(f).type === 'timestamp')?.[0] ?? (table.columns.some((c) => c.name === 'created_at') ? 'created_at' : undefined);
}
