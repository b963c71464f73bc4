import { statSync } from 'node:fs';
import { SchemawiseError } from '../errors.js';
import { readMigrationFolder, type MigrationConvention } from '../migrations/read-migration-folder.js';
import { readTextFile } from '../migrations/read-text-file.js';
import { sortModel } from '../model/sort-model.js';
import type { LiveFacts } from '../engine/live-facts.js';
import type { Database } from '../model/types.js';
import { initParser, parseStatements, type Note } from '../parse/parse-script.js';
import { foldStatement } from './fold-statement.js';
import { SchemaBuilder } from './schema-builder.js';

export interface SourceInfo {
  input: string;
  kind: 'file' | 'migrations' | 'database';
  convention?: MigrationConvention;
  files?: number;
}

export interface LoadResult {
  database: Database;
  notes: Note[];
  sources: SourceInfo[];
  /** Statements folded into the model, skipped (data, session, grants), and not modelled (DO). */
  statements: { modelled: number; skipped: number; notModelled: number };
  /** The SQL read, in apply order (none for a database): where review finds its ignore comments. */
  scripts: SqlSource[];
  /** Statistics and settings, from a database input loaded with `liveFacts`. */
  live?: LiveFacts;
}

export interface SqlSource {
  file: string;
  sql: string;
}

export interface LoadOptions {
  /** Execute files on the embedded engine and introspect it, instead of folding them statically. */
  exact?: boolean;
  /** From a database input, also gather what live rules need (statistics, settings, sequences). */
  liveFacts?: boolean;
}

export const isDatabaseUrl = (input: string) => /^postgres(ql)?:\/\//i.test(input);

/** Reads a file or migrations folder input into the SQL scripts it holds, in apply order. */
export function readSqlInput(input: string): { info: SourceInfo; scripts: SqlSource[]; notes: Note[] } {
  let stat;
  try {
    stat = statSync(input);
  } catch {
    throw new SchemawiseError(`${input}: no such file or directory`);
  }
  if (stat.isDirectory()) {
    const folder = readMigrationFolder(input);
    return {
      info: { input, kind: 'migrations', convention: folder.convention, files: folder.migrations.length },
      scripts: folder.migrations.map((m) => ({ file: m.file, sql: m.sql })),
      notes: [
        { message: `${input}: ${folder.convention} migrations, ${folder.migrations.length} applied in version order` },
        ...folder.notes.map((message) => ({ message })),
      ],
    };
  }
  return { info: { input, kind: 'file' }, scripts: [{ file: input, sql: readTextFile(input) }], notes: [] };
}

/** Builds the model statically from SQL scripts: parse with PostgreSQL's parser, fold in order. Never boots an engine. */
export async function loadStatic(scripts: SqlSource[]): Promise<LoadResult> {
  await initParser();
  const b = new SchemaBuilder();
  for (const { file, sql } of scripts) {
    const skipped = { notes: b.notes, skipped: 0 };
    for (const st of parseStatements(file, sql, skipped)) foldStatement(b, st);
    b.counts.skipped += skipped.skipped;
  }
  return { database: sortModel(b.db), notes: b.notes, sources: [], statements: b.counts, scripts };
}

/**
 * The model of the inputs: `.sql` files and migration folders (statically by default, on
 * the embedded engine with `exact`), or one `postgres://` URL (introspected read-only).
 * Engines are imported lazily so a static load never pays for PGlite.
 */
export async function loadSchema(inputs: string[], options: LoadOptions = {}): Promise<LoadResult> {
  if (!inputs.length) throw new SchemawiseError('no input: give .sql files, a migrations folder, or a postgres:// URL');
  const urls = inputs.filter(isDatabaseUrl);
  if (urls.length) {
    if (inputs.length > 1) throw new SchemawiseError('a database URL cannot be combined with other inputs');
    const { loadDatabase } = await import('./load-database.js');
    return loadDatabase(urls[0], { liveFacts: options.liveFacts });
  }
  const sources: SourceInfo[] = [];
  const scripts: SqlSource[] = [];
  const notes: Note[] = [];
  for (const input of inputs) {
    const read = readSqlInput(input);
    sources.push(read.info);
    scripts.push(...read.scripts);
    notes.push(...read.notes);
  }
  let result: LoadResult;
  if (options.exact) {
    const { loadExact } = await import('./load-exact.js');
    result = await loadExact(scripts);
  } else {
    result = await loadStatic(scripts);
  }
  return { ...result, notes: [...notes, ...result.notes], sources, scripts };
}
