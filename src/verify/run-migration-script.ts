import type { Engine } from '../engine/engine.js';
import type { Span } from '../model/types.js';
import { SourcePositions } from '../parse/source-positions.js';
import { splitSql, type Chunk } from '../parse/split-sql.js';

/** A statement PostgreSQL rejected, located in the file the user has. */
export interface StatementFailure {
  /** `PostgreSQL: <message>`, with the server's detail when it gave one. */
  message: string;
  span: Span;
  /** SQLSTATE, e.g. `23505` for a unique violation. */
  sqlState?: string;
}

export interface ScriptRun {
  failure?: StatementFailure;
  /** Whether the script ran inside one transaction, so a failure left nothing of it behind. */
  atomic: boolean;
  /** Statements not executed, and why. */
  skipped: { message: string; span: Span }[];
}

/**
 * Not executed: roles, tablespaces and databases belong to the whole server, so creating them
 * would reach beyond the scratch database; privileges and owners name roles that only exist on
 * the user's server and are not part of the model; COPY reads data files that are not here.
 * Data statements (INSERT, UPDATE, ...) do run: backfills are what make a migration work on
 * a table with rows.
 */
const NOT_RUN: { pattern: RegExp; why: string }[] = [
  { pattern: /^(create|alter|drop)\s+(role|user|group)\b(?!\s+mapping\b)/i, why: 'roles belong to the whole server' },
  { pattern: /^(create|alter|drop)\s+(database|tablespace)\b|^alter\s+system\b/i, why: 'it acts on the whole server' },
  { pattern: /^(grant|revoke)\b|^alter\s+default\s+privileges\b|\bowner\s+to\b|^reassign\s+owned\b/i, why: 'privileges and owners are not verified' },
  { pattern: /^copy\b/i, why: 'COPY reads or writes files that are not here' },
  // The script is sent as UTF-8: a different client_encoding would garble the engine's replies.
  { pattern: /^set\s+(client_encoding|names|role|session\s+authorization)\b/i, why: 'it changes the session itself' },
];

/** Statements PostgreSQL refuses inside a transaction block, and a script's own transaction control. */
const OUTSIDE_TRANSACTION =
  /^(create\s+(unique\s+)?index|drop\s+index|reindex\b.*)\s+concurrently\b|^reindex\s+\(.*\bconcurrently\b|^(vacuum|cluster)\b|^alter\s+index\b.*\battach\b.*\bconcurrently\b|^alter\s+table\b.*\bdetach\s+partition\b.*\bconcurrently\b|^(begin|commit|rollback|end|abort|start\s+transaction|savepoint|release)\b/is;

/**
 * Runs one migration script statement by statement. It runs inside a transaction unless it
 * holds a statement that cannot (CREATE INDEX CONCURRENTLY, VACUUM, its own BEGIN/COMMIT) or
 * `transaction` is false: then statements run one by one as psql runs them, and a failure can
 * leave the first part applied, which `atomic: false` tells the caller.
 */
export async function runMigrationScript(
  engine: Engine,
  file: string,
  sql: string,
  options: { transaction?: boolean; signal?: AbortSignal } = {},
): Promise<ScriptRun> {
  const positions = new SourcePositions(file, sql);
  const skipped: ScriptRun['skipped'] = [];
  const statements: Chunk[] = [];
  for (const chunk of splitSql(sql)) {
    if (chunk.kind === 'meta') {
      skipped.push({ message: `psql meta-command not run: ${chunk.text.slice(0, 60)}`, span: positions.span(chunk.start) });
      continue;
    }
    const rule = NOT_RUN.find((r) => r.pattern.test(chunk.text));
    if (rule) skipped.push({ message: `not run (${rule.why}): ${firstLine(chunk.text)}`, span: positions.span(chunk.start) });
    else statements.push(chunk);
  }
  const atomic = options.transaction !== false && !statements.some((s) => OUTSIDE_TRANSACTION.test(s.text));
  // One statement is atomic on its own, and a procedure that COMMITs (a batched backfill's CALL) refuses a transaction block.
  const block = atomic && statements.length > 1;
  if (block) await engine.exec('BEGIN');
  for (const statement of statements) {
    options.signal?.throwIfAborted();
    try {
      await engine.exec(statement.text);
    } catch (error) {
      // Also ends a transaction the script opened itself, so the session is usable again.
      await engine.exec('ROLLBACK').catch(() => {});
      options.signal?.throwIfAborted();
      return { failure: failure(error, positions, statement), atomic, skipped };
    }
  }
  if (block) {
    try {
      await engine.exec('COMMIT');
    } catch (error) {
      // Deferred constraints are checked at COMMIT: blame the last statement, the one that ended the script.
      await engine.exec('ROLLBACK').catch(() => {});
      return { failure: failure(error, positions, statements.at(-1) ?? { kind: 'sql', text: '', start: 0 }, 'at COMMIT: '), atomic, skipped };
    }
  }
  return { atomic, skipped };
}

function failure(error: unknown, positions: SourcePositions, chunk: Chunk, prefix = ''): StatementFailure {
  const e = error as { message?: string; position?: string | number; detail?: string; code?: string };
  // PostgreSQL reports `position` as a 1-based character index into the statement.
  const position = Number(e?.position ?? 0);
  const span = positions.span(chunk.start + (position > 0 ? position - 1 : 0));
  const detail = e?.detail ? ` (${e.detail})` : '';
  const result: StatementFailure = { message: `PostgreSQL: ${prefix}${e?.message ?? String(error)}${detail}`, span };
  if (typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) result.sqlState = e.code;
  return result;
}

function firstLine(text: string): string {
  const line = text.split('\n')[0];
  return line.length > 60 ? `${line.slice(0, 60)}…` : line;
}
