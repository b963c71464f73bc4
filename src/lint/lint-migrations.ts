import { didYouMean } from '../did-you-mean.js';
import { SchemawiseError } from '../errors.js';
import type { SqlSource } from '../load/load-schema.js';
import { foldStatement } from '../load/fold-statement.js';
import { SchemaBuilder } from '../load/schema-builder.js';
import type { MigrationConvention } from '../migrations/read-migration-folder.js';
import { initNormalizer } from '../model/normalize.js';
import { qualifiedName } from '../model/quote-ident.js';
import { sortModel } from '../model/sort-model.js';
import type { Database, QualifiedName, Span } from '../model/types.js';
import { initParser, parseStatements, type Note, type ParsedStatement } from '../parse/parse-script.js';
import { DEFAULT_CONFIG, settingFor, type Config } from './config.js';
import { suppressFindings } from './suppress-findings.js';
import { collectIgnores, matchIgnore, type Ignore } from './ignores.js';
import { MIGRATION_RULES } from './migration-rules/index.js';
import type { LockLevel, MigrationRule, StatementLock } from './migration-types.js';
import { review, sortFindings } from './review.js';
import { RULES } from './rules/index.js';
import { isConcurrentReindex, lockRank, statementLocks } from './statement-locks.js';
import type { Finding, Rule, Severity } from './types.js';

export const DEFAULT_PG_VERSION = 15;
/** The PostgreSQL major versions the rules know about. */
export const PG_VERSIONS = { min: 10, max: 18 } as const;

const UNUSED_IGNORE = 'unused-ignore';

/**
 * The review rules `migrate lint` applies to what a migration adds: a column's type is as hard
 * to change later as a lock is to take now. `unused-ignore` judges the files' ignore comments.
 */
export const MIGRATION_REVIEW_RULES: readonly Rule<any>[] = RULES.filter((r) => r.meta.category === 'types' || r.id === 'identifier-too-long' || r.id === UNUSED_IGNORE);

export interface LintMigrationsInput {
  /** Migrations applied before the linted ones, in order: the schema they build is the starting point. */
  previous?: SqlSource[];
  /** The migration files to lint, in apply order; each is one migration. */
  files: SqlSource[];
  rules: readonly MigrationRule<any>[];
  /**
   * Review rules run over the schema the migrations build, keeping the findings located in the
   * linted files (what they add). None by default; the CLI passes MIGRATION_REVIEW_RULES.
   */
  reviewRules?: readonly Rule<any>[];
  pgVersion?: number;
  config?: Config;
  /**
   * Whether a file runs inside one transaction (see `runsInTransaction` for each tool's
   * convention); true by default.
   */
  transactional?: (file: SqlSource, statements: readonly ParsedStatement[]) => boolean;
}

export interface LintMigrationsResult {
  findings: Finding[];
  /** Findings hidden by ignore comments or `ignoreTables`. */
  suppressed: number;
  /** What the loader could not model in the linted files (an ALTER of a table no migration created, a DO block). */
  notes: Note[];
  /** Rules that ran: statement rules, then review rules. */
  ran: string[];
}

const key = (qn: QualifiedName) => `${qn.schema}\u0000${qn.name}`;

/** A `--pg-version` the rules know about, or an error that says which ones they do. */
export function checkPgVersion(version: number): number {
  if (!Number.isInteger(version) || version < PG_VERSIONS.min || version > PG_VERSIONS.max) {
    throw new SchemawiseError(`PostgreSQL version ${version}: expected a major version from ${PG_VERSIONS.min} to ${PG_VERSIONS.max}, e.g. 15`);
  }
  return version;
}

