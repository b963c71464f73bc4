import { Option, type Command } from 'commander';
import { colors as pc } from '../colors.js';
import { loadSchema, type LoadResult } from '../../load/load-schema.js';
import { filterModel } from '../../model/filter-model.js';
import { reportLoad } from '../report-load.js';

export interface InputOptions {
  exact?: boolean;
  schema?: string[];
  table?: string[];
  quiet?: boolean;
  verbose?: boolean;
}

export const list = (value: string, previous: string[] = []) => [...previous, ...value.split(',').map((s) => s.trim()).filter(Boolean)];

/** The options every command that reads a schema takes. */
export function withInputOptions(command: Command): Command {
  return command
    .argument('<inputs...>', '.sql files, migration folders (golang-migrate, Flyway, dbmate, Prisma, drizzle, numbered) or one postgres:// URL')
    .option('--exact', 'execute the files on the embedded PostgreSQL and introspect it, instead of the static load')
    .addOption(new Option('--schema <names>', 'only these schemas (comma-separated, repeatable)').argParser(list))
    .addOption(new Option('--table <globs>', 'only tables matching these globs, e.g. "order*" or "sales.*" (comma-separated, repeatable)').argParser(list))
    .option('-q, --quiet', 'print no summary or notes on stderr')
    .option('--verbose', 'print every note, not only the first ten');
}

/** Loads the inputs, reports the load on stderr, and applies --schema/--table. */
export async function loadForCommand(inputs: string[], options: InputOptions & { liveFacts?: boolean }): Promise<LoadResult> {
  // Booting the embedded engine and executing takes seconds: say so, on a terminal only.
  if (options.exact && !options.quiet && process.stderr.isTTY) process.stderr.write(pc.dim('executing on the embedded PostgreSQL (PGlite)…\n'));
  const result = await loadSchema(inputs, { exact: options.exact, liveFacts: options.liveFacts });
  reportLoad(result, options);
  return { ...result, database: filterModel(result.database, { schemas: options.schema, tables: options.table }) };
}
