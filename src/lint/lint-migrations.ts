import type { SqlSource } from '../load/load-schema.js';
import { foldStatement } from '../load/fold-statement.js';
import { SchemaBuilder } from '../load/schema-builder.js';
import type { QualifiedName } from '../model/types.js';
import { initParser, parseStatements, type ParsedStatement } from '../parse/parse-script.js';
import { DEFAULT_CONFIG, settingFor, type Config } from './config.js';
import { collectIgnores, matchIgnore } from './ignores.js';
import type { MigrationRule } from './migration-types.js';
import type { Finding, Rule } from './types.js';

export const DEFAULT_PG_VERSION = 15;

export interface LintMigrationsInput {
  /** Migrations applied before the linted ones, in order: the schema they build is the starting point. */
  previous?: SqlSource[];
  /** The migration files to lint, in apply order; each is one migration. */
  files: SqlSource[];
  rules: readonly MigrationRule<any>[];
  pgVersion?: number;
  config?: Config;
  /**
   * Whether a file runs inside one transaction. golang-migrate sends a file as one multi-statement
   * query (an implicit transaction), Flyway, dbmate and Prisma wrap each file in one: true by default.
   */
  transactional?: (file: SqlSource) => boolean;
}

export interface LintMigrationsResult {
  findings: Finding[];
  suppressed: number;
}

const key = (qn: QualifiedName) => `${qn.schema}\u0000${qn.name}`;

/** Runs the statement rules over each migration file, statement by statement, with the schema as it stands. */
export async function lintMigrations(input: LintMigrationsInput): Promise<LintMigrationsResult> {
  await initParser();
  const config = input.config ?? DEFAULT_CONFIG;
  const pgVersion = input.pgVersion ?? DEFAULT_PG_VERSION;
  const enabled = input.rules.flatMap((rule) => {
    const { severity, options } = settingFor(rule as unknown as Rule<any>, config);
    return severity === 'off' ? [] : [{ rule, severity, options }];
  });

  const b = new SchemaBuilder();
  for (const { file, sql } of input.previous ?? []) {
    const into = { notes: b.notes, skipped: 0 };
    for (const st of parseStatements(file, sql, into)) foldStatement(b, st);
  }

  const findings: Finding[] = [];
  let suppressed = 0;
  for (const source of input.files) {
    const statements: ParsedStatement[] = [...parseStatements(source.file, source.sql, { notes: b.notes, skipped: 0 }, { all: true })];
    const ignores = collectIgnores(source.file, source.sql);
    const transactional = input.transactional?.(source) ?? true;
    const created = new Set<string>();
    let depth = 0;
    let lockTimeoutSet = false;
    let statementTimeoutSet = false;

    statements.forEach((statement, index) => {
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
            qualify: (rangeVar) => b.qualify(rangeVar),
            table: (qn) => b.table(qn),
            isNew: (qn) => created.has(key(qn)),
            inTransaction: transactional || depth > 0,
            inExplicitTransaction: depth > 0,
            lockTimeoutSet,
            statementTimeoutSet,
            report: (r) => {
              const location = r.span ?? statement.span;
              const finding: Finding = {
                ruleId: rule.id,
                severity,
                category: 'migrations',
                message: r.message,
                object: r.object ?? '',
                location,
                help: r.help,
                ...(r.fix && { fix: r.fix }),
              };
              if (matchIgnore(ignores, rule.id, location)) suppressed++;
              else findings.push(finding);
            },
          });
        } catch (error) {
          throw new Error(`rule ${rule.id} failed on ${statement.span.file}:${statement.span.line}: ${(error as Error).message}`, { cause: error });
        }
      }

      const n = statement.node;
      switch (statement.type) {
        case 'TransactionStmt':
          if (n.kind === 'TRANS_STMT_BEGIN' || n.kind === 'TRANS_STMT_START') depth++;
          else if (['TRANS_STMT_COMMIT', 'TRANS_STMT_ROLLBACK', 'TRANS_STMT_COMMIT_PREPARED', 'TRANS_STMT_ROLLBACK_PREPARED'].includes(n.kind)) depth = Math.max(0, depth - 1);
          break;
        case 'VariableSetStmt': {
          // SET lock_timeout = 0 (or RESET) turns the protection off again.
          const on = n.kind === 'VAR_SET_VALUE' && !isZero(n.args?.[0]);
          if (n.name === 'lock_timeout') lockTimeoutSet = on;
          if (n.name === 'statement_timeout') statementTimeoutSet = on;
          break;
        }
      }
      const renamed = renamedNew(b, statement, created);
      for (const qn of createdBy(b, statement)) created.add(key(qn));
      foldStatement(b, statement);
      if (renamed) created.add(key(renamed));
    });
  }
  return { findings, suppressed };
}

function isZero(arg: any): boolean {
  const c = arg?.A_Const;
  if (!c) return false;
  if (c.ival !== undefined) return (c.ival.ival ?? 0) === 0;
  if (c.sval) return /^\s*0\s*(ms|s|min|h|d)?\s*$/i.test(c.sval.sval);
  return false;
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
  if (st.type !== 'RenameStmt' || !st.node.relation || !st.node.newname) return undefined;
  const old = b.qualify(st.node.relation);
  if (!created.has(key(old)) || st.node.renameType === 'OBJECT_COLUMN' || st.node.renameType === 'OBJECT_TABCONSTRAINT') return undefined;
  return { schema: old.schema, name: st.node.newname };
}
