import { statSync } from 'node:fs';
import path from 'node:path';
import { Option, type Command } from 'commander';
import picocolors from 'picocolors';
import { didYouMean } from '../../did-you-mean.js';
import { SchemawiseError } from '../../errors.js';
import { DEFAULT_CONFIG, findConfig, readConfig } from '../../lint/config.js';
import {
  checkPgVersion,
  DEFAULT_PG_VERSION,
  lintMigrations,
  MIGRATION_REVIEW_RULES,
  PG_VERSIONS,
  runsInTransaction,
  type MigrationFileInfo,
} from '../../lint/lint-migrations.js';
import { MIGRATION_RULES } from '../../lint/migration-rules/index.js';
import { RULES } from '../../lint/rules/index.js';
import { SEVERITIES, severityRank, type Severity } from '../../lint/types.js';
import { isDatabaseUrl, loadSchema, readSqlInput, type SqlSource } from '../../load/load-schema.js';
import { compareVersions } from '../../migrations/compare-versions.js';
import { dbmateUpSection, hasDbmateUpDirective } from '../../migrations/dbmate-up-section.js';
import { parseMigrationFileName, parsePrismaDirName } from '../../migrations/parse-migration-file-name.js';
import { readMigrationFolder, type MigrationConvention } from '../../migrations/read-migration-folder.js';
import { readTextFile } from '../../migrations/read-text-file.js';
import { toDDL } from '../../report/ddl.js';
import { formatJson } from '../../report/findings-json.js';
import { formatMarkdown } from '../../report/findings-markdown.js';
import { formatSarif } from '../../report/findings-sarif.js';
import { formatText } from '../../report/findings-text.js';
import { colors as pc, stdoutColors } from '../colors.js';
import { PACKAGE_VERSION } from '../package-version.js';
import { EXIT, runAction } from '../run-action.js';
import { writeOutput } from '../write-output.js';
import { list } from './shared-options.js';

interface MigrateLintOptions {
  since?: string;
  schemaFrom?: string[];
  pgVersion: string;
  /** Undefined unless --assume-in-transaction or --no-assume-in-transaction is given. */
  assumeInTransaction?: boolean;
  format: 'text' | 'json' | 'sarif' | 'markdown';
  out?: string;
  config?: string;
  rule?: string[];
  failOn: Severity | 'never';
  quiet?: boolean;
  verbose?: boolean;
}

