import { parseSync } from 'libpg-query';
import type { Engine } from '../engine/engine.js';
import { SchemawiseError } from '../errors.js';
import { parameterCount, type WorkloadQuery } from '../explain/read-queries.js';

export interface StatStatementsOptions {
  /** The statements with the most total execution time, at most: 100. */
  limit?: number;
}

const DML = new Set(['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt']);

/**
 * The workload pg_stat_statements recorded in this database: its SELECT/INSERT/UPDATE/DELETE
 * statements (normalised, constants as `$n`: generic plans), heaviest total time first, each
 * weighted by its calls. Statements on the catalogs only, utility commands and texts the parser
 * rejects (truncated by track_activity_query_size) are left out.
 */
export async function readStatStatements(engine: Engine, options: StatStatementsOptions = {}): Promise<WorkloadQuery[]> {
  const installed = await engine.query(`SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'`);
  if (!installed.length) {
    throw new SchemawiseError('pg_stat_statements is not installed in this database: add it to shared_preload_libraries, restart, and CREATE EXTENSION pg_stat_statements; or give the workload with --queries');
  }
  const columns = new Set((await engine.query<{ name: string }>(`SELECT attname AS name FROM pg_attribute WHERE attrelid = 'pg_stat_statements'::regclass AND attnum > 0`)).map((c) => c.name));
  // total_exec_time since PostgreSQL 13 (total_time before); toplevel since 14.
  const time = columns.has('total_exec_time') ? 'total_exec_time' : 'total_time';
  let rows: { id: string; query: string; calls: number }[];
  try {
    rows = await engine.query<{ id: string; query: string; calls: number }>(
      `SELECT s.queryid::text AS id, s.query, s.calls::float8 AS calls
       FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
       WHERE d.datname = current_database()${columns.has('toplevel') ? ' AND s.toplevel' : ''} AND s.calls > 0
       ORDER BY s.${time} DESC LIMIT $1`,
      [options.limit ?? 100],
    );
  } catch (error) {
    throw new SchemawiseError(`could not read pg_stat_statements: ${(error as Error).message}`);
  }
  const out: WorkloadQuery[] = [];
  for (const [i, row] of rows.entries()) {
    if (!isUserDml(row.query)) continue;
    out.push({ name: `pg_stat_statements ${row.id}`, sql: row.query.trim().replace(/;\s*$/, ''), weight: Number(row.calls), parameters: parameterCount(row.query), span: { file: 'pg_stat_statements', line: i + 1, column: 1 } });
  }
  if (!out.length) throw new SchemawiseError('pg_stat_statements holds no SELECT/INSERT/UPDATE/DELETE statement of this database yet: run the workload first, or give it with --queries');
  return out;
}

function isUserDml(sql: string): boolean {
  let tree: any;
  try {
    tree = parseSync(sql);
  } catch {
    return false;
  }
  const stmt = tree.stmts?.[0]?.stmt;
  if (tree.stmts?.length !== 1 || !stmt || !DML.has(Object.keys(stmt)[0])) return false;
  const text = JSON.stringify(stmt);
  const relations = [...text.matchAll(/"RangeVar":\{([^{}]*)/g)].map((m) => m[1]);
  return relations.length > 0 && relations.some((r) => !/"schemaname":"(pg_catalog|information_schema)"/.test(r) && !/"relname":"pg_/.test(r));
}
