import { indexesOf } from './model-walk.js';
import type { Database, QualifiedName } from '../model/types.js';
import type { ParsedStatement } from '../parse/parse-script.js';
import type { LockLevel, StatementLock } from './migration-types.js';

/** Weakest first: a lock conflicts with the ones from SHARE UPDATE EXCLUSIVE up as the table in the docs says. */
const LOCK_LEVELS: readonly LockLevel[] = [
  'ACCESS SHARE',
  'ROW SHARE',
  'ROW EXCLUSIVE',
  'SHARE UPDATE EXCLUSIVE',
  'SHARE',
  'SHARE ROW EXCLUSIVE',
  'EXCLUSIVE',
  'ACCESS EXCLUSIVE',
];

export const lockRank = (mode: LockLevel) => LOCK_LEVELS.indexOf(mode);

/**
 * The weakest lock that conflicts with what an application does (INSERT/UPDATE/DELETE take
 * ROW EXCLUSIVE, which conflicts with SHARE and up): a statement waiting for such a lock
 * queues every later writer (or reader) of the relation behind it.
 */
export const BLOCKS_APPLICATION: LockLevel = 'SHARE';

/** What other sessions cannot do while the lock is held, or while it is queued for. */
export function lockBlocks(mode: LockLevel): string {
  switch (mode) {
    case 'ACCESS EXCLUSIVE':
      return 'blocks every read and write';
    case 'EXCLUSIVE':
      return 'blocks every write and SELECT … FOR UPDATE; plain reads go on';
    case 'SHARE ROW EXCLUSIVE':
    case 'SHARE':
      return 'blocks INSERT, UPDATE and DELETE; reads go on';
    case 'SHARE UPDATE EXCLUSIVE':
      return 'blocks only schema changes and VACUUM; reads and writes go on';
    default:
      return 'blocks only schema changes that take SHARE or stronger';
  }
}

// LOCK TABLE's `mode` field: lockdefs.h numbers the levels from 1 (AccessShareLock) up.
const LOCK_STMT_MODES: Record<number, LockLevel> = Object.fromEntries(LOCK_LEVELS.map((level, i) => [i + 1, level]));

export interface LockEnvironment {
  database: Database;
  qualify(rangeVar: { schemaname?: string; relname: string }): QualifiedName;
  pgVersion: number;
}

/** The table an index belongs to, constraint-backed indexes included. */
export function indexTable(db: Database, index: QualifiedName): QualifiedName | undefined {
  const schema = db.schemas.find((s) => s.name === index.schema);
  const table = schema?.tables.find((t) => t.indexes.some((i) => i.name === index.name) || indexesOf(t).some((i) => i.name === index.name));
  return table && { schema: index.schema, name: table.name };
}

/** `[schema, ]name` of a DROP's object (a `List` of `String`s), resolved like a RangeVar. */
export function droppedName(object: any, env: Pick<LockEnvironment, 'qualify'>): QualifiedName | undefined {
  const parts: string[] = (object?.List?.items ?? []).map((i: any) => i.String?.sval).filter((s: unknown) => typeof s === 'string');
  if (!parts.length) return undefined;
  const relname = parts[parts.length - 1];
  return parts.length >= 2 ? { schema: parts[parts.length - 2], name: relname } : env.qualify({ relname });
}

/**
 * The relation locks of a DDL or maintenance statement, strongest first, from the ALTER
 * TABLE and lock-mode pages of the PostgreSQL manual (tablecmds.c's AlterTableGetLockLevel).
 * Plain DML is not listed: its ROW EXCLUSIVE conflicts with no application statement.
 */