/** Runs the statement rules over each migration file, statement by statement, with the schema as it stands. */
export async function lintMigrations(input: LintMigrationsInput): Promise<LintMigrationsResult> {
  await initParser();
  const config = input.config ?? DEFAULT_CONFIG;
  const pgVersion = checkPgVersion(input.pgVersion ?? DEFAULT_PG_VERSION);
  const enabled = input.rules.flatMap((rule) => {
    const { severity, options } = settingFor(rule, config);
    return severity === 'off' ? [] : [{ rule, severity, options }];
  });

  const b = new SchemaBuilder();
  for (const { file, sql } of input.previous ?? []) {
    const into = { notes: b.notes, skipped: 0 };
    for (const st of parseStatements(file, sql, into)) foldStatement(b, st);
  }

  const findings: Finding[] = [];
  const ignores: Ignore[] = [];
  /** Objects an earlier file defined and a linted statement retypes or renames: what it decides about them is its own. */
  const decided = new Map<string, Span>();
  const notesFrom = b.notes.length;
  for (const source of input.files) {
    const statements: ParsedStatement[] = [...parseStatements(source.file, source.sql, { notes: b.notes, skipped: 0 }, { all: true })];
    ignores.push(...collectIgnores(source.file, source.sql));
    const created = new Set<string>();
    const reported = new Set<string>();
    const tx = new TransactionState(input.transactional?.(source, statements) ?? true);
    const held = new Map<string, LockLevel>();

    statements.forEach((statement, index) => {
      const qualify = (rangeVar: { schemaname?: string; relname: string }) => b.qualify(rangeVar);
      const locks = statementLocks(statement, { database: b.db, qualify, pgVersion });
      for (const { rule, severity, options } of enabled) {
        try {
          rule.check({
            statement,
            statements,
            index,
            file: source.file,
            options,
            pgVersion,
            database: b.db,
            qualify,
            table: (qn) => b.table(qn),
            isNew: (qn) => created.has(key(qn)),
            inTransaction: tx.inTransaction,
            inExplicitTransaction: tx.explicit,
            runnerTransaction: tx.runner,
            locks,
            heldLock: (qn) => held.get(key(qn)),
            reportedInFile: reported.has(rule.id),
            lockTimeoutSet: tx.isSet('lock_timeout'),
            statementTimeoutSet: tx.isSet('statement_timeout'),
            report: (r) => {
              reported.add(rule.id);
              const table = r.table ?? tableOf(b.db, r.object);
              findings.push({
                ruleId: rule.id,
                severity,
                category: 'migrations',
                message: r.message,
                object: r.object ?? '',
                ...(table && { table }),
                location: r.span ?? statement.span,
                help: r.help,
                ...(r.fix && { fix: r.fix }),
              });
            },
          });
        } catch (error) {
          throw new Error(`rule ${rule.id} failed on ${statement.span.file}:${statement.span.line}: ${(error as Error).message}`, { cause: error });
        }
      }

      if (tx.inTransaction) holdLocks(held, locks, renamedRelation(b, statement));
      tx.after(statement);
      // Outside a transaction every statement releases its locks as it ends.
      if (!tx.inTransaction) held.clear();
      for (const object of decidedBy(b, statement)) decided.set(object, statement.span);
      const renamed = renamedNew(b, statement, created);
      for (const qn of createdBy(b, statement)) created.add(key(qn));
      foldStatement(b, statement);
      if (renamed) created.add(key(renamed));
    });
  }

  const linted = new Set(input.files.map((f) => f.file));
  const reviewRules = (input.reviewRules ?? []).filter((r) => r.id !== UNUSED_IGNORE);
  const ran = enabled.map((e) => e.rule.id);
  if (reviewRules.length) {
    await initNormalizer();
    // A copy: rules cache per-model lookups (tablesOf), and this model changed under them.
    const database = sortModel(structuredClone(b.db));
    // ignoreTables is applied below, to the findings in the linted files only.
    const reviewed = review({ database, config: { ...config, ignoreTables: [] }, rules: reviewRules });
    for (const f of reviewed.findings) {
      if (f.location && linted.has(f.location.file)) findings.push(f);
      else if (decided.has(f.object)) findings.push({ ...f, location: decided.get(f.object) });
    }
    ran.push(...reviewed.ran);
  }

  const { kept, suppressed } = suppressFindings(findings, config, ignores);
  kept.push(...unusedIgnores(input, config, ignores, ran));

  const notes = b.notes.slice(notesFrom).filter((note) => note.span && linted.has(note.span.file));
  return { findings: sortFindings(kept), suppressed, notes, ran };
}

