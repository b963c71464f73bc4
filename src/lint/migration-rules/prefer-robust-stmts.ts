import { qualifiedName, quoteIdent } from '../../model/quote-ident.js';
import type { QualifiedName } from '../../model/types.js';
import { byteOffsetMapper } from '../../parse/source-positions.js';
import type { ParsedStatement } from '../../parse/parse-script.js';
import { defineMigrationRule, type MigrationContext } from '../migration-types.js';
import { droppedName } from '../statement-locks.js';

interface Fragility {
  message: string;
  object: string;
  /** The statement rewritten to succeed when run again; absent when there is no such form. */
  sql?: string;
}

const TRANSACTION_END = ['TRANS_STMT_COMMIT', 'TRANS_STMT_PREPARE'];
/** DROP kinds whose `IF EXISTS` goes right after the object keyword. */
const DROP_KEYWORDS: Record<string, string> = {
  OBJECT_TABLE: 'table',
  OBJECT_INDEX: 'index',
  OBJECT_VIEW: 'view',
  OBJECT_MATVIEW: 'materialized\\s+view',
  OBJECT_SEQUENCE: 'sequence',
  OBJECT_SCHEMA: 'schema',
  OBJECT_TYPE: 'type',
  OBJECT_DOMAIN: 'domain',
  OBJECT_EXTENSION: 'extension',
  OBJECT_FUNCTION: 'function',
  OBJECT_PROCEDURE: 'procedure',
  OBJECT_TRIGGER: 'trigger',
  OBJECT_FOREIGN_TABLE: 'foreign\\s+table',
};

const name = (qn: QualifiedName) => qualifiedName(qn.schema, qn.name);
const object = (qn: QualifiedName) => `${qn.schema}.${qn.name}`;
/** Inserts `words` after the leading keywords `pattern` matches; undefined when they do not match. */
function insertAfter(text: string, pattern: RegExp, words: string): string | undefined {
  const match = pattern.exec(text);
  return match ? `${text.slice(0, match[0].length)} ${words}${text.slice(match[0].length)};` : undefined;
}

/**
 * The reason a statement fails (or duplicates its work) when the migration is run a second time,
 * with its rerunnable form when there is one.
 */
