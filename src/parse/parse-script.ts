import { loadModule, parseSync } from 'libpg-query';
import { SchemawiseError } from '../errors.js';
import type { Span } from '../model/types.js';
import { byteOffsetMapper, SourcePositions } from './source-positions.js';
import { splitSql } from './split-sql.js';

/** One parsed statement: its node (`{ CreateStmt: {...} }`) and where it came from. */
export interface ParsedStatement {
  /** The node type, e.g. `CreateStmt`. */
  type: string;
  /** The node's fields. */
  node: any;
  text: string;
  span: Span;
  /** The span of a node inside this statement, from the node's `location` (a byte offset). */
  locate(location: number | undefined): Span;
}

export interface Note {
  message: string;
  span?: Span;
}

export interface ParsedScript {
  statements: ParsedStatement[];
  notes: Note[];
  /** Statements that change no schema (INSERT, COPY, GRANT, ...), counted, not parsed. */
  skipped: number;
}

let loaded: Promise<void> | undefined;
let ready = false;
/** The parser is WebAssembly: it must be instantiated once before `parseScript` (and `normalizeExpression`). */
export function initParser(): Promise<void> {
  return (loaded ??= loadModule().then(() => {
    ready = true;
  }));
}

/** Whether `initParser` has finished: synchronous users of the parser check it. */
export const parserReady = () => ready;

// Statements that cannot change a schema. They are counted and skipped without parsing,
// which keeps data-heavy dumps fast; the price is that a syntax error inside one of them
// is not reported (PostgreSQL would report it on execution, `--exact`).
const DATA_OR_SESSION = new Set([
  'insert', 'update', 'delete', 'merge', 'copy', 'grant', 'revoke', 'analyze', 'analyse', 'vacuum',
  'begin', 'start', 'commit', 'end', 'rollback', 'abort', 'savepoint', 'release', 'lock', 'truncate',
  'refresh', 'cluster', 'reindex', 'checkpoint', 'listen', 'notify', 'unlisten', 'discard',
  'prepare', 'execute', 'deallocate', 'fetch', 'close', 'declare', 'move', 'show', 'explain', 'values',
  'call', 'load', 'table', 'security', 'import',
]);

/**
 * Splits and parses a SQL script; throws `SchemawiseError` at the first syntax error.
 * `all` parses data and session statements too (the migration linter judges BEGIN, SET,
 * VACUUM FULL, TRUNCATE); a schema load skips them unparsed.
 */
export function parseScript(file: string, text: string, options: { all?: boolean } = {}): ParsedScript {
  const result: ParsedScript = { statements: [], notes: [], skipped: 0 };
  for (const st of parseStatements(file, text, result, options)) result.statements.push(st);
  return result;
}

/**
 * The statements of a script, one at a time, so a caller that folds each as it comes
 * lets its parse tree die young: holding every tree of a large dump at once made garbage
 * collection the largest cost of a static load. Notes and skipped counts go to `into`.
 */
export function* parseStatements(
  file: string,
  text: string,
  into: { notes: Note[]; skipped: number },
  options: { all?: boolean } = {},
): Generator<ParsedStatement> {
  const positions = new SourcePositions(file, text);

  for (const chunk of splitSql(text)) {
    if (chunk.kind === 'meta') {
      into.notes.push({ message: `psql meta-command skipped: ${chunk.text.slice(0, 60)}`, span: positions.span(chunk.start) });
      continue;
    }
    // A lone `;` is an empty statement: PostgreSQL accepts it, the parser refuses empty input.
    if (!/[^;\s]/.test(chunk.text)) continue;
    const keyword = /^[A-Za-z_]+/.exec(chunk.text)?.[0].toLowerCase() ?? '';
    if (
      !options.all &&
      (DATA_OR_SESSION.has(keyword) ||
      (keyword === 'select' && !/set_config|\binto\b/i.test(chunk.text)) ||
      ((keyword === 'set' || keyword === 'reset') && !/search_path/i.test(chunk.text)) ||
      (keyword === 'with' && !/^with\b[\s\S]*\bset_config\b/i.test(chunk.text)))
    ) {
      into.skipped++;
      continue;
    }
    let result;
    try {
      result = parseSync(chunk.text);
    } catch (error: any) {
      // The parser reports the cursor in code points (as PostgreSQL does): step over that
      // many, so characters outside the BMP (two UTF-16 units) do not shift the column.
      const cursor = typeof error?.sqlDetails?.cursorPosition === 'number' ? Math.max(0, error.sqlDetails.cursorPosition) : 0;
      let offset = 0;
      for (let k = 0; k < cursor && offset < chunk.text.length; k++) offset += chunk.text.codePointAt(offset)! > 0xffff ? 2 : 1;
      throw new SchemawiseError(String(error?.message ?? error), positions.span(chunk.start + offset));
    }
    const toChar = byteOffsetMapper(chunk.text);
    for (const raw of result.stmts ?? []) {
      const [type, node] = Object.entries(raw.stmt as object)[0];
      const offset = chunk.start + toChar(raw.stmt_location ?? 0);
      yield {
        type,
        node,
        text: chunk.text,
        span: positions.span(offset),
        locate: (location) =>
          location === undefined || location < 0 ? positions.span(offset) : positions.span(chunk.start + toChar(location)),
      };
    }
  }
}
