import type { ExplainedQuery, PlanNode } from '../explain/explain-query.js';
import { findTable } from '../lint/model-walk.js';
import type { Database, Table } from '../model/types.js';
import { candidateColumns, type CandidateIndex } from './candidate-index.js';
import type { QueryShape } from './query-shape.js';
import type { TableStatistics } from './table-statistics.js';

export interface WriteOptions {
  /**
   * Reads per write on every table the workload reads: each write adds an entry to each index.
   * Default: 10 for a table the workload has no INSERT into, none for one it has (its writes
   * are in the workload).
   */
  readsPerWrite?: number;
  /** Reads per write measured per table (`schema.table`), e.g. from pg_stat_user_tables: wins over readsPerWrite. */
  tableReadsPerWrite?: Map<string, number>;
}

/**
 * Planner cost units of one index entry written: the leaf page it lands on is read if not
 * cached and dirtied (random_page_cost, 4), plus the bytes it adds to that page and to the WAL.
 * A GIN index writes one entry per key of the value (a jsonb's paths, an array's elements): ×10;
 * BRIN only widens a range's summary now and then.
 */
const ENTRY_COST = 4;
const BYTE_COST = 0.05;
const METHOD_FACTOR: Record<string, number> = { btree: 1, gin: 10, brin: 0.05 };

/** Bytes of one btree entry: an 8-byte tuple header and the stored values (pg_stats average widths). */
export function entryBytes(c: CandidateIndex, stats: TableStatistics | undefined): number {
  const width = (column: string) => stats?.columns.get(column)?.width ?? 8;
  const keys = c.keys.reduce((sum, k) => sum + (k.target.column !== undefined ? width(k.target.column) : 16), 0);
  const include = c.include.reduce((sum, column) => sum + width(column), 0);
  return 8 * Math.ceil((8 + keys + include) / 8);
}

/**
 * What each candidate costs the workload's writes, in the same cost units and per the same
 * weights as the queries: entries written per workload unit × the cost of one. Writes are the
 * workload's own INSERT/UPDATE/DELETE (rows from their plans; an UPDATE adds entries only when it
 * cannot be HOT: it sets a column of this index, or of an existing one), and for tables it reads
 * but has no INSERT into, one write per `readsPerWrite` reads.
 */
export function writePenalties(db: Database, candidates: CandidateIndex[], shapes: QueryShape[], baseline: ExplainedQuery[], stats: Map<string, TableStatistics>, options: WriteOptions = {}): Map<number, number> {
  const readWeight = new Map<string, number>();
  const written = new Set<string>();
  shapes.forEach((shape) => {
    if (shape.write?.kind === 'insert') written.add(`${shape.write.schema}.${shape.write.table}`);
    for (const a of new Set(shape.accesses.map((x) => `${x.schema}.${x.table}`))) {
      if (shape.write && a === `${shape.write.schema}.${shape.write.table}`) continue;
      readWeight.set(a, (readWeight.get(a) ?? 0) + shape.query.weight);
    }
  });
  const out = new Map<number, number>();
  for (const c of candidates) {
    const table = `${c.schema}.${c.table}`;
    const columns = candidateColumns(c);
    let entries = 0;
    shapes.forEach((shape, i) => {
      const w = shape.write;
      if (!w || `${w.schema}.${w.table}` !== table) return;
      const rows = modifiedRows(baseline[i]?.plan);
      if (w.kind === 'update') {
        const model = findTable(db, { schema: w.schema, name: w.table });
        const existingColumns = model ? indexedColumns(model) : new Set<string>();
        const set = w.columns ?? [];
        const hot = !set.some((col) => columns.has(col) || existingColumns.has(col));
        if (hot) return;
        // A non-HOT update writes a new entry in every index (the old one stays until vacuum).
      }
      entries += shape.query.weight * rows;
    });
    const ratio = options.tableReadsPerWrite?.get(table) ?? options.readsPerWrite ?? (written.has(table) ? undefined : 10);
    if (ratio !== undefined && ratio > 0) entries += (readWeight.get(table) ?? 0) / ratio;
    const perEntry = (ENTRY_COST + BYTE_COST * entryBytes(c, stats.get(table))) * (METHOD_FACTOR[c.method] ?? 1);
    out.set(c.id, entries * perEntry);
  }
  return out;
}

/**
 * The columns any index of the table reads: keys, expressions, INCLUDE lists and predicates. An
 * UPDATE setting one of them cannot be HOT (PostgreSQL's RelationGetIndexAttrBitmap).
 */
function indexedColumns(table: Table): Set<string> {
  const names = new Set(table.columns.map((c) => c.name));
  const out = new Set<string>();
  const read = (text: string | null | undefined) => {
    for (const m of (text ?? '').matchAll(/"((?:[^"]|"")+)"|[A-Za-z_][A-Za-z0-9_$]*/g)) {
      const name = m[1] !== undefined ? m[1].replace(/""/g, '"') : m[0].toLowerCase();
      if (names.has(name)) out.add(name);
    }
  };
  for (const c of [...(table.primaryKey?.columns ?? []), ...(table.primaryKey?.include ?? [])]) out.add(c);
  for (const u of table.uniques) for (const c of [...u.columns, ...(u.include ?? [])]) out.add(c);
  for (const x of table.exclusions) {
    for (const e of x.elements) read(e.key);
    read(x.where);
  }
  for (const ix of table.indexes) {
    for (const k of ix.keys) k.column !== null ? out.add(k.column) : read(k.expression);
    for (const c of ix.include) out.add(c);
    read(ix.where);
  }
  return out;
}

/** Rows an INSERT/UPDATE/DELETE writes: the planned rows of what feeds its ModifyTable node (at least 1). */
function modifiedRows(plan: PlanNode | undefined): number {
  if (!plan) return 1;
  const find = (node: PlanNode): PlanNode | undefined => (node['Node Type'] === 'ModifyTable' ? node : (node.Plans ?? []).map(find).find(Boolean));
  const modify = find(plan);
  const input = modify?.Plans?.[0];
  return Math.max(1, input?.['Plan Rows'] ?? 1);
}