function fragility(ctx: MigrationContext<Record<string, never>>): Fragility | undefined {
  const { statement, statements, index, qualify, pgVersion } = ctx;
  const n = statement.node;
  const text = statement.text.trim();
  switch (statement.type) {
    case 'CreateStmt': {
      // Temporary tables go with the session that failed: a rerun starts without them.
      if (n.if_not_exists || n.relation.relpersistence === 't') return undefined;
      const qn = qualify(n.relation);
      return { message: `CREATE TABLE ${name(qn)} fails when the migration is run again: the table exists`, object: object(qn), sql: insertAfter(text, /^create\s+(?:unlogged\s+)?table\b/i, 'IF NOT EXISTS') };
    }
    case 'CreateTableAsStmt': {
      if (n.if_not_exists || n.into?.rel?.relpersistence === 't') return undefined;
      const qn = qualify(n.into.rel);
      return {
        message: `CREATE ${n.objtype === 'OBJECT_MATVIEW' ? 'MATERIALIZED VIEW' : 'TABLE'} ${name(qn)} … AS fails when the migration is run again: it exists`,
        object: object(qn),
        sql: insertAfter(text, /^create\s+(?:unlogged\s+)?(?:table|materialized\s+view)\b/i, 'IF NOT EXISTS'),
      };
    }
    case 'CreateSeqStmt':
    case 'CreateSchemaStmt':
    case 'CreateExtensionStmt': {
      if (n.if_not_exists) return undefined;
      const [label, what, pattern] =
        statement.type === 'CreateSeqStmt'
          ? ['CREATE SEQUENCE', object(qualify(n.sequence)), /^create\s+(?:unlogged\s+)?sequence\b/i]
          : statement.type === 'CreateSchemaStmt'
            ? ['CREATE SCHEMA', n.schemaname ?? '', /^create\s+schema\b/i]
            : ['CREATE EXTENSION', n.extname, /^create\s+extension\b/i];
      return { message: `${label} ${what} fails when the migration is run again: it exists`, object: what, sql: insertAfter(text, pattern, 'IF NOT EXISTS') };
    }
    case 'IndexStmt': {
      const table = qualify(n.relation);
      if (!n.idxname) {
        return { message: `CREATE INDEX without a name on ${name(table)} builds a second, identical index when the migration is run again`, object: object(table) };
      }
      const qn = { schema: table.schema, name: n.idxname };
      if (n.concurrent) {
        // A failed concurrent build leaves an INVALID index: IF NOT EXISTS would keep it, so drop it first.
        if (droppedEarlier(statements, index, qn, ctx)) return undefined;
        return {
          message: n.if_not_exists
            ? `CREATE INDEX CONCURRENTLY IF NOT EXISTS ${name(qn)} keeps the INVALID index a failed build leaves behind`
            : `CREATE INDEX CONCURRENTLY ${name(qn)} fails when run again after a failed build: the INVALID index it leaves exists`,
          object: object(qn),
          sql: `DROP INDEX CONCURRENTLY IF EXISTS ${name(qn)};\n${text.replace(/;?$/, ';')}`,
        };
      }
      if (n.if_not_exists) return undefined;
      return { message: `CREATE INDEX ${name(qn)} fails when the migration is run again: the index exists`, object: object(qn), sql: insertAfter(text, /^create\s+(?:unique\s+)?index\b/i, 'IF NOT EXISTS') };
    }
    case 'ViewStmt':
    case 'CreateFunctionStmt': {
      if (n.replace) return undefined;
      const [label, what] = statement.type === 'ViewStmt' ? ['VIEW', object(qualify(n.view))] : [n.is_procedure ? 'PROCEDURE' : 'FUNCTION', (n.funcname ?? []).map((f: any) => f.String?.sval).join('.')];
      return { message: `CREATE ${label} ${what} fails when the migration is run again: it exists`, object: what, sql: insertAfter(text, /^create\b/i, 'OR REPLACE') };
    }
    case 'CreateTrigStmt': {
      if (n.replace) return undefined;
      const table = qualify(n.relation);
      return {
        message: `CREATE TRIGGER ${quoteIdent(n.trigname)} on ${name(table)} fails when the migration is run again: the trigger exists`,
        object: `${object(table)}.${n.trigname}`,
        // CREATE OR REPLACE TRIGGER arrived in PostgreSQL 14.
        ...(pgVersion >= 14 && { sql: insertAfter(text, /^create\b/i, 'OR REPLACE') }),
      };
    }
    case 'DropStmt': {
      if (n.missing_ok) return undefined;
      const keyword = DROP_KEYWORDS[n.removeType];
      const what = dropTarget(n.objects?.[0], qualify);
      return {
        message: `DROP ${n.removeType.replace(/^OBJECT_/, '').replace('MATVIEW', 'MATERIALIZED VIEW').replace(/_/g, ' ')} ${what} fails when the migration is run again: it is gone`,
        object: what,
        sql: keyword ? insertAfter(text, new RegExp(`^drop\\s+${keyword}(?:\\s+concurrently)?\\b`, 'i'), 'IF EXISTS') : undefined,
      };
    }
    case 'AlterTableStmt':
      return alterTableFragility(statement, qualify(n.relation), ctx);
    default:
      return undefined;
  }
}

/** ADD COLUMN, DROP COLUMN, DROP CONSTRAINT without IF [NOT] EXISTS; ADD CONSTRAINT not preceded by its DROP … IF EXISTS. */
function alterTableFragility(statement: ParsedStatement, table: QualifiedName, ctx: MigrationContext<Record<string, never>>): Fragility | undefined {
  const problems: string[] = [];
  const insertions: { at: number; text: string }[] = [];
  let prelude = '';
  let fixable = true;
  const toChar = byteOffsetMapper(statement.text);
  const start = statement.text.length - statement.text.trimStart().length;
  for (const { AlterTableCmd: cmd } of statement.node.cmds ?? []) {
    const column = cmd?.def?.ColumnDef;
    switch (cmd?.subtype) {
      case 'AT_AddColumn':
        if (cmd.missing_ok) break;
        problems.push(`ADD COLUMN ${quoteIdent(column.colname)} fails: the column exists`);
        // `ADD [COLUMN] IF NOT EXISTS name`: the clause goes right before the column's name.
        if (column.location >= 0) insertions.push({ at: toChar(column.location) - start, text: 'IF NOT EXISTS ' });
        else fixable = false;
        break;
      case 'AT_DropColumn':
        if (cmd.missing_ok) break;
        problems.push(`DROP COLUMN ${quoteIdent(cmd.name)} fails: the column is gone`);
        fixable = false;
        break;
      case 'AT_DropConstraint':
        if (cmd.missing_ok) break;
        problems.push(`DROP CONSTRAINT ${quoteIdent(cmd.name)} fails: the constraint is gone`);
        fixable = false;
        break;
      case 'AT_AddConstraint': {
        const constraint = cmd.def?.Constraint;
        if (!constraint?.conname) {
          problems.push(`ADD ${constraintKind(constraint?.contype)} without a name ${constraint?.contype === 'CONSTR_PRIMARY' ? 'fails: the key exists' : 'adds a second copy under another name'}`);
          fixable = false;
        } else if (!constraintDroppedEarlier(ctx, table, constraint.conname)) {
          problems.push(`ADD CONSTRAINT ${quoteIdent(constraint.conname)} fails: the constraint exists`);
          prelude += `ALTER TABLE ${qualifiedName(table.schema, table.name)} DROP CONSTRAINT IF EXISTS ${quoteIdent(constraint.conname)};\n`;
        }
        break;
      }
    }
  }
  if (!problems.length) return undefined;
  let text = statement.text.trim();
  for (const { at, text: words } of insertions.sort((a, b) => b.at - a.at)) text = `${text.slice(0, at)}${words}${text.slice(at)}`;
  return {
    message: `ALTER TABLE ${qualifiedName(table.schema, table.name)} when the migration is run again: ${problems.join('; ')}`,
    object: object(table),
    ...(fixable && { sql: `${prelude}${text.replace(/;?$/, ';')}` }),
  };
}