/** What is linted, what came before it, and how each file is run. */
interface Plan {
  previous: SqlSource[];
  files: SqlSource[];
  info: Map<string, MigrationFileInfo>;
  /** For the summary line: where the migrations come from. */
  description: string;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function registerMigrateLint(migrate: Command): void {
  migrate
    .command('lint')
    .description('check migrations statement by statement for locks that block the application, rewrites, failures on deploy and risky types')
    .argument('<inputs...>', 'one migrations folder (golang-migrate, Flyway, dbmate, Prisma, drizzle, numbered), or .sql files linted as migrations in the order given')
    .option('--since <version>', 'folder only: lint the migrations after this version; the earlier ones are the starting schema')
    .addOption(new Option('--schema-from <inputs>', 'the schema before the linted migrations: .sql files, a migrations folder or a postgres:// URL (comma-separated, repeatable)').argParser(list))
    .option('--pg-version <major>', `the PostgreSQL major version the migrations run on (${PG_VERSIONS.min}–${PG_VERSIONS.max})`, String(DEFAULT_PG_VERSION))
    .option('--assume-in-transaction', 'every file runs inside one transaction (default: what the folder convention does)')
    .option('--no-assume-in-transaction', 'every file runs statement by statement, outside a transaction')
    .addOption(new Option('-f, --format <format>', 'report format').choices(['text', 'json', 'sarif', 'markdown']).default('text'))
    .option('-o, --out <file>', 'write the report to this file instead of stdout (written whole or not at all)')
    .option('-c, --config <file>', 'config file (default: schemawise.config.json|yaml|yml in this folder or a parent)')
    .addOption(new Option('--rule <ids>', 'run only these rules (comma-separated, repeatable)').argParser(list))
    .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding at or above this severity remains').choices([...SEVERITIES, 'never']).default('warning'))
    .option('-q, --quiet', 'print no summary or notes on stderr')
    .option('--verbose', 'print every note, not only the first ten')
    .addHelpText(
      'after',
      `
Each statement is judged against the schema as it stands just before it: earlier migrations and
earlier statements of the same file. An object created earlier in the same migration is new, so
its locks and rewrites block no one; --pg-version decides what is safe (ADD COLUMN with a
constant default rewrites nothing from PostgreSQL 11). Each finding says which lock the statement
takes, what that lock blocks, and the safe rewrite. What a migration adds is also checked with
review's type rules and identifier-too-long. Every rule is in docs/rules/<rule-id>.md.

Transactions: by default each file is run as its tool runs it. Flyway, dbmate, drizzle and
numbered-file tools wrap a file in a transaction (dbmate "-- migrate:up transaction:false",
Flyway executeInTransaction=false in V…sql.conf, goose "-- +goose NO TRANSACTION" turn it off);
golang-migrate and Prisma send a file as one query, a transaction when it holds more than one
statement; a .sql file whose name fits no convention runs statement by statement (psql -f).

Suppressing findings: -- schemawise-ignore rule-id (next statement), -- schemawise-ignore-file
rule-id (whole file), or "rules": { "rule-id": "off" } in the config file (shared with review).

Exit codes: 0 no finding at or above --fail-on, 1 findings, 2 bad input.

Examples:
  schemawise migrate lint migrations/
  schemawise migrate lint migrations/ --since 20240501120000 --format sarif --out lint.sarif
  schemawise migrate lint 0042_add_index.up.sql --schema-from schema.sql --pg-version 13
  schemawise migrate lint migrations/ --rule require-lock-timeout,prefer-robust-stmts --fail-on error`,
    )
    .action(
      runAction(async (inputs: string[], options: MigrateLintOptions) => {
        const pgVersion = pgVersionOption(options.pgVersion);
        const configFile = options.config ?? findConfig(process.cwd());
        const config = configFile ? await readConfig(configFile) : DEFAULT_CONFIG;
        const { rules, reviewRules } = selectRules(options.rule);
        const plan = await planInputs(inputs, options);

        let wrapped = 0;
        const transactional = (file: SqlSource, statements: Parameters<typeof runsInTransaction>[1]) => {
          const inOne = options.assumeInTransaction ?? runsInTransaction(plan.info.get(file.file) ?? { convention: undefined, text: file.sql }, statements);
          if (inOne) wrapped++;
          return inOne;
        };
        const result = await lintMigrations({ previous: plan.previous, files: plan.files, rules, reviewRules, pgVersion, config, transactional });

        if (!options.quiet) {
          if (configFile) process.stderr.write(pc.dim(`config: ${configFile}\n`));
          const transactions = plan.files.length ? ` · ${wrapped} of ${plan.files.length} run in a transaction` : '';
          process.stderr.write(pc.dim(`${plan.description}${transactions} · PostgreSQL ${pgVersion}\n`));
          const limit = options.verbose ? Infinity : 10;
          for (const note of result.notes.slice(0, limit)) {
            const where = note.span ? `${note.span.file}:${note.span.line}:${note.span.column}: ` : '';
            process.stderr.write(pc.dim(`  note: ${where}${note.message}\n`));
          }
          if (result.notes.length > limit) process.stderr.write(pc.dim(`  ... and ${result.notes.length - limit} more notes (--verbose shows all)\n`));
        }

        const findings = result.findings;
        const summary = { suppressed: result.suppressed, baselined: 0, skippedLive: [], command: 'migrate lint' as const };
        const text =
          options.format === 'json'
            ? formatJson(findings, summary)
            : options.format === 'sarif'
              ? formatSarif(findings, [...rules, ...reviewRules], { version: PACKAGE_VERSION, baseDir: process.cwd() })
              : options.format === 'markdown'
                ? formatMarkdown(findings, summary)
                : formatText(findings, summary, options.out ? picocolors.createColors(false) : stdoutColors);
        if (options.out) writeOutput(options.out, text);
        else process.stdout.write(text);

        if (options.failOn === 'never') return EXIT.ok;
        const threshold = severityRank(options.failOn);
        return findings.some((f) => severityRank(f.severity) >= threshold) ? EXIT.findings : EXIT.ok;
      }),
    );
}

function pgVersionOption(value: string): number {
  if (!/^\d+$/.test(value.trim())) throw new SchemawiseError(`--pg-version ${value}: expected a PostgreSQL major version, e.g. 15`);
  try {
    return checkPgVersion(Number(value));
  } catch (error) {
    throw new SchemawiseError(`--pg-version ${value}: ${(error as Error).message}`);
  }
}

/** The statement rules and review rules to run: all of them, or those --rule names. */
function selectRules(ids: string[] | undefined) {
  if (!ids) return { rules: MIGRATION_RULES, reviewRules: MIGRATION_REVIEW_RULES };
  if (!ids.length) throw new SchemawiseError('--rule: no rule ids given (comma-separated rule ids, see docs/rules/)');
  const known = new Set([...MIGRATION_RULES, ...MIGRATION_REVIEW_RULES].map((r) => r.id));
  for (const id of ids) {
    if (known.has(id)) continue;
    if (RULES.some((r) => r.id === id)) {
      throw new SchemawiseError(`--rule ${id}: a review rule that migrate lint does not run (it runs its statement rules, review's type rules and identifier-too-long); use schemawise review for it`);
    }
    throw new SchemawiseError(`--rule ${id}: unknown rule${didYouMean(id, known)}`);
  }
  return { rules: MIGRATION_RULES.filter((r) => ids.includes(r.id)), reviewRules: MIGRATION_REVIEW_RULES.filter((r) => ids.includes(r.id)) };
}

/** A migrations folder (with --since) or .sql files, and the schema from --schema-from before them. */
async function planInputs(inputs: string[], options: MigrateLintOptions): Promise<Plan> {
  const previous = await schemaFrom(options.schemaFrom ?? []);
  const kinds = inputs.map((input) => {
    if (isDatabaseUrl(input)) throw new SchemawiseError(`${input.replace(/\/\/[^@/]*@/, '//…@')}: migrate lint reads migration files; a database goes in --schema-from`);
    const stat = statSync(input, { throwIfNoEntry: false });
    if (!stat) throw new SchemawiseError(`${input}: no such file or directory`);
    return stat.isDirectory() ? 'folder' : 'file';
  });
  const info = new Map<string, MigrationFileInfo>();

  if (kinds.includes('folder')) {
    if (inputs.length > 1) throw new SchemawiseError('give one migrations folder, or .sql files, not both or several folders');
    const folder = readMigrationFolder(inputs[0]);
    const since = options.since === undefined ? undefined : sinceVersion(options.since);
    const isEarlier = (m: { version: string; repeatable?: boolean }) => since !== undefined && !m.repeatable && compareVersions(m.version, since) <= 0;
    const earlier = folder.migrations.filter(isEarlier);
    const linted = folder.migrations.filter((m) => !isEarlier(m));
    // Only dbmate's reader cuts the file (to its up part): its directives are in the rest.
    for (const m of linted) info.set(m.file, fileInfo(m.file, folder.convention, folder.convention === 'dbmate' ? readTextFile(m.file) : m.sql));
    const after = since === undefined ? '' : ` after version ${options.since} (${plural(earlier.length, 'earlier one')} as the starting schema)`;
    return {
      previous: [...previous, ...earlier.map((m) => ({ file: m.file, sql: m.sql }))],
      files: linted.map((m) => ({ file: m.file, sql: m.sql })),
      info,
      description: `${inputs[0]} (${folder.convention}): ${linted.length ? plural(linted.length, 'migration') : 'no migration'} to lint${after}`,
    };
  }

  if (options.since !== undefined) throw new SchemawiseError('--since needs a migrations folder; with .sql files, give the earlier schema with --schema-from');
  const files = inputs.map((file) => {
    const text = readTextFile(file);
    const convention = fileConvention(file, text);
    info.set(file, fileInfo(file, convention, text));
    // A dbmate file holds its down part too: only the up part is applied.
    return { file, sql: convention === 'dbmate' ? dbmateUpSection(text) : text };
  });
  return { previous, files, info, description: `${plural(files.length, 'file')} to lint as migrations${previous.length ? `, after ${options.schemaFrom!.join(', ')}` : ''}` };
}

/** The convention a file's name (or dbmate marker) shows, for how its tool runs it. */
function fileConvention(file: string, text: string): MigrationConvention | undefined {
  if (path.basename(file) === 'migration.sql' && parsePrismaDirName(path.basename(path.dirname(file)))) return 'prisma';
  const parsed = parseMigrationFileName(path.basename(file));
  if (hasDbmateUpDirective(text)) return 'dbmate';
  return parsed?.convention;
}

function fileInfo(file: string, convention: MigrationConvention | undefined, text: string): MigrationFileInfo {
  if (convention !== 'flyway') return { convention, text };
  const conf = `${file}.conf`;
  return { convention, text, ...(statSync(conf, { throwIfNoEntry: false })?.isFile() && { flywayConf: readTextFile(conf) }) };
}

function sinceVersion(since: string): string {
  if (!/^\d+([._]\d+)*$/.test(since)) {
    throw new SchemawiseError(`--since ${since}: expected a migration version, the digits a migration's name starts with (0005, 1.2, 20240101120000)`);
  }
  return since.replace(/_/g, '.');
}

/** --schema-from: files and folders as SQL; a database as the DDL of its schema. */
async function schemaFrom(inputs: string[]): Promise<SqlSource[]> {
  const sources: SqlSource[] = [];
  for (const input of inputs) {
    if (isDatabaseUrl(input)) {
      const { database } = await loadSchema([input]);
      sources.push({ file: input.replace(/\/\/[^@/]*@/, '//'), sql: toDDL(database) });
    } else sources.push(...readSqlInput(input).scripts);
  }
  return sources;
}
