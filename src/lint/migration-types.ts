import type { Database, QualifiedName, Span, Table } from '../model/types.js';
import type { ParsedStatement } from '../parse/parse-script.js';
import type { Fix, OptionValue, Severity } from './types.js';

/**
 * Statement-level rules for `schemawise migrate lint`: each judges one statement of a
 * migration file against what came before it (earlier migrations and earlier statements of
 * the same file), the transaction state, the session settings and the target PostgreSQL version.
 */

/** Locks PostgreSQL takes, weakest first (https://www.postgresql.org/docs/current/explicit-locking.html). */
export type LockLevel =
  | 'ACCESS SHARE'
  | 'ROW SHARE'
  | 'ROW EXCLUSIVE'
  | 'SHARE UPDATE EXCLUSIVE'
  | 'SHARE'
  | 'SHARE ROW EXCLUSIVE'
  | 'EXCLUSIVE'
  | 'ACCESS EXCLUSIVE';

/** A lock a statement takes on a relation (table, index, view, sequence), as the runner's lock table knows it. */
export interface StatementLock {
  relation: QualifiedName;
  kind: 'table' | 'index' | 'view' | 'sequence';
  mode: LockLevel;
}

/**
 * An example migration for the docs and the meta-test; a string runs at the default version,
 * in a file the migration tool runs in one transaction (the runner's default).
 * A line `---` splits it: above, earlier migrations (the schema as it stands); below, the
 * migration linted. Without one the whole example is the migration.
 * `transactional: false`: the file runs statement by statement (dbmate `transaction:false`, `psql -f`).
 */
export type MigrationExample = string | { sql: string; pgVersion?: number; transactional?: boolean };

export interface MigrationRuleMeta<O extends Record<string, OptionValue>> {
  category: 'migrations';
  severity: Severity;
  description: string;
  /** PostgreSQL behaviour: the lock taken, what it blocks, the rewrite or scan, the safe way. Markdown. */
  rationale: string;
  /** Each example is one migration file; every line that must be reported ends with `-- flagged`. */
  invalid: MigrationExample[];
  /** Migrations that must produce no finding (include the context-aware ones: new tables, new versions). */
  valid: MigrationExample[];
  options?: O;
  optionDocs?: { [K in keyof O]: string };
  optionChoices?: { [K in keyof O]?: readonly string[] };
}

export interface MigrationReport {
  message: string;
  /** Defaults to the statement's position. */
  span?: Span;
  /** The object concerned: `schema.table`, `schema.table.column`, `schema.index`. */
  object?: string;
  /**
   * `schema.table` the object belongs to, for the config's `ignoreTables`; found from `object`
   * when it names a table or a table's column.
   */
  table?: string;
  /** The lock taken and what it blocks, then the safe rewrite. */
  help: string;
  /**
   * The statement rewritten: SQL that takes its place in the migration (and may add statements
   * before or after it) and builds the same schema. A rewrite that leaves steps to later
   * migrations (backfill, VALIDATE) says so in `--` comment lines.
   */
  fix?: Fix;
}

export interface MigrationContext<O> {
  /** The statement judged (every statement is parsed, including BEGIN, SET, VACUUM, TRUNCATE). */
  statement: ParsedStatement;
  /** All statements of the file, and the index of this one. */
  statements: readonly ParsedStatement[];
  index: number;
  file: string;
  options: O;
  /** The PostgreSQL major version the migration targets (`--pg-version`, default 15). */
  pgVersion: number;
  /** The schema just before this statement: earlier migrations and earlier statements of this file folded in. */
  database: Database;
  /** A RangeVar (`{ schemaname?, relname }`) resolved on the search_path as it stands. */
  qualify(rangeVar: { schemaname?: string; relname: string }): QualifiedName;
  /** The table as it stands before this statement, if the model knows it. */
  table(qn: QualifiedName): Table | undefined;
  /**
   * Whether the relation (table, index, view, sequence) was created earlier in this same file:
   * no other session can see it yet when the file runs in one transaction, and it holds no rows,
   * so its locks and rewrites harm no one.
   */
  isNew(qn: QualifiedName): boolean;
  /** Inside a transaction: an explicit BEGIN still open, or the file run in one (the runner's convention). */
  inTransaction: boolean;
  /** Inside an explicit BEGIN … COMMIT block of this file. */
  inExplicitTransaction: boolean;
  /**
   * The transaction the migration tool opened around the file is still open: the file runs in
   * one and no COMMIT or ROLLBACK of the file has ended it yet.
   */
  runnerTransaction: boolean;
  /** The locks this statement takes on relations, strongest first (DDL and maintenance statements; DML is not listed). */
  locks: readonly StatementLock[];
  /**
   * The strongest lock the open transaction already holds on the relation, from earlier statements
   * of this file: locks are kept until the transaction ends, so a statement that needs no more than
   * that waits for no one, and queues no one behind it.
   */
  heldLock(qn: QualifiedName): LockLevel | undefined;
  /** This rule already reported something in this file (for rules that report once per file). */
  reportedInFile: boolean;
  /**
   * `SET lock_timeout` / `statement_timeout` (or `set_config`) to a non-zero value earlier in the
   * file and still in force: a `SET LOCAL` counts inside a transaction, until it ends.
   */
  lockTimeoutSet: boolean;
  statementTimeoutSet: boolean;
  report(report: MigrationReport): void;
}

export interface MigrationRule<O extends Record<string, OptionValue> = Record<string, OptionValue>> {
  id: string;
  meta: MigrationRuleMeta<O>;
  check(context: MigrationContext<O>): void;
}

/** Typed constructor for a migration rule module: `export default defineMigrationRule({...})`. */
export function defineMigrationRule<O extends Record<string, OptionValue> = Record<string, never>>(rule: MigrationRule<O>): MigrationRule<O> {
  return rule;
}