/**
 * Where the session stands: the migration tool's transaction around the file, an explicit
 * BEGIN, and the lock and statement timeouts set so far.
 */
class TransactionState {
  explicit = false;
  private readonly session = new Map<string, boolean>();
  private readonly local = new Map<string, boolean>();
  constructor(public runner: boolean) {}

  get inTransaction(): boolean {
    return this.runner || this.explicit;
  }

  isSet(name: string): boolean {
    return this.local.get(name) ?? this.session.get(name) ?? false;
  }

  after(statement: ParsedStatement): void {
    const n = statement.node;
    switch (statement.type) {
      case 'TransactionStmt':
        // A second BEGIN is only a warning in PostgreSQL: blocks do not nest, one COMMIT ends them all.
        if (n.kind === 'TRANS_STMT_BEGIN' || n.kind === 'TRANS_STMT_START') this.explicit = true;
        else if (['TRANS_STMT_COMMIT', 'TRANS_STMT_ROLLBACK', 'TRANS_STMT_PREPARE'].includes(n.kind)) {
          // Ends the tool's transaction too: what follows runs statement by statement.
          this.explicit = false;
          this.runner = false;
          this.local.clear();
        }
        break;
      case 'VariableSetStmt':
        if (n.kind === 'VAR_RESET_ALL') {
          this.session.clear();
          this.local.clear();
        } else if (n.name) this.set(n.name, n.kind === 'VAR_SET_VALUE' && !isZero(n.args?.[0]), !!n.is_local);
        break;
      case 'SelectStmt':
        for (const target of n.targetList ?? []) {
          const call = target.ResTarget?.val?.FuncCall;
          const [name, value, local] = call?.args ?? [];
          const fn = call?.funcname?.map((f: any) => f.String?.sval).join('.');
          if ((fn === 'set_config' || fn === 'pg_catalog.set_config') && name?.A_Const?.sval) {
            this.set(name.A_Const.sval.sval, !isZero(value), local?.A_Const?.boolval?.boolval === true);
          }
        }
        break;
      case 'DiscardStmt':
        if (n.target === 'DISCARD_ALL') this.session.clear();
        break;
    }
  }

  /** SET LOCAL lasts until the transaction ends and does nothing outside one (PostgreSQL only warns). */
  private set(name: string, on: boolean, local: boolean): void {
    if (name !== 'lock_timeout' && name !== 'statement_timeout') return;
    if (!local) {
      this.session.set(name, on);
      this.local.delete(name);
    } else if (this.inTransaction) this.local.set(name, on);
  }
}

/** `0`, `'0'`, `'0s'`: a timeout of zero turns the protection off. */
function isZero(arg: any): boolean {
  const c = arg?.A_Const;
  if (!c) return false;
  if (c.ival !== undefined) return (c.ival.ival ?? 0) === 0;
  if (c.sval) return /^\s*0+\s*(ms|s|min|h|d)?\s*$/i.test(c.sval.sval);
  return false;
}

/** The table a finding's object is, or belongs to (`schema.table` or `schema.table.column`, quoted or not). */
function tableOf(db: Database, object: string | undefined): string | undefined {
  if (!object) return undefined;
  for (const schema of db.schemas) {
    for (const table of schema.tables) {
      for (const name of [`${schema.name}.${table.name}`, qualifiedName(schema.name, table.name)]) {
        if (object === name || object.startsWith(`${name}.`)) return `${schema.name}.${table.name}`;
      }
    }
  }
  return undefined;
}

/**
 * The objects (`schema.table.column`, `schema.table`) a statement gives a new type or name, as
 * review's findings name them: `ALTER COLUMN … TYPE`, `RENAME COLUMN`, `RENAME TO`.
 */