/** How a DROP names its (first) object: a relation, a schema or extension, a type, a routine. */
function dropTarget(first: any, qualify: MigrationContext<Record<string, never>>['qualify']): string {
  if (first?.List) {
    const qn = droppedName(first, { qualify });
    return qn ? object(qn) : '';
  }
  const names = first?.TypeName?.names ?? first?.ObjectWithArgs?.objname;
  return first?.String?.sval ?? (names ?? []).map((s: any) => s.String?.sval).join('.');
}

function constraintKind(contype: string | undefined): string {
  return { CONSTR_CHECK: 'CHECK', CONSTR_FOREIGN: 'FOREIGN KEY', CONSTR_UNIQUE: 'UNIQUE', CONSTR_PRIMARY: 'PRIMARY KEY', CONSTR_EXCLUSION: 'EXCLUDE' }[contype ?? ''] ?? 'a constraint';
}

/** An earlier `DROP INDEX [CONCURRENTLY] IF EXISTS` of the same index in this file. */
function droppedEarlier(statements: readonly ParsedStatement[], index: number, qn: QualifiedName, ctx: MigrationContext<Record<string, never>>): boolean {
  return statements.slice(0, index).some(
    (st) =>
      st.type === 'DropStmt' &&
      st.node.removeType === 'OBJECT_INDEX' &&
      st.node.missing_ok &&
      (st.node.objects ?? []).some((o: any) => {
        const dropped = droppedName(o, ctx);
        return dropped?.name === qn.name && dropped.schema === qn.schema;
      }),
  );
}

/** An earlier `ALTER TABLE … DROP CONSTRAINT IF EXISTS name` on the same table in this file. */
function constraintDroppedEarlier(ctx: MigrationContext<Record<string, never>>, table: QualifiedName, conname: string): boolean {
  return ctx.statements.slice(0, ctx.index + 1).some((st, i) => {
    if (st.type !== 'AlterTableStmt') return false;
    const target = ctx.qualify(st.node.relation);
    if (target.schema !== table.schema || target.name !== table.name) return false;
    const cmds = (st.node.cmds ?? []).map((c: any) => c.AlterTableCmd);
    // In the same statement the DROP must come before the ADD.
    const addAt = i === ctx.index ? cmds.findIndex((c: any) => c?.subtype === 'AT_AddConstraint' && c.def?.Constraint?.conname === conname) : cmds.length;
    return cmds.slice(0, addAt).some((c: any) => c?.subtype === 'AT_DropConstraint' && c.missing_ok && c.name === conname);
  });
}

/**
 * Whether the statement's work is committed while a later statement of the file can still fail:
 * then a retry of the migration runs it a second time. A statement in a transaction that lasts to
 * the end of the file (or ends in ROLLBACK) is undone with the rest.
 */
function committedBeforeLaterWork(ctx: MigrationContext<Record<string, never>>): boolean {
  const { statements, index, inTransaction } = ctx;
  let commit = index;
  if (inTransaction) {
    const end = statements.findIndex((st, i) => i > index && st.type === 'TransactionStmt' && (TRANSACTION_END.includes(st.node.kind) || st.node.kind === 'TRANS_STMT_ROLLBACK'));
    if (end < 0 || statements[end].node.kind === 'TRANS_STMT_ROLLBACK') return false;
    commit = end;
  }
  return statements.slice(commit + 1).some((st) => st.type !== 'TransactionStmt' && st.type !== 'VariableSetStmt');
}

