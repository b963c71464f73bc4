import { colors as pc } from './colors.js';
import type { LoadResult } from '../load/load-schema.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** A one-line summary of what was loaded, and the loader's notes, on stderr. */
export function reportLoad(result: LoadResult, options: { quiet?: boolean; verbose?: boolean }): void {
  if (options.quiet) return;
  const tables = result.database.schemas.reduce((n, s) => n + s.tables.length, 0);
  const views = result.database.schemas.reduce((n, s) => n + s.views.length, 0);
  const { modelled, skipped, notModelled } = result.statements;
  const from = result.sources.map((s) => (s.kind === 'migrations' ? `${s.input} (${s.convention}, ${plural(s.files ?? 0, 'migration')})` : s.input)).join(', ');
  const counts = result.sources.some((s) => s.kind === 'database')
    ? ''
    : ` (${plural(modelled, 'statement')} modelled, ${skipped} skipped${notModelled ? `, ${notModelled} not modelled` : ''})`;
  process.stderr.write(pc.dim(`${plural(tables, 'table')}, ${plural(views, 'view')} in ${plural(result.database.schemas.length, 'schema')} from ${from}${counts}\n`));
  const limit = options.verbose ? Infinity : 10;
  for (const note of result.notes.slice(0, limit)) {
    const where = note.span ? `${note.span.file}:${note.span.line}:${note.span.column}: ` : '';
    process.stderr.write(pc.dim(`  note: ${where}${note.message}\n`));
  }
  if (result.notes.length > limit) process.stderr.write(pc.dim(`  ... and ${result.notes.length - limit} more notes (--verbose shows all)\n`));
}