function decidedBy(b: SchemaBuilder, st: ParsedStatement): string[] {
  const n = st.node;
  if (st.type === 'AlterTableStmt' && n.objtype === 'OBJECT_TABLE') {
    const t = b.qualify(n.relation);
    return (n.cmds ?? []).flatMap((c: any) => (c.AlterTableCmd?.subtype === 'AT_AlterColumnType' ? [`${t.schema}.${t.name}.${c.AlterTableCmd.name}`] : []));
  }
  if (st.type === 'RenameStmt' && n.relation && n.newname) {
    const t = b.qualify(n.relation);
    if (n.renameType === 'OBJECT_COLUMN') return [`${t.schema}.${t.name}.${n.newname}`];
    if (n.renameType === 'OBJECT_TABLE') return [`${t.schema}.${n.newname}`];
  }
  return [];
}

/** Keeps the statement's locks until the transaction ends; a renamed relation keeps its locks under the new name. */
function holdLocks(held: Map<string, LockLevel>, locks: readonly StatementLock[], rename: { from: QualifiedName; to: QualifiedName } | undefined): void {
  for (const { relation, mode } of locks) {
    const before = held.get(key(relation));
    if (!before || lockRank(mode) > lockRank(before)) held.set(key(relation), mode);
  }
  const lock = rename && held.get(key(rename.from));
  if (lock) held.set(key(rename.to), lock);
}

/** The relation an `ALTER … RENAME TO` renames (not a column or constraint rename). */
function renamedRelation(b: SchemaBuilder, st: ParsedStatement): { from: QualifiedName; to: QualifiedName } | undefined {
  if (st.type !== 'RenameStmt' || !st.node.relation || !st.node.newname || st.node.renameType === 'OBJECT_COLUMN' || st.node.renameType === 'OBJECT_TABCONSTRAINT') return undefined;
  const from = b.qualify(st.node.relation);
  return { from, to: { schema: from.schema, name: st.node.newname } };
}

/** The relations a statement creates, qualified as PostgreSQL will name them. */
function createdBy(b: SchemaBuilder, st: ParsedStatement): QualifiedName[] {
  const n = st.node;
  switch (st.type) {
    case 'CreateStmt':
      return [b.qualify(n.relation, true)];
    case 'CreateTableAsStmt':
      return [b.qualify(n.into.rel, true)];
    case 'ViewStmt':
      return [b.qualify(n.view, true)];
    case 'CreateSeqStmt':
      return [b.qualify(n.sequence, true)];
    case 'IndexStmt':
      // An index lives in its table's schema; an index on a new table is new too.
      return n.idxname ? [{ schema: b.qualify(n.relation).schema, name: n.idxname }] : [];
    default:
      return [];
  }
}

/** A new relation renamed stays new under its new name (resolved before the rename is folded). */
function renamedNew(b: SchemaBuilder, st: ParsedStatement, created: Set<string>): QualifiedName | undefined {
  const rename = renamedRelation(b, st);
  return rename && created.has(key(rename.from)) ? rename.to : undefined;
}

/**
 * Ignore comments that hid nothing, or name a rule that does not exist, as `unused-ignore`
 * findings, when that rule is among the review rules and enabled. An ignore of a rule that did
 * not run (a review-only rule, or one left out by the caller) is not judged.
 */
function unusedIgnores(input: LintMigrationsInput, config: Config, ignores: Ignore[], ran: string[]): Finding[] {
  const rule = input.reviewRules?.find((r) => r.id === UNUSED_IGNORE);
  if (!rule) return [];
  const severity = settingFor(rule, config).severity;
  if (severity === 'off') return [];
  const known = new Set([...RULES, ...MIGRATION_RULES].map((r) => r.id));
  const everyRule = [...MIGRATION_RULES, ...MIGRATION_REVIEW_RULES].filter((r) => r.id !== UNUSED_IGNORE);
  // A bare ignore can only be judged when every rule of migrate lint ran.
  const allRan = everyRule.every((r) => ran.includes(r.id) || settingFor(r, config).severity === 'off');
  const out: Finding[] = [];
  for (const ignore of ignores) {
    const unknown = ignore.rules.filter((id) => !known.has(id));
    const unused = ignore.rules.length
      ? ignore.rules.filter((id) => known.has(id) && id !== UNUSED_IGNORE && ran.includes(id) && !ignore.used.has(id))
      : ignore.used.size || !allRan ? [] : ['any rule'];
    const problems = [...unknown.map((id) => `unknown rule "${id}"${didYouMean(id, known)}`), ...unused.map((id) => `nothing to ignore for ${id}`)];
    if (problems.length && !matchIgnore(ignores.filter((i) => i !== ignore), UNUSED_IGNORE, ignore.span)) {
      out.push(unusedIgnoreFinding(ignore.span, problems, severity, ignore.file));
    }
  }
  return out;
}

