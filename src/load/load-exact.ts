import { createEmbeddedEngine } from '../engine/embedded.js';
import type { Engine } from '../engine/engine.js';
import { introspect } from '../engine/introspect.js';
import { SchemawiseError } from '../errors.js';
import type { Note } from '../parse/parse-script.js';
import { SourcePositions } from '../parse/source-positions.js';
import { splitSql, type Chunk } from '../parse/split-sql.js';
import type { LoadResult, SqlSource } from './load-schema.js';

// Statements not executed: databases and roles do not exist on the embedded engine,
// transaction control would break the batching below, and data (INSERT, COPY, ...) cannot
// change a schema — a dump's data may also depend on `\copy` files that are not there.
// The script was read as UTF-8 and is sent as UTF-8: a `SET client_encoding` in it would
// make the server re-encode its replies, which the embedded engine's driver cannot decode.
const NOT_RUN = /^(create|drop|alter)\s+database\b|^(grant|revoke|copy|insert|update|delete|merge|truncate|begin|commit|end|rollback|savepoint|release)\b|^start\s+transaction\b|^alter\s+default\s+privileges\b|\bowner\s+to\b|^set\s+(client_encoding|names)\b/i;

/** Extensions the scripts create, so the embedded engine can load them at boot. */
export function extensionsIn(scripts: SqlSource[]): string[] {
  const names = new Set<string>();
  for (const { sql } of scripts) {
    // From statements, not the raw text: a comment that mentions an extension creates none.
    for (const chunk of splitSql(sql)) {
      const m = chunk.kind === 'sql' && /^create\s+extension\s+(?:if\s+not\s+exists\s+)?("[^"]+"|[\w-]+)/i.exec(chunk.text);
      if (m) names.add(m[1].startsWith('"') ? m[1].slice(1, -1) : m[1].toLowerCase());
    }
  }
  return [...names];
}

function failure(error: any, positions: SourcePositions, chunk: Chunk): SchemawiseError {
  // PostgreSQL reports `position` as a 1-based character index into the statement.
  const position = Number(error?.position ?? 0);
  const span = positions.span(chunk.start + (position > 0 ? position - 1 : 0));
  return new SchemawiseError(`PostgreSQL: ${error?.message ?? error}`, span);
}

const BATCH = 200;

/**
 * Statements are sent in batches (one round trip for hundreds of INSERTs); a batch runs as
 * one implicit transaction, so when it fails nothing of it remains and it is replayed one
 * statement at a time to find the one to blame.
 */
async function runScript(engine: Engine, file: string, sql: string, notes: Note[]): Promise<number> {
  const positions = new SourcePositions(file, sql);
  const chunks = splitSql(sql).filter((chunk) => {
    if (chunk.kind === 'meta') notes.push({ message: `psql meta-command skipped: ${chunk.text.slice(0, 60)}`, span: positions.span(chunk.start) });
    return chunk.kind === 'sql' && !NOT_RUN.test(chunk.text);
  });
  for (let i = 0; i < chunks.length; i += BATCH) {
    const batch = chunks.slice(i, i + BATCH);
    try {
      await engine.exec(batch.map((c) => c.text).join(';\n'));
    } catch {
      for (const chunk of batch) {
        try {
          await engine.exec(chunk.text);
        } catch (error) {
          throw failure(error, positions, chunk);
        }
      }
    }
  }
  return chunks.length;
}

/** Executes scripts in order on an engine; a failure is a `SchemawiseError` at the failing statement. */
export async function runScripts(engine: Engine, scripts: SqlSource[], notes: Note[] = []): Promise<number> {
  let executed = 0;
  for (const { file, sql } of scripts) executed += await runScript(engine, file, sql, notes);
  return executed;
}

/** The model of scripts as PostgreSQL itself builds it: executed on the embedded engine, then introspected. */
export async function loadExact(scripts: SqlSource[]): Promise<LoadResult> {
  const engine = await createEmbeddedEngine({ extensions: extensionsIn(scripts) });
  const notes: Note[] = [];
  try {
    const executed = await runScripts(engine, scripts, notes);
    const result = await introspect(engine);
    notes.push(...result.notes.map((message) => ({ message })));
    return { database: result.database, notes, sources: [], statements: { modelled: executed, skipped: 0, notModelled: 0 }, scripts };
  } finally {
    await engine.close();
  }
}
