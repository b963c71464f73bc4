import type { Engine } from '../engine/engine.js';

export interface ColumnStatistics {
  /** Distinct values (pg_stats.n_distinct, a negative fraction turned into a count). */
  distinct: number;
  /** Average bytes of a value (pg_stats.avg_width). */
  width: number;
  /** How closely the physical row order follows the column's order, -1 to 1 (what BRIN needs). */
  correlation: number;
  nullFraction: number;
}

export interface TableStatistics {
  rows: number;
  /** Bytes of the heap: relpages × block size. */
  bytes: number;
  columns: Map<string, ColumnStatistics>;
}

/** pg_class and pg_stats for every user table, by `schema.table` (ANALYZE must have run). */
export async function readTableStatistics(engine: Engine): Promise<Map<string, TableStatistics>> {
  const tables = await engine.query<{ name: string; rows: number; bytes: number }>(
    `SELECT n.nspname || '.' || c.relname AS name, greatest(c.reltuples, 0)::float8 AS rows,
            (c.relpages::float8 * current_setting('block_size')::int) AS bytes
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')`,
  );
  const out = new Map<string, TableStatistics>(tables.map((t) => [t.name, { rows: t.rows, bytes: t.bytes, columns: new Map() }]));
  const columns = await engine.query<{ name: string; column: string; distinct: number; width: number; correlation: number | null; null_frac: number }>(
    `SELECT schemaname || '.' || tablename AS name, attname AS column, n_distinct::float8 AS distinct,
            avg_width AS width, correlation::float8 AS correlation, null_frac::float8 AS null_frac
     FROM pg_stats WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
     -- A partitioned table has only the statistics of its whole tree (inherited); others their own first.
     ORDER BY inherited`,
  );
  for (const c of columns) {
    const table = out.get(c.name);
    if (!table || table.columns.has(c.column)) continue;
    const distinct = c.distinct < 0 ? -c.distinct * table.rows : c.distinct;
    table.columns.set(c.column, { distinct, width: c.width, correlation: c.correlation ?? 0, nullFraction: c.null_frac });
  }
  return out;
}