function unusedIgnoreFinding(span: Span, problems: string[], severity: Severity, file: string): Finding {
  return {
    ruleId: UNUSED_IGNORE,
    severity,
    category: 'operations',
    message: `schemawise-ignore: ${problems.join('; ')}`,
    object: file,
    location: span,
    help: 'Remove the ignore, or fix the rule id: an ignore that matches nothing hides nothing today and may hide a real finding later.',
  };
}

/** How a migration tool runs one file, as `runsInTransaction` needs to know it. */
export interface MigrationFileInfo {
  /** The folder's convention, or what the file's name says; undefined for a plain script (`psql -f`). */
  convention: MigrationConvention | undefined;
  /** The whole file as written (directives such as dbmate's `transaction:false` live outside the up part). */
  text: string;
  /** Flyway's script configuration (`V1__x.sql.conf`), when there is one. */
  flywayConf?: string;
}

/**
 * Whether the tool that applies migrations of this convention runs the file inside one transaction:
 * - golang-migrate and Prisma send the file as one multi-statement query, which PostgreSQL runs
 *   as one implicit transaction when it holds more than one statement;
 * - Flyway wraps each migration in a transaction, unless `executeInTransaction=false` in its
 *   script configuration, or every statement is one PostgreSQL refuses to run in one (Flyway
 *   detects CREATE/DROP INDEX CONCURRENTLY, VACUUM, … and runs such a migration without);
 * - dbmate wraps each migration, unless `-- migrate:up transaction:false`;
 * - drizzle runs all pending migrations in one transaction;
 * - numbered files (goose, sqlx, …) are wrapped unless they say `-- +goose NO TRANSACTION` or `-- no-transaction`;
 * - a plain script, as `psql -f` runs it, commits statement by statement.
 */
export function runsInTransaction(info: MigrationFileInfo, statements: readonly ParsedStatement[]): boolean {
  switch (info.convention) {
    case 'golang-migrate':
    case 'prisma':
      return statements.length > 1;
    case 'flyway':
      if (/^\s*executeInTransaction\s*=\s*false\s*$/m.test(info.flywayConf ?? '')) return false;
      return !(statements.length && statements.every(cannotRunInTransaction));
    case 'dbmate':
      return !/^--\s*migrate:up\b.*\btransaction:false\b/m.test(info.text);
    case 'drizzle':
      return true;
    case 'numbered':
      return !/^--\s*(\+goose\s+NO\s+TRANSACTION|no-transaction)\s*$/im.test(info.text);
    default:
      return false;
  }
}

/** Statements PostgreSQL refuses inside a transaction block (PreventInTransactionBlock). */
export function cannotRunInTransaction(statement: ParsedStatement): boolean {
  const n = statement.node;
  switch (statement.type) {
    case 'IndexStmt':
    case 'DropStmt':
      return !!n.concurrent;
    case 'ReindexStmt':
      return isConcurrentReindex(n) || n.kind === 'REINDEX_OBJECT_SCHEMA' || n.kind === 'REINDEX_OBJECT_DATABASE' || n.kind === 'REINDEX_OBJECT_SYSTEM';
    case 'VacuumStmt':
      return !!n.is_vacuumcmd;
    case 'CreatedbStmt':
    case 'DropdbStmt':
    case 'CreateTableSpaceStmt':
    case 'DropTableSpaceStmt':
    case 'AlterSystemStmt':
      return true;
    case 'AlterTableStmt':
      return (n.cmds ?? []).some((c: any) => c.AlterTableCmd?.subtype === 'AT_DetachPartition' && c.AlterTableCmd.def?.PartitionCmd?.concurrent);
    default:
      return false;
  }
}
