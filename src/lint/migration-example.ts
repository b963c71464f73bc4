import type { SqlSource } from '../load/load-schema.js';
import type { MigrationExample } from './migration-types.js';

/**
 * A documented example as lint input: the part above a `---` line is an earlier migration,
 * the rest the linted file. Lines above are blanked, not removed, so reported lines are the
 * example's own.
 */
export function exampleInput(example: MigrationExample, file = 'example.sql'): { previous: SqlSource[]; files: SqlSource[]; pgVersion?: number } {
  const { sql, pgVersion } = typeof example === 'string' ? { sql: example, pgVersion: undefined } : example;
  const lines = sql.split('\n');
  const cut = lines.findIndex((line) => line.trim() === '---');
  const previous = cut < 0 ? [] : [{ file: 'earlier.sql', sql: lines.slice(0, cut).join('\n') }];
  const linted = cut < 0 ? sql : [...lines.slice(0, cut + 1).map(() => ''), ...lines.slice(cut + 1)].join('\n');
  return { previous, files: [{ file, sql: linted }], ...(pgVersion !== undefined && { pgVersion }) };
}