export default defineMigrationRule({
  id: 'prefer-robust-stmts',
  meta: {
    category: 'migrations',
    severity: 'warning',
    description: 'Statements of a migration that runs outside a transaction fail when a half-applied migration is retried',
    rationale: `A migration that runs statement by statement — outside a transaction (\`psql -f\`, dbmate
\`transaction:false\`, Flyway \`executeInTransaction=false\`, goose \`NO TRANSACTION\`, a file of
\`CONCURRENTLY\` statements) — commits each statement as it goes. When a later statement fails
(a lock timeout, a duplicate row), the earlier ones stay applied, and the retry runs them again:
\`CREATE TABLE\` fails because the table exists, \`DROP\` because it is gone, an unnamed constraint
is added twice. Written with \`IF NOT EXISTS\` / \`IF EXISTS\` / \`OR REPLACE\` they can be re-run.

Reported only where it matters: a statement whose work is committed while a later statement of the
file can still fail. A file the migration tool runs in one transaction is rolled back whole, and
the last statement of a file fails alone (PostgreSQL undoes a failed statement), so neither is
flagged. The exception is \`CREATE INDEX CONCURRENTLY\`, which commits as it goes: a failed build
leaves an INVALID index behind, which a retry trips over, and which \`IF NOT EXISTS\` would silently
keep — precede it with \`DROP INDEX CONCURRENTLY IF EXISTS\`. An \`ADD CONSTRAINT\` (which has no
\`IF NOT EXISTS\`) is robust after \`DROP CONSTRAINT IF EXISTS\` of the same name. \`CREATE TYPE\`,
\`CREATE DOMAIN\` and renames have no rerunnable form and are not flagged.`,
    invalid: [
      {
        sql: `CREATE TABLE customers (id bigint PRIMARY KEY); -- flagged
ALTER TABLE customers ADD COLUMN email text; -- flagged
CREATE UNIQUE INDEX CONCURRENTLY idx_customers_email ON customers (email); -- flagged`,
        transactional: false,
      },
      {
        sql: `CREATE TABLE customers (id bigint PRIMARY KEY, email text);
---
BEGIN;
ALTER TABLE customers ADD CONSTRAINT customers_email_check CHECK (email LIKE '%@%'); -- flagged
COMMIT;
DROP INDEX CONCURRENTLY idx_customers_legacy; -- flagged
VACUUM customers;`,
        transactional: false,
      },
      {
        sql: `CREATE TABLE customers_archive AS SELECT 1 AS id; -- flagged
CREATE VIEW active_customers AS SELECT 1 AS id; -- flagged
DROP FUNCTION old_total(integer); -- flagged
DROP TYPE mood;`,
        transactional: false,
      },
    ],
    valid: [
      {
        sql: `CREATE TABLE IF NOT EXISTS customers (id bigint PRIMARY KEY);
ALTER TABLE customers ADD COLUMN IF NOT EXISTS email text;
ALTER TABLE customers DROP CONSTRAINT IF EXISTS customers_email_check,
  ADD CONSTRAINT customers_email_check CHECK (email LIKE '%@%');
DROP INDEX CONCURRENTLY IF EXISTS idx_customers_email;
CREATE UNIQUE INDEX CONCURRENTLY idx_customers_email ON customers (email);`,
        transactional: false,
      },
      `CREATE TABLE customers (id bigint PRIMARY KEY);
ALTER TABLE customers ADD COLUMN email text;
CREATE INDEX idx_customers_email ON customers (email);`,
      { sql: `ALTER TABLE customers ADD COLUMN email text;`, transactional: false },
    ],
  },
  check(ctx) {
    const problem = fragility(ctx);
    if (!problem) return;
    // Outside a transaction a concurrent build commits part of its work even when it fails.
    const concurrentBuild = ctx.statement.type === 'IndexStmt' && ctx.statement.node.concurrent && !ctx.inTransaction;
    if (concurrentBuild || committedBeforeLaterWork(ctx)) report(ctx, problem);
  },
});

function report(ctx: MigrationContext<Record<string, never>>, problem: Fragility): void {
  ctx.report({
    message: problem.message,
    object: problem.object,
    help: `its work is committed before the rest of the migration runs: when a later statement fails, a retry runs it again. ${problem.sql ? 'Write it so it can be re-run (IF NOT EXISTS, IF EXISTS, OR REPLACE, or a DROP … IF EXISTS first).' : 'Give it a form that can be re-run, or move it to a migration that runs in a transaction.'}`,
    ...(problem.sql && { fix: { title: 'make the statement re-runnable', sql: problem.sql } }),
  });
}
