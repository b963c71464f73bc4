import type { SqlSource } from '../load/load-schema.js';
import type { MigrationExample } from './migration-types.js';

export interface ExampleInput {
  previous: SqlSource[];
  files: SqlSource[];
  pgVersion?: number;
  transactional?: () => boolean;
}

/**
 * A documented example as lint input: the part above a `---` line is an earlier migration,
 * the rest the linted file. Lines above are blanked, not removed, so reported lines are the
 * example's own.
 */
export function exampleInput(example: MigrationExample, file = 'example.sql'): ExampleInput {
  const { sql, pgVersion, transactional } = typeof example === 'string' ? { sql: example, pgVersion: undefined, transactional: undefined } : example;
  const { previous, linted } = splitExample(sql);
  return {
    previous: previous === undefined ? [] : [{ file: 'earlier.sql', sql: previous }],
    files: [{ file, sql: [...Array(previous === undefined ? 0 : previous.split('\n').length + 1)].map(() => '').concat(linted.split('\n')).join('\n') }],
    ...(pgVersion !== undefined && { pgVersion }),
    ...(transactional !== undefined && { transactional: () => transactional }),
  };
}

/** The earlier migrations (above a `---` line; undefined without one) and the linted one. */
export function splitExample(sql: string): { previous?: string; linted: string } {
  const lines = sql.split('\n');
  const cut = lines.findIndex((line) => line.trim() === '---');
  return cut < 0 ? { linted: sql } : { previous: lines.slice(0, cut).join('\n'), linted: lines.slice(cut + 1).join('\n') };
}