export function statementLocks(statement: ParsedStatement, env: LockEnvironment): StatementLock[] {
  const n = statement.node;
  const locks: StatementLock[] = [];
  const add = (relation: QualifiedName | undefined, kind: StatementLock['kind'], mode: LockLevel) => {
    if (relation) locks.push({ relation, kind, mode });
  };
  const table = (rv: any) => (rv?.relname ? env.qualify(rv) : undefined);

  switch (statement.type) {
    case 'CreateStmt':
      // A partition created under a parent locks the parent exclusively; INHERITS takes less.
      for (const parent of n.inhRelations ?? []) add(table(parent.RangeVar), 'table', n.partbound ? 'ACCESS EXCLUSIVE' : 'SHARE UPDATE EXCLUSIVE');
      for (const ref of foreignKeyTargets([...(n.tableElts ?? []).flatMap((e: any) => e.ColumnDef?.constraints ?? []), ...(n.tableElts ?? [])])) add(table(ref), 'table', 'SHARE ROW EXCLUSIVE');
      break;
    case 'IndexStmt':
      add(table(n.relation), 'table', n.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'SHARE');
      break;
    case 'DropStmt': {
      const kind = DROP_KINDS[n.removeType];
      if (!kind) break;
      for (const object of n.objects ?? []) {
        const qn = droppedName(object, env);
        if (!qn) continue;
        if (kind === 'index') {
          // DROP INDEX locks the index's table: every query that plans on the table waits.
          add(indexTable(env.database, qn), 'table', n.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE');
          add(qn, 'index', n.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE');
        } else add(qn, kind, 'ACCESS EXCLUSIVE');
      }
      break;
    }
    case 'AlterTableStmt': {
      const kind = ALTER_KINDS[n.objtype];
      if (!kind) break;
      const target = table(n.relation);
      let strongest: LockLevel = 'ACCESS SHARE';
      for (const { AlterTableCmd: cmd } of n.cmds ?? []) {
        const mode = alterTableLock(cmd, env.pgVersion);
        if (lockRank(mode) > lockRank(strongest)) strongest = mode;
        const partition = cmd?.def?.PartitionCmd?.name;
        if (cmd?.subtype === 'AT_AttachPartition') add(table(partition), 'table', 'ACCESS EXCLUSIVE');
        if (cmd?.subtype === 'AT_DetachPartition') add(table(partition), 'table', cmd.def.PartitionCmd.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE');
        for (const ref of foreignKeyTargets([cmd?.def, ...(cmd?.def?.ColumnDef?.constraints ?? [])])) add(table(ref), 'table', 'SHARE ROW EXCLUSIVE');
      }
      add(target, kind, strongest);
      break;
    }
    case 'RenameStmt': {
      const kind = ALTER_KINDS[n.renameType] ?? (n.relation ? 'table' : undefined);
      // ALTER INDEX … RENAME takes SHARE UPDATE EXCLUSIVE from PostgreSQL 12.
      if (kind) add(table(n.relation), kind, kind === 'index' && env.pgVersion >= 12 ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE');
      break;
    }
    case 'TruncateStmt':
      for (const rel of n.relations ?? []) add(table(rel.RangeVar), 'table', 'ACCESS EXCLUSIVE');
      break;
    case 'VacuumStmt': {
      const full = isVacuumFull(n);
      for (const rel of n.rels ?? []) add(table(rel.VacuumRelation?.relation), 'table', full ? 'ACCESS EXCLUSIVE' : 'SHARE UPDATE EXCLUSIVE');
      break;
    }
    case 'ClusterStmt':
      add(table(n.relation), 'table', 'ACCESS EXCLUSIVE');
      break;
    case 'ReindexStmt': {
      if (isConcurrentReindex(n)) {
        add(table(n.relation), n.kind === 'REINDEX_OBJECT_INDEX' ? 'index' : 'table', 'SHARE UPDATE EXCLUSIVE');
      } else if (n.kind === 'REINDEX_OBJECT_INDEX') {
        const index = table(n.relation);
        add(index, 'index', 'ACCESS EXCLUSIVE');
        if (index) add(indexTable(env.database, index), 'table', 'SHARE');
      } else if (n.kind === 'REINDEX_OBJECT_TABLE') add(table(n.relation), 'table', 'SHARE');
      break;
    }
    case 'LockStmt':
      for (const rel of n.relations ?? []) add(table(rel.RangeVar), 'table', LOCK_STMT_MODES[n.mode] ?? 'ACCESS EXCLUSIVE');
      break;
    case 'CreateTrigStmt':
      add(table(n.relation), 'table', 'SHARE ROW EXCLUSIVE');
      break;
    case 'CreatePolicyStmt':
    case 'AlterPolicyStmt':
    case 'RuleStmt':
      add(table(n.table ?? n.relation), 'table', 'ACCESS EXCLUSIVE');
      break;
    case 'RefreshMatViewStmt':
      // CONCURRENTLY keeps reads going (EXCLUSIVE); without it readers wait for the whole refresh.
      add(table(n.relation), 'view', n.concurrent ? 'EXCLUSIVE' : 'ACCESS EXCLUSIVE');
      break;
  }
  return locks.sort((a, b) => lockRank(b.mode) - lockRank(a.mode));
}

/** An option of a parenthesised list (`VACUUM (FULL)`, `REINDEX (CONCURRENTLY false)`) that is on. */
function optionOn(options: any[] | undefined, name: string): boolean {
  const option = options?.find((o) => o.DefElem?.defname === name)?.DefElem;
  if (!option) return false;
  // The parse tree omits false and 0: `{ Boolean: {} }` is false, `{ Integer: {} }` is 0.
  const arg = option.arg;
  if (arg?.Boolean) return !!arg.Boolean.boolval;
  if (arg?.Integer) return (arg.Integer.ival ?? 0) !== 0;
  if (arg?.String) return !/^(false|off|0|no)$/i.test(arg.String.sval);
  return true;
}

export const isConcurrentReindex = (n: any) => optionOn(n.params, 'concurrently');
export const isVacuumFull = (n: any) => !!n.is_vacuumcmd && optionOn(n.options, 'full');

const DROP_KINDS: Record<string, StatementLock['kind']> = {
  OBJECT_TABLE: 'table',
  OBJECT_FOREIGN_TABLE: 'table',
  OBJECT_INDEX: 'index',
  OBJECT_VIEW: 'view',
  OBJECT_MATVIEW: 'view',
  OBJECT_SEQUENCE: 'sequence',
};

const ALTER_KINDS: Record<string, StatementLock['kind']> = {
  OBJECT_TABLE: 'table',
  OBJECT_FOREIGN_TABLE: 'table',
  OBJECT_INDEX: 'index',
  OBJECT_VIEW: 'view',
  OBJECT_MATVIEW: 'view',
  OBJECT_SEQUENCE: 'sequence',
  OBJECT_COLUMN: 'table',
  OBJECT_TABCONSTRAINT: 'table',
  OBJECT_TRIGGER: 'table',
  OBJECT_POLICY: 'table',
  OBJECT_RULE: 'table',
};

/** Tables referenced by FOREIGN KEY / REFERENCES constraints among `nodes`: adding one locks the referenced table too. */
function foreignKeyTargets(nodes: any[]): any[] {
  return nodes.flatMap((node) => (node?.Constraint?.contype === 'CONSTR_FOREIGN' && node.Constraint.pktable ? [node.Constraint.pktable] : []));
}

/** One ALTER TABLE subcommand's lock (AlterTableGetLockLevel); unknown ones are taken as ACCESS EXCLUSIVE. */
function alterTableLock(cmd: any, pgVersion: number): LockLevel {
  switch (cmd?.subtype) {
    case 'AT_SetStatistics':
    case 'AT_SetOptions':
    case 'AT_ResetOptions':
    case 'AT_SetRelOptions':
    case 'AT_ResetRelOptions':
    case 'AT_ValidateConstraint':
    case 'AT_ClusterOn':
    case 'AT_DropCluster':
    case 'AT_DetachPartitionFinalize':
      return 'SHARE UPDATE EXCLUSIVE';
    case 'AT_AttachPartition':
      // From PostgreSQL 12 attaching no longer blocks queries on the parent.
      return pgVersion >= 12 ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE';
    case 'AT_DetachPartition':
      return cmd.def?.PartitionCmd?.concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE';
    case 'AT_EnableTrig':
    case 'AT_EnableAlwaysTrig':
    case 'AT_EnableReplicaTrig':
    case 'AT_EnableTrigAll':
    case 'AT_EnableTrigUser':
    case 'AT_DisableTrig':
    case 'AT_DisableTrigAll':
    case 'AT_DisableTrigUser':
      return 'SHARE ROW EXCLUSIVE';
    case 'AT_AddConstraint':
      // A foreign key blocks writes (SHARE ROW EXCLUSIVE) on both tables; other constraints lock the table fully.
      return cmd.def?.Constraint?.contype === 'CONSTR_FOREIGN' ? 'SHARE ROW EXCLUSIVE' : 'ACCESS EXCLUSIVE';
    default:
      return 'ACCESS EXCLUSIVE';
  }
}

/** How a finding names a statement: `CREATE INDEX`, `DROP TABLE`, `ALTER TABLE`, `VACUUM`. */
export function statementLabel(statement: ParsedStatement): string {
  const n = statement.node;
  const words = (objectType: string | undefined) => (objectType ?? '').replace(/^OBJECT_/, '').replace('MATVIEW', 'MATERIALIZED VIEW').replace(/_/g, ' ');
  switch (statement.type) {
    case 'CreateStmt':
      return 'CREATE TABLE';
    case 'IndexStmt':
      return n.concurrent ? 'CREATE INDEX CONCURRENTLY' : 'CREATE INDEX';
    case 'DropStmt':
      return `DROP ${words(n.removeType)}${n.concurrent ? ' CONCURRENTLY' : ''}`;
    case 'AlterTableStmt':
      return `ALTER ${words(n.objtype)}`;
    case 'RenameStmt':
      return `ALTER … RENAME`;
    default:
      return (/^[a-z]+/i.exec(statement.text)?.[0] ?? statement.type).toUpperCase();
  }
}
