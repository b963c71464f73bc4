import { Option, type Command } from 'commander';
import type { Renames } from '../../diff/changes.js';
import { checkRenames } from '../../diff/check-renames.js';
import { diffModels } from '../../diff/diff-models.js';
import { SchemawiseError } from '../../errors.js';
import { loadSchema } from '../../load/load-schema.js';
import { emptyDatabase } from '../../model/empty.js';
import { initNormalizer } from '../../model/normalize.js';
import type { Database } from '../../model/types.js';
import { migrationFiles, sendsFileAsOneQuery } from '../../plan/migration-file-names.js';
import { blockedHazards, planChanges } from '../../plan/plan-changes.js';
import { DATA_LOSS } from '../../plan/plan-types.js';
import { renderMigrations } from '../../plan/render-migrations.js';
import { colors as pc } from '../colors.js';
import { EXIT, runAction } from '../run-action.js';
import { writeOutput } from '../write-output.js';
import { reportLoad } from '../report-load.js';
import { list } from './shared-options.js';

interface DiffOptions {
  dir?: string;
  name: string;
  dryRun?: boolean;
  rename?: string[];
  allowHazards?: string[];
  offline?: boolean;
  inPlace?: boolean;
  batchSize: string;
  batchPause: string;
  pgVersion: string;
  format: 'text' | 'json';
  exact?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `table:[schema.]old=new` and `column:[schema.]table.old=new`; unqualified means public. */
export function parseRenames(values: string[]): Renames {
  const renames: Renames = { tables: new Map(), columns: new Map() };
  for (const value of values) {
    const m = /^(table|column):([^=]+)=(.+)$/.exec(value.trim());
    if (!m) throw new SchemawiseError(`--rename ${value}: expected table:[schema.]old=new or column:[schema.]table.old=new`);
    const parts = m[2].split('.');
    if (m[1] === 'table') {
      if (parts.length > 2) throw new SchemawiseError(`--rename ${value}: a table is [schema.]name`);
      renames.tables.set(parts.length === 2 ? m[2] : `public.${m[2]}`, m[3]);
    } else {
      if (parts.length < 2 || parts.length > 3) throw new SchemawiseError(`--rename ${value}: a column is [schema.]table.column`);
      renames.columns.set(parts.length === 3 ? m[2] : `public.${m[2]}`, m[3]);
    }
  }
  return renames;
}

async function load(input: string, options: DiffOptions): Promise<Database> {
  if (input === 'empty') return emptyDatabase();
  const result = await loadSchema([input], { exact: options.exact });
  reportLoad(result, options);
  return result.database;
}

export function registerMigrateDiff(migrate: Command): void {
  migrate
    .command('diff')
    .description('write the next migration (up and down) that turns the <from> schema into <to>')
    .argument('<from>', '.sql file, migrations folder, postgres:// URL, or "empty"')
    .argument('<to>', '.sql file, migrations folder or postgres:// URL')
    .option('-d, --dir <folder>', 'migrations folder to write into (golang-migrate by default; Flyway and dbmate folders keep their convention)')
    .requiredOption('-n, --name <name>', 'migration name, part of the file names (letters, digits, _ and -)')
    .option('--dry-run', 'print the plan and the SQL; write nothing')
    .addOption(new Option('--rename <spec>', 'a rename, never guessed: table:[schema.]old=new or column:[schema.]table.old=new (repeatable)').argParser(collect))
    .addOption(new Option('--allow-hazards <kinds>', `data-loss hazards to accept: ${[...DATA_LOSS].join(', ')}, or all (comma-separated)`).argParser(list))
    .option('--offline', 'plain statements in one migration: no CONCURRENTLY, no NOT VALID + VALIDATE (for a database nobody uses yet)')
    .option('--in-place', 'online, but type changes and renames as one ALTER each instead of expand → backfill → contract')
    .option('--batch-size <rows>', 'rows per batch of the backfill procedure (its default; CALL can pass another)', '1000')
    .option('--batch-pause <ms>', 'pause between backfill batches, in milliseconds', '100')
    .option('--pg-version <n>', 'target PostgreSQL major version', '15')
    .addOption(new Option('-f, --format <format>', 'output of --dry-run').choices(['text', 'json']).default('text'))
    .option('--exact', 'execute file inputs on the embedded PostgreSQL and introspect them, instead of the static load')
    .option('-q, --quiet', 'print no summary or notes on stderr')
    .option('--verbose', 'print every load note')
    .addHelpText('after', `
Online by default: SET lock_timeout and statement_timeout at the top of each file; indexes on
existing tables built and dropped CONCURRENTLY in a migration of their own (run outside a
transaction); CHECK and FOREIGN KEY added NOT VALID and validated in a later migration; SET NOT
NULL proven by a validated CHECK first; UNIQUE and PRIMARY KEY from a concurrently built index
(USING INDEX). Each statement is annotated with the lock it takes and whether it rewrites or
scans the table. Drops and narrowing type changes lose data: the plan is refused until they are
allowed with --allow-hazards, and the down file lists what it cannot restore.

A type change that would rewrite the table, a column rename and a table rename are planned as
expand → backfill → contract: the new column beside the old one with a trigger that keeps both in
step (or the old table name kept as a view), a _backfill migration that CALLs a procedure filling
the new column in batches (committed one by one, resumable), indexes and keys built CONCURRENTLY,
and a _contract migration that drops the old shape: deploy it once no client uses the old shape.
Where that cannot be done (a key column, a view over the table, ...) a note says why and the change
is made in place. --in-place makes them all in place.

Exit codes: 0 written (or nothing to do), 2 bad input or hazards not allowed.

Examples:
  schemawise migrate diff migrations/ schema.sql --dir migrations --name add_orders
  schemawise migrate diff empty schema.sql --dir migrations --name initial
  schemawise migrate diff postgres://app@db/shop schema.sql --name next --dry-run
  schemawise migrate diff old.sql new.sql --dir m --name rename --rename column:users.mail=email`)
    .action(
      runAction(async (fromInput: string, toInput: string, options: DiffOptions) => {
        const pgVersion = Number(options.pgVersion);
        const batchSize = Number(options.batchSize);
        const batchPauseMs = Number(options.batchPause);
        if (!Number.isInteger(batchSize) || batchSize < 1) throw new SchemawiseError(`--batch-size ${options.batchSize}: expected a whole number of rows, 1 or more`);
        if (!Number.isInteger(batchPauseMs) || batchPauseMs < 0) throw new SchemawiseError(`--batch-pause ${options.batchPause}: expected milliseconds, 0 or more`);
        if (options.offline && options.inPlace) throw new SchemawiseError('--offline and --in-place: choose one (--offline already makes every change in place)');
        if (!Number.isInteger(pgVersion) || pgVersion < 10 || pgVersion > 18) throw new SchemawiseError(`--pg-version ${options.pgVersion}: expected a PostgreSQL major version from 10 to 18`);
        if (!options.dir && !options.dryRun) throw new SchemawiseError('--dir is required (the migrations folder to write into), or use --dry-run');
        const allowed = new Set(options.allowHazards ?? []);
        for (const kind of allowed) if (kind !== 'all' && !DATA_LOSS.has(kind as never)) throw new SchemawiseError(`--allow-hazards ${kind}: unknown hazard; one of ${[...DATA_LOSS].join(', ')}, all`);
        const renames = parseRenames(options.rename ?? []);

        await initNormalizer();
        const from = await load(fromInput, options);
        const to = await load(toInput, options);
        checkRenames(renames, from, to);
        const diff = diffModels(from, to, renames);
        const plan = planChanges(diff, { offline: options.offline, inPlace: options.inPlace, pgVersion, batchSize, batchPauseMs });
        const migrations = renderMigrations(plan, options.name, { oneStatementOutsideTransaction: sendsFileAsOneQuery(options.dir) });
        const files = options.dir ? migrationFiles(options.dir, options.name, migrations) : [];

        const err = (line: string) => {
          if (!options.quiet) process.stderr.write(`${line}\n`);
        };
        for (const note of [...diff.notes, ...plan.notes]) err(pc.yellow(`note: ${note}`));
        for (const s of diff.suggestions) err(pc.yellow(`possible rename: ${s.kind} ${s.from} → ${s.to} is planned as a drop and an add; if it is a rename, run again with ${s.option}`));

        if (options.format === 'json' && options.dryRun) {
          process.stdout.write(
            `${JSON.stringify(
              {
                changes: diff.changes.map((c) => c.kind),
                statements: plan.statements.map(({ change: _change, step: _step, ...s }) => s),
                suggestions: diff.suggestions,
                notes: [...diff.notes, ...plan.notes],
                migrations: migrations.map((m, i) => ({ ...m, files: (files[i] ?? []).map((f) => f.file) })),
              },
              null,
              2,
            )}\n`,
          );
        }
        if (!plan.statements.length) {
          err('no changes: the schemas are the same; nothing written');
          return EXIT.ok;
        }
        const blocked = blockedHazards(plan, allowed);
        for (const s of plan.statements) {
          for (const h of s.hazards) err(`${DATA_LOSS.has(h.kind) && blocked.includes(h) ? pc.red('hazard') : pc.yellow('hazard')} ${h.kind}: ${h.message}`);
        }
        if (options.format === 'text' && options.dryRun) {
          for (const [i, m] of migrations.entries()) {
            const names = files[i] ? ` (${files[i].map((f) => f.file).join(', ')})` : '';
            process.stdout.write(`${i ? '\n' : ''}-- ==== migration ${i + 1} of ${migrations.length}: ${options.name}${m.suffix}${names}\n${m.up}\n-- ---- down\n${m.down}`);
          }
        }
        if (blocked.length) {
          const kinds = [...new Set(blocked.map((h) => h.kind))];
          throw new SchemawiseError(`the plan loses data (${kinds.join(', ')}): nothing written. Check the hazards above; accept them with --allow-hazards ${kinds.join(',')}`);
        }
        if (options.dryRun) {
          err(pc.dim(`dry run: ${plan.statements.length} statements in ${migrations.length} migration(s); nothing written`));
          return EXIT.ok;
        }
        for (const f of files.flat()) writeOutput(f.file, f.text);
        for (const f of files.flat()) err(`wrote ${f.file}`);
        const phases = migrations.map((m) => `${m.phase}${m.transactional ? '' : ' (outside a transaction)'}`);
        err(pc.dim(`${plan.statements.length} statements in ${migrations.length} migration(s): ${phases.join(', ')}`));
        return EXIT.ok;
      }),
    );
}
