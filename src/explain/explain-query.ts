import type { Engine } from '../engine/engine.js';
import type { WorkloadQuery } from './read-queries.js';

/** A node of PostgreSQL's `EXPLAIN (FORMAT JSON)` plan, with the keys it has. */
export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Schema?: string;
  Alias?: string;
  'Index Name'?: string;
  'Startup Cost': number;
  'Total Cost': number;
  'Plan Rows': number;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Actual Total Time'?: number;
  Plans?: PlanNode[];
  [key: string]: unknown;
}

export interface ExplainedQuery {
  query: WorkloadQuery;
  plan?: PlanNode;
  /** Run with ANALYZE (the query executed, then rolled back). */
  analyzed: boolean;
  /** A generic plan: the query has `$n` parameters and no values were given. */
  generic: boolean;
  planningMs?: number;
  executionMs?: number;
  error?: string;
}

export interface ExplainOptions {
  analyze?: boolean;
  /** Each EXPLAIN's statement_timeout: 30 s. */
  timeoutMs?: number;
  /** Run in a READ ONLY transaction (a user's database: an ANALYZE of a write is refused there). */
  readOnly?: boolean;
}

/**
 * EXPLAIN of one query, in a transaction that is always rolled back (an ANALYZE of an INSERT
 * leaves nothing), under a statement_timeout. A query with `$n` parameters and no values gets
 * its generic plan: a prepared statement under `plan_cache_mode = force_generic_plan` (12+),
 * explained with NULLs, which the generic plan does not look at. (PostgreSQL 16's `EXPLAIN
 * (GENERIC_PLAN)` plans the same, but needs the simple query protocol, which PGlite's query
 * does not use for a text with `$1` in it.) With `-- params:` values it is planned with them.
 */
export async function explainQuery(engine: Engine, query: WorkloadQuery, options: ExplainOptions = {}): Promise<ExplainedQuery> {
  const generic = query.parameters > 0 && !query.params;
  const analyze = !!options.analyze && !generic;
  const flags = ['FORMAT JSON', 'VERBOSE', ...(analyze ? ['ANALYZE', 'BUFFERS'] : [])];
  const result: ExplainedQuery = { query, analyzed: analyze, generic };
  await engine.exec(`BEGIN${options.readOnly ? ' READ ONLY' : ''}; SET LOCAL statement_timeout = ${Math.round(options.timeoutMs ?? 30_000)}`);
  let prepared = false;
  try {
    let sql: string;
    if (query.parameters === 0) sql = `EXPLAIN (${flags.join(', ')}) ${query.sql}`;
    else {
      if (generic) await engine.exec('SET LOCAL plan_cache_mode = force_generic_plan');
      await engine.exec(`PREPARE schemawise_explain AS ${query.sql}`);
      prepared = true;
      const values = query.params ?? Array.from({ length: query.parameters }, () => 'NULL');
      sql = `EXPLAIN (${flags.join(', ')}) EXECUTE schemawise_explain(${values.join(', ')})`;
    }
    const rows = await engine.query<{ 'QUERY PLAN': unknown }>(sql);
    const raw = rows[0]['QUERY PLAN'];
    const [top] = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: PlanNode; 'Planning Time'?: number; 'Execution Time'?: number }[];
    result.plan = top.Plan;
    if (top['Planning Time'] !== undefined) result.planningMs = top['Planning Time'];
    if (top['Execution Time'] !== undefined) result.executionMs = top['Execution Time'];
  } catch (error) {
    result.error = (error as Error).message ?? String(error);
  } finally {
    await engine.exec('ROLLBACK');
    // A prepared statement belongs to the session, not the transaction.
    if (prepared) await engine.exec('DEALLOCATE schemawise_explain').catch(() => undefined);
  }
  return result;
}

/** The rows PostgreSQL believes each table has (pg_class.reltuples), by `schema.table`. */
export async function tableSizes(engine: Engine): Promise<Map<string, number>> {
  const rows = await engine.query<{ name: string; rows: number }>(
    `SELECT n.nspname || '.' || c.relname AS name, greatest(c.reltuples, 0)::float8 AS rows
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')`,
  );
  return new Map(rows.map((r) => [r.name, r.rows]));
}
