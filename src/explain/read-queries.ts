import { parseSync } from 'libpg-query';
import { SchemawiseError } from '../errors.js';
import type { Span } from '../model/types.js';
import { SourcePositions } from '../parse/source-positions.js';
import { splitSql } from '../parse/split-sql.js';

/** A query of a workload: its SQL, how often it runs, and values for its `$n` parameters when given. */
export interface WorkloadQuery {
  /** `-- name: …` above it, or `query N`. */
  name: string;
  sql: string;
  /** Relative weight (`-- weight: 300`, or `-- per_second: 300`): 1 when not said. */
  weight: number;
  /** `$1`, `$2`, … used by the query: the highest number. */
  parameters: number;
  /** `-- params: 42, 'paid'`: SQL literals for the parameters, for EXPLAIN ANALYZE. */
  params?: string[];
  span: Span;
}

const ANNOTATION = /^\s*--\s*(name|weight|per_second|params)\s*:\s*(.*?)\s*$/i;

/**
 * The queries of a `.sql` file, one per statement, each with the `-- key: value` comment lines
 * just above it (`name`, `weight` or `per_second`, `params`). psql meta-commands are refused:
 * a workload file holds queries only. The parser must be loaded (`initParser`).
 */
export function readQueries(file: string, text: string): WorkloadQuery[] {
  const positions = new SourcePositions(file, text);
  const queries: WorkloadQuery[] = [];
  let previousEnd = 0;
  for (const chunk of splitSql(text)) {
    const span = positions.span(chunk.start);
    if (chunk.kind === 'meta') throw new SchemawiseError(`psql meta-command in a queries file: ${chunk.text.slice(0, 40)}`, span);
    const notes: Record<string, string> = {};
    for (const line of text.slice(previousEnd, chunk.start).split('\n')) {
      const m = ANNOTATION.exec(line);
      if (m) notes[m[1].toLowerCase()] = m[2];
    }
    previousEnd = chunk.start + chunk.text.length + 1;
    const weightText = notes.weight ?? notes.per_second;
    const weight = weightText === undefined ? 1 : Number(weightText);
    if (!(weight >= 0) || !Number.isFinite(weight)) throw new SchemawiseError(`-- ${notes.weight !== undefined ? 'weight' : 'per_second'}: "${weightText}" is not a number`, span);
    const parameters = parameterCount(chunk.text);
    const params = notes.params === undefined ? undefined : splitParams(notes.params);
    if (params && params.length !== parameters) throw new SchemawiseError(`-- params: ${params.length} value(s) for ${parameters} parameter(s)`, span);
    queries.push({ name: notes.name || `query ${queries.length + 1}`, sql: chunk.text.trim(), weight, parameters, ...(params && { params }), span });
  }
  if (!queries.length) throw new SchemawiseError(`${file}: no queries`);
  return queries;
}

/**
 * The highest `$n` the query uses, from its parse tree: a `$1` inside a string literal is text.
 * A query PostgreSQL's parser rejects counts none (EXPLAIN then reports its error).
 */
export function parameterCount(sql: string): number {
  let tree: string;
  try {
    tree = JSON.stringify(parseSync(sql));
  } catch {
    return 0;
  }
  return Math.max(0, ...[...tree.matchAll(/"ParamRef":\{"number":(\d+)/g)].map((m) => Number(m[1])));
}

/** `42, 'a, b', NULL` → three SQL literals (commas inside quotes kept). */
function splitParams(text: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === "'") quoted = !quoted;
    if (ch === ',' && !quoted) {
      out.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}
