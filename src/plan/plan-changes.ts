import type { Change, Constraint, DiffResult } from '../diff/changes.js';
import type { LockLevel } from '../lint/migration-types.js';
import { qualifiedName, quoteIdent } from '../model/quote-ident.js';
import { collationSql } from '../model/collation.js';
import type { Column, Database, ForeignKey, Function, Index, QualifiedName, Table, View } from '../model/types.js';
import {
  checkClause,
  columnDefinition,
  createComposite,
  createDomain,
  createFunction,
  createIndex,
  createPartition,
  createTable,
  createTrigger,
  deferral,
  dropFunction,
  exclusionClause,
  foreignKeyClause,
  primaryKeyClause,
  quoteLiteral,
  sameForeignKeyShape,
  sameIndexShape,
  uniqueClause,
  viewQuery,
  type Located,
} from '../report/ddl.js';
import { DATA_LOSS, type Hazard, type Plan, type PlannedStatement, type PlanOptions } from './plan-types.js';
import { narrowingTypeChange } from './type-change.js';
import { typeChangeCost } from '../lint/type-change-cost.js';
import { mentionsColumn } from '../lint/sql-text.js';
import { callsVolatileFunction } from '../lint/volatile-functions.js';
import { uniqueName } from './unique-name.js';
import { columnDependents, touchedByChanges, unchangedDependents } from './dependents.js';
import { routineKey, routineUsers, type RoutineNames, type RoutineUser } from './routine-users.js';
import { typeDepth } from './type-depth.js';
import { routinesUsingType, swapDependents, type SwapDependent } from './swap-dependents.js';
import { typeSpelling } from '../diff/diff-models.js';
import { findTable } from '../lint/model-walk.js';
import { boundToRelations } from '../model/routine-binding.js';
import { findTransitions, planTransitions } from './plan-transition.js';

/**
 * Ordering steps. Drops run before creates, dependants before what they depend on when
 * dropping and after when creating: triggers and views first out and last in, foreign keys
 * out before the keys and tables they reference, in after them.
 */
const STEP = {
  /** `SET check_function_bodies = false` first and RESET last (see `uncheckFunctionBodies`). */
  uncheckedBodies: 1,
  rename: 10,
  dropTrigger: 20,
  /** Routines bound to relations (see `boundToRelations`) go before those relations. */
  dropBoundFunction: 21,
  dropView: 22,
  dropForeignKey: 24,
  detach: 26,
  dropConstraint: 28,
  dropIndexWithColumn: 29,
  dropColumn: 30,
  dropTable: 32,
  createSchema: 40,
  createExtension: 42,
  createEnum: 44,
  createType: 46,
  createSequence: 48,
  /** Before the tables whose defaults, CHECKs, generated columns and indexes call them. */
  createFunction: 49,
  createTable: 50,
  setUnlogged: 52,
  addColumn: 54,
  alterColumn: 56,
  /** After the triggers, columns and tables that used them, before the types they use. */
  dropFunction: 56.8,
  /** After the column defaults and types that used them are gone. */
  dropSequence: 57,
  dropType: 57.2,
  dropExtension: 57.4,
  dropSchema: 57.6,
  attach: 58,
  addConstraint: 60,
  addIndex: 62,
  addForeignKey: 64,
  /** In the validate migration, before anything there takes ACCESS EXCLUSIVE: the scans run under SHARE UPDATE EXCLUSIVE. */
  validate: 59,
  validateLate: 65,
  createView: 66,
  /** After the tables and views they are bound to, before the triggers. */
  createBoundFunction: 67,
  createTrigger: 68,
  ownSequence: 70,
  comment: 72,
  checkedBodies: 99,
} as const;

const name = (qn: QualifiedName) => qualifiedName(qn.schema, qn.name);

interface Context {
  options: Required<PlanOptions>;
  from: Database;
  to: Database;
  /** Tables created by this plan: no one else uses them yet, no lock or rewrite matters. */
  newTables: Set<string>;
  /** Tables dropped by this plan. */
  droppedTables: Set<string>;
  /** Columns dropped, `schema.table.column`. */
  droppedColumns: Set<string>;
  /** Unique keys this plan attaches USING INDEX in the validate phase, and unique indexes it builds CONCURRENTLY: `schema.table(cols)`. */
  lateKeys: Set<string>;
  /** Foreign keys dropped and added back around the key they reference (see `moveReferencingForeignKeys`): `schema.table.name`. */
  movedForeignKeys: Set<string>;
  changes: readonly Change[];
  /** Enum types as column types spell them (unqualified in public). */
  enums: Set<string>;
  out: PlannedStatement[];
}

/** Turns changes into ordered statements, each with its reverse, lock, cost and hazards. */
export function planChanges(diff: DiffResult, options: PlanOptions = {}): Plan {
  const ctx: Context = {
    options: { offline: options.offline ?? false, pgVersion: options.pgVersion ?? 15, inPlace: options.inPlace ?? false, batchSize: options.batchSize ?? 1000, batchPauseMs: options.batchPauseMs ?? 100 },
    from: diff.from,
    to: diff.to,
    newTables: new Set(diff.changes.flatMap((c) => (c.kind === 'create-table' ? [`${c.schema}.${c.table.name}`] : []))),
    droppedTables: new Set(diff.changes.flatMap((c) => (c.kind === 'drop-table' ? [`${c.schema}.${c.table.name}`] : []))),
    droppedColumns: new Set(diff.changes.flatMap((c) => (c.kind === 'drop-column' ? [`${c.table.schema}.${c.table.name}.${c.column.name}`] : readdsColumn(c, options.pgVersion ?? 15) ? [`${c.table.schema}.${c.table.name}.${c.from.name}`] : []))),
    lateKeys: new Set(),
    movedForeignKeys: new Set(),
    changes: diff.changes,
    enums: new Set([diff.from, diff.to].flatMap((db) => db.schemas.flatMap((s) => s.enums.map((e) => (s.name === 'public' ? quoteIdent(e.name) : qualifiedName(s.name, e.name)))))),
    out: [],
  };
  // Keys first: a foreign key added in the same plan must know where its referenced key lands.
  const ordered = [...diff.changes].sort((a, b) => Number(addsKey(b)) - Number(addsKey(a)));
  const transitionOptions = { pgVersion: ctx.options.pgVersion, batchSize: ctx.options.batchSize, pauseMs: ctx.options.batchPauseMs };
  const transitions = ctx.options.offline || ctx.options.inPlace ? undefined : findTransitions(diff.changes, diff.from, diff.to, transitionOptions);
  for (const change of ordered) if (!transitions?.handled.has(change)) planChange(change, ctx);
  for (const { step, ...s } of transitions ? planTransitions(transitions, castFor(ctx), transitionOptions) : []) {
    ctx.out.push({ hazards: [], rewrites: false, scans: false, ...s, step: step === 'contract' ? 0 : STEP[step] });
  }
  const statements = ctx.out
    .map((s, i) => ({ s, i }))
    .sort((x, y) => x.s.step - y.s.step || x.i - y.i)
    .map(({ s }) => s);
  return { statements, hazards: statements.flatMap((s) => s.hazards), notes: transitions?.notes ?? [] };
}

/** A new key a foreign key can reference: a primary key, a UNIQUE constraint, or a unique index on plain columns without WHERE (PostgreSQL accepts any of them). */
function addsKey(c: Change): boolean {
  if (c.kind === 'add-constraint') return c.constraint.type !== 'foreign-key';
  return c.kind === 'add-index' && referenceable(c.index);
}

const referenceable = (index: Index) => index.unique && index.where === null && index.keys.every((k) => k.column !== null);

type Emit = Omit<PlannedStatement, 'change' | 'hazards' | 'rewrites' | 'scans' | 'phase'> & Partial<Pick<PlannedStatement, 'hazards' | 'rewrites' | 'scans' | 'phase'>>;

function planChange(change: Change, ctx: Context): void {
  const emit = (s: Emit): void => {
    ctx.out.push({ phase: 'main', hazards: [], rewrites: false, scans: false, ...s, change, ...(ctx.options.offline && s.phase !== 'enums' && { phase: 'main' }) });
  };
  const isNew = (qn: QualifiedName) => ctx.newTables.has(`${qn.schema}.${qn.name}`);
  const lock = (qn: QualifiedName, level: LockLevel) => (isNew(qn) ? {} : { lock: { level, on: name(qn) } });
  const online = !ctx.options.offline;

  switch (change.kind) {
    case 'create-schema':
      return emit({ sql: `CREATE SCHEMA ${quoteIdent(change.schema)};`, reverse: `DROP SCHEMA ${quoteIdent(change.schema)};`, step: STEP.createSchema });
    case 'drop-schema':
      return emit({
        sql: `DROP SCHEMA ${quoteIdent(change.schema)};`,
        reverse: `CREATE SCHEMA ${quoteIdent(change.schema)};`,
        step: STEP.dropSchema,
        hazards: [{ kind: 'drop-schema', message: `schema ${change.schema} is dropped` }],
      });
    case 'create-extension':
      return emit({
        sql: `CREATE EXTENSION IF NOT EXISTS ${quoteIdent(change.extension.name)} WITH SCHEMA ${quoteIdent(change.extension.schema)};`,
        reverse: `DROP EXTENSION IF EXISTS ${quoteIdent(change.extension.name)};`,
        step: STEP.createExtension,
      });
    case 'drop-extension':
      return emit({
        sql: `DROP EXTENSION ${quoteIdent(change.extension.name)};`,
        reverse: `CREATE EXTENSION IF NOT EXISTS ${quoteIdent(change.extension.name)} WITH SCHEMA ${quoteIdent(change.extension.schema)};`,
        step: STEP.dropExtension,
      });
    case 'create-enum': {
      const qn = qualifiedName(change.schema, change.enum.name);
      return emit({ sql: `CREATE TYPE ${qn} AS ENUM (${change.enum.values.map(quoteLiteral).join(', ')});`, reverse: `DROP TYPE ${qn};`, step: STEP.createEnum });
    }
    case 'drop-enum': {
      const qn = qualifiedName(change.schema, change.enum.name);
      return emit({ sql: `DROP TYPE ${qn};`, reverse: `CREATE TYPE ${qn} AS ENUM (${change.enum.values.map(quoteLiteral).join(', ')});`, step: STEP.dropType });
    }
    case 'add-enum-value': {
      const qn = qualifiedName(change.schema, change.enum);
      const where = change.after !== undefined ? ` AFTER ${quoteLiteral(change.after)}` : change.before !== undefined ? ` BEFORE ${quoteLiteral(change.before)}` : '';
      // No DROP VALUE exists: the first value added carries the swap back to the old type
      // (reverses run in reverse order, so it runs after the others' empty reverses).
      const first = ctx.out.every((s) => s.change.kind !== 'add-enum-value' || s.change.enum !== change.enum || s.change.schema !== change.schema);
      return emit({
        sql: `ALTER TYPE ${qn} ADD VALUE IF NOT EXISTS ${quoteLiteral(change.value)}${where};`,
        // The down file swaps once every other migration's down has run: `from`'s indexes and CHECKs stand.
        reverse: first ? aroundSwap(swapDependents(ctx.from, change.columns), routinesUsingType(ctx.from, typeSpelling(change.schema, change.enum)), enumSwap(change.schema, change.previous, change.columns)).join('\n') : null,
        step: STEP.createEnum,
        phase: 'enums',
      });
    }
    case 'replace-enum':
      return planEnumSwap(change, ctx, emit);
    case 'create-domain': {
      const qn = qualifiedName(change.schema, change.domain.name);
      return emit({ sql: createDomain(qn, change.domain), reverse: `DROP DOMAIN ${qn};`, step: STEP.createType + typeDepth(ctx.to, change.schema, change.domain.name) / 100 });
    }
    case 'drop-domain': {
      const qn = qualifiedName(change.schema, change.domain.name);
      if (replaced(ctx, change.schema, change.domain.name)) recreateRoutinesUsing(change.schema, change.domain.name, { drop: STEP.createType - 1.3, create: STEP.createFunction }, ctx, emit);
      return emit({ sql: `DROP DOMAIN ${qn};`, reverse: createDomain(qn, change.domain), step: dropTypeStep(ctx, change.schema, change.domain.name) });
    }
    case 'alter-domain': {
      const qn = qualifiedName(change.schema, change.to.name);
      const { from, to } = change;
      if (from.default !== to.default) {
        emit({
          sql: `ALTER DOMAIN ${qn} ${to.default === null ? 'DROP DEFAULT' : `SET DEFAULT ${to.default}`};`,
          reverse: `ALTER DOMAIN ${qn} ${from.default === null ? 'DROP DEFAULT' : `SET DEFAULT ${from.default}`};`,
          step: STEP.createType,
        });
      }
      if (from.notNull !== to.notNull) {
        emit({ sql: `ALTER DOMAIN ${qn} ${to.notNull ? 'SET' : 'DROP'} NOT NULL;`, reverse: `ALTER DOMAIN ${qn} ${from.notNull ? 'SET' : 'DROP'} NOT NULL;`, step: STEP.createType, scans: to.notNull });
      }
      for (const c of from.checks) {
        if (to.checks.some((x) => x.name === c.name && x.expression === c.expression)) continue;
        emit({ sql: `ALTER DOMAIN ${qn} DROP CONSTRAINT ${quoteIdent(c.name)};`, reverse: `ALTER DOMAIN ${qn} ADD CONSTRAINT ${quoteIdent(c.name)} CHECK (${c.expression});`, step: STEP.dropType });
      }
      for (const c of to.checks) {
        if (from.checks.some((x) => x.name === c.name && x.expression === c.expression)) continue;
        emit({ sql: `ALTER DOMAIN ${qn} ADD CONSTRAINT ${quoteIdent(c.name)} CHECK (${c.expression});`, reverse: `ALTER DOMAIN ${qn} DROP CONSTRAINT ${quoteIdent(c.name)};`, step: STEP.createType, scans: true });
      }
      return;
    }
    case 'create-composite': {
      const qn = qualifiedName(change.schema, change.type.name);
      return emit({ sql: createComposite(qn, change.type), reverse: `DROP TYPE ${qn};`, step: STEP.createType + typeDepth(ctx.to, change.schema, change.type.name) / 100 });
    }
    case 'drop-composite': {
      const qn = qualifiedName(change.schema, change.type.name);
      if (replaced(ctx, change.schema, change.type.name)) recreateRoutinesUsing(change.schema, change.type.name, { drop: STEP.createType - 1.3, create: STEP.createFunction }, ctx, emit);
      return emit({ sql: `DROP TYPE ${qn};`, reverse: createComposite(qn, change.type), step: dropTypeStep(ctx, change.schema, change.type.name) });
    }
    case 'create-sequence': {
      const qn = qualifiedName(change.schema, change.sequence.name);
      emit({ sql: `CREATE SEQUENCE ${qn} AS ${change.sequence.type};`, reverse: `DROP SEQUENCE ${qn};`, step: STEP.createSequence });
      const owner = change.sequence.ownedBy;
      if (owner) emit({ sql: `ALTER SEQUENCE ${qn} OWNED BY ${name(owner.table)}.${quoteIdent(owner.column)};`, reverse: `ALTER SEQUENCE ${qn} OWNED BY NONE;`, step: STEP.ownSequence });
      return;
    }
    case 'drop-sequence': {
      const qn = qualifiedName(change.schema, change.sequence.name);
      const owner = change.sequence.ownedBy;
      // An owned sequence would go with its column or table; released first, it is dropped
      // here and its reverse re-creates it before the table that uses it.
      if (owner) emit({ sql: `ALTER SEQUENCE ${qn} OWNED BY NONE;`, reverse: `ALTER SEQUENCE ${qn} OWNED BY ${name(owner.table)}.${quoteIdent(owner.column)};`, step: STEP.dropTrigger });
      return emit({
        sql: `DROP SEQUENCE ${qn};`,
        reverse: `CREATE SEQUENCE ${qn} AS ${change.sequence.type};`,
        step: STEP.dropSequence,
        lost: `sequence ${qn} restarts at 1`,
        hazards: [{ kind: 'drop-sequence', message: `sequence ${qn} is dropped: its position is lost` }],
      });
    }
    case 'alter-sequence': {
      const qn = qualifiedName(change.schema, change.to.name);
      const { from, to } = change;
      if (from.type !== to.type) emit({ sql: `ALTER SEQUENCE ${qn} AS ${to.type};`, reverse: `ALTER SEQUENCE ${qn} AS ${from.type};`, step: STEP.createSequence });
      if (JSON.stringify(from.ownedBy) !== JSON.stringify(to.ownedBy)) {
        const owned = (o: typeof from.ownedBy) => (o ? `${name(o.table)}.${quoteIdent(o.column)}` : 'NONE');
        emit({ sql: `ALTER SEQUENCE ${qn} OWNED BY ${owned(to.ownedBy)};`, reverse: `ALTER SEQUENCE ${qn} OWNED BY ${owned(from.ownedBy)};`, step: STEP.ownSequence });
      }
      return;
    }
    case 'create-table':
      return planCreateTable(change.schema, change.table, ctx, emit);
    case 'drop-table': {
      const qn = { schema: change.schema, name: change.table.name };
      // Its foreign keys go first (explicitly, so the reverse puts them back after the table).
      for (const fk of change.table.foreignKeys) {
        if (inheritedForeignKey(ctx.from, change.table, fk)) continue;
        emit({ sql: `ALTER TABLE ${name(qn)} DROP CONSTRAINT ${quoteIdent(fk.name)};`, reverse: `ALTER TABLE ${name(qn)} ADD ${foreignKeyClause(fk)};`, step: STEP.dropForeignKey, ...lock(qn, 'ACCESS EXCLUSIVE') });
      }
      // Other tables' foreign keys to it would block the DROP (a table re-created for a new partitioning keeps them).
      moveReferencingForeignKeys(qn, () => true, ctx, emit);
      keepOwnedSequences(qn, ctx, emit);
      // The comments go with the table: the down file sets them again.
      const create = [...createTableStatements(change.schema, change.table, ctx.from), ...tableComments(qn, change.table)];
      return emit({
        sql: `DROP TABLE ${name(qn)};`,
        reverse: create.join('\n'),
        step: STEP.dropTable + depth(change.table, ctx.from) / 100,
        lock: { level: 'ACCESS EXCLUSIVE', on: name(qn) },
        lost: `the rows of ${name(qn)}`,
        hazards: [{ kind: 'drop-table', message: `table ${name(qn)} is dropped with its rows` }],
      });
    }
    case 'rename-table': {
      const from = qualifiedName(change.schema, change.from);
      const to = qualifiedName(change.schema, change.to);
      return emit({ sql: `ALTER TABLE ${from} RENAME TO ${quoteIdent(change.to)};`, reverse: `ALTER TABLE ${to} RENAME TO ${quoteIdent(change.from)};`, step: STEP.rename, lock: { level: 'ACCESS EXCLUSIVE', on: from } });
    }
    case 'rename-column': {
      const t = name(change.table);
      return emit({
        sql: `ALTER TABLE ${t} RENAME COLUMN ${quoteIdent(change.from)} TO ${quoteIdent(change.to)};`,
        reverse: `ALTER TABLE ${t} RENAME COLUMN ${quoteIdent(change.to)} TO ${quoteIdent(change.from)};`,
        step: STEP.rename + 1,
        lock: { level: 'ACCESS EXCLUSIVE', on: t },
      });
    }
    case 'rename-constraint': {
      // Renames a key's index with it; takes ACCESS EXCLUSIVE for a moment, reads no row.
      const t = name(change.table);
      return emit({
        sql: `ALTER TABLE ${t} RENAME CONSTRAINT ${quoteIdent(change.from)} TO ${quoteIdent(change.to)};`,
        reverse: `ALTER TABLE ${t} RENAME CONSTRAINT ${quoteIdent(change.to)} TO ${quoteIdent(change.from)};`,
        step: STEP.rename + 2,
        ...lock(change.table, 'ACCESS EXCLUSIVE'),
      });
    }
    case 'set-unlogged': {
      const t = name(change.table);
      return emit({
        sql: `ALTER TABLE ${t} SET ${change.unlogged ? 'UNLOGGED' : 'LOGGED'};`,
        reverse: `ALTER TABLE ${t} SET ${change.unlogged ? 'LOGGED' : 'UNLOGGED'};`,
        step: STEP.setUnlogged,
        rewrites: !isNew(change.table),
        ...lock(change.table, 'ACCESS EXCLUSIVE'),
        hazards: isNew(change.table) ? [] : [{ kind: 'table-rewrite', message: `SET ${change.unlogged ? 'UNLOGGED' : 'LOGGED'} rewrites ${t}` }],
      });
    }
    case 'add-column': {
      const t = name(change.table);
      const c = change.column;
      const required = c.notNull && c.default === null && !c.identity && c.generated === undefined && !isNew(change.table);
      const volatile = c.default !== null && callsVolatileFunction(c.default);
      const rewrites = !isNew(change.table) && (volatile || c.generated !== undefined || !!c.identity);
      const hazards: Hazard[] = [];
      if (required) hazards.push({ kind: 'required-column', message: `${t}.${c.name} is NOT NULL without a default: the statement fails if ${t} has rows` });
      if (rewrites) hazards.push({ kind: 'table-rewrite', message: `adding ${t}.${c.name} rewrites ${t} (a volatile default, identity or generated value is computed for every row)` });
      return emit({
        sql: `ALTER TABLE ${t} ADD COLUMN ${columnDefinition(c)};`,
        reverse: `ALTER TABLE ${t} DROP COLUMN ${quoteIdent(c.name)};`,
        step: STEP.addColumn,
        rewrites,
        ...lock(change.table, 'ACCESS EXCLUSIVE'),
        hazards,
      });
    }
    case 'drop-column': {
      const t = name(change.table);
      const c = change.column;
      const refill = c.notNull && c.default === null && !c.identity && c.generated === undefined ? ' (NOT NULL without a default: re-adding fails while the table has rows)' : '';
      return emit({
        sql: `ALTER TABLE ${t} DROP COLUMN ${quoteIdent(c.name)};`,
        reverse: `ALTER TABLE ${t} ADD COLUMN ${columnDefinition(c)};`,
        step: STEP.dropColumn,
        lock: { level: 'ACCESS EXCLUSIVE', on: t },
        lost: `the values of ${t}.${quoteIdent(c.name)}${refill}`,
        hazards: [{ kind: 'drop-column', message: `column ${t}.${c.name} is dropped with its values` }],
      });
    }
    case 'alter-column':
      return planAlterColumn(change, ctx, emit);
    case 'add-constraint':
      return planAddConstraint(change.table, change.constraint, ctx, emit);
    case 'drop-constraint': {
      const t = name(change.table);
      const c = change.constraint;
      if (c.type === 'primary-key' || c.type === 'unique') moveReferencingForeignKeys(change.table, referencesKey(c.value.columns, c.type === 'primary-key'), ctx, emit);
      return emit({
        sql: `ALTER TABLE ${t} DROP CONSTRAINT ${quoteIdent(c.value.name)};`,
        reverse: `ALTER TABLE ${t} ADD ${constraintClause(change.table, c, ctx.from)};`,
        step: c.type === 'foreign-key' ? (detachedClone(change.table, c.value.name, ctx) ? STEP.detach + 0.5 : STEP.dropForeignKey) : STEP.dropConstraint,
        // Dropping a foreign key takes ACCESS EXCLUSIVE on both tables (its triggers go).
        lock: { level: 'ACCESS EXCLUSIVE', on: c.type === 'foreign-key' ? `${t} and ${name(c.value.refTable)}` : t },
      });
    }
    case 'add-index':
      return planAddIndex(change.table, change.index, ctx, emit);
    case 'drop-index': {
      const t = name(change.table);
      const qn = qualifiedName(change.table.schema, change.index.name);
      // Dropping a column drops every index that mentions it (key, INCLUDE, WHERE, expression).
      const dropped = (col: string) => ctx.droppedColumns.has(`${change.table.schema}.${change.table.name}.${col}`);
      const prefix = `${change.table.schema}.${change.table.name}.`;
      const mentions = (sql: string | null) => sql !== null && [...ctx.droppedColumns].some((d) => d.startsWith(prefix) && mentionsColumn(sql, d.slice(prefix.length)));
      const withColumn = change.index.keys.some((k) => (k.column !== null ? dropped(k.column) : mentions(k.expression))) || change.index.include.some(dropped) || mentions(change.index.where);
      // One calling a routine the main migration drops must be gone before it.
      const callsRecreated = routineUsersIn(ctx).callers.has(`index:${change.table.schema}.${change.index.name}`);
      const concurrent = online && !withColumn && !isPartitioned(ctx.from, change.table) && !readsSwappedEnum(ctx, change.table, change.index.name) && !callsRecreated;
      if (referenceable(change.index)) moveReferencingForeignKeys(change.table, referencesKey(change.index.columns, false), ctx, emit);
      return emit({
        sql: `DROP INDEX ${concurrent ? 'CONCURRENTLY ' : ''}${qn};`,
        reverse: createIndex(t, change.index).replace(/^CREATE (UNIQUE )?INDEX /, (m) => (concurrent ? `${m}CONCURRENTLY ` : m)),
        step: withColumn ? STEP.dropIndexWithColumn : STEP.dropConstraint,
        phase: concurrent ? 'concurrent' : 'main',
        lock: { level: concurrent ? 'SHARE UPDATE EXCLUSIVE' : 'ACCESS EXCLUSIVE', on: t },
      });
    }
    case 'attach-partition': {
      const parent = name(change.parent);
      // DETACH leaves the partition the clones ATTACH created: the way back drops them.
      const clones = [
        ...(change.created?.constraints ?? []).map((c) => `ALTER TABLE ${name(change.table)} DROP CONSTRAINT ${quoteIdent(c)};`),
        ...(change.created?.indexes ?? []).map((i) => `DROP INDEX ${qualifiedName(change.table.schema, i)};`),
      ];
      return emit({
        sql: `ALTER TABLE ${parent} ATTACH PARTITION ${name(change.table)} ${change.bound};`,
        reverse: [`ALTER TABLE ${parent} DETACH PARTITION ${name(change.table)};`, ...clones].join('\n'),
        step: STEP.attach,
        scans: true,
        // The partition itself is locked ACCESS EXCLUSIVE while its rows are checked against the bound (none when a CHECK proves it).
        lock: { level: 'SHARE UPDATE EXCLUSIVE', on: `${parent} (ACCESS EXCLUSIVE on the partition ${name(change.table)})` },
      });
    }
    case 'detach-partition': {
      const parent = name(change.parent);
      return emit({
        sql: `ALTER TABLE ${parent} DETACH PARTITION ${name(change.table)};`,
        reverse: `ALTER TABLE ${parent} ATTACH PARTITION ${name(change.table)} ${change.bound};`,
        step: STEP.detach,
        lock: { level: 'ACCESS EXCLUSIVE', on: parent },
      });
    }
    case 'create-view': {
      const qn = qualifiedName(change.schema, change.view.name);
      const kind = change.view.materialized ? 'MATERIALIZED VIEW' : 'VIEW';
      return emit({ sql: `CREATE ${kind} ${qn} AS\n${viewQuery(change.view)};`, reverse: `DROP ${kind} ${qn};`, step: STEP.createView + viewDepth(ctx.to, change.schema, change.view.name) / 100 });
    }
    case 'drop-view': {
      const qn = qualifiedName(change.schema, change.view.name);
      const kind = change.view.materialized ? 'MATERIALIZED VIEW' : 'VIEW';
      return emit({
        sql: `DROP ${kind} ${qn};`,
        reverse: `CREATE ${kind} ${qn} AS\n${viewQuery(change.view)};`,
        step: (readsRenamed(ctx, change.schema, change.view.name) ? STEP.rename - 1 : STEP.dropView) - viewDepth(ctx.from, change.schema, change.view.name) / 100,
      });
    }
    case 'create-function':
    case 'drop-function':
    case 'replace-function':
      return planFunction(change, ctx, emit);
    case 'create-trigger':
      return emit({
        sql: createTrigger(change.trigger),
        reverse: `DROP TRIGGER ${quoteIdent(change.trigger.name)} ON ${name(change.trigger.table)};`,
        step: STEP.createTrigger,
        ...lock(change.trigger.table, 'SHARE ROW EXCLUSIVE'),
      });
    case 'drop-trigger':
      return emit({
        sql: `DROP TRIGGER ${quoteIdent(change.trigger.name)} ON ${name(change.trigger.table)};`,
        reverse: createTrigger(change.trigger),
        step: STEP.dropTrigger,
        lock: { level: 'ACCESS EXCLUSIVE', on: name(change.trigger.table) },
      });
    case 'set-comment': {
      const target = commentTarget(change.target);
      const text = (t: string | undefined) => (t === undefined ? 'NULL' : quoteLiteral(t));
      return emit({ sql: `COMMENT ON ${target} IS ${text(change.to)};`, reverse: `COMMENT ON ${target} IS ${text(change.from)};`, step: STEP.comment });
    }
  }
}

/** Whether a foreign key references these key columns (in any order), or, written without columns, the primary key. */
function referencesKey(columns: string[], primaryKey: boolean): (fk: ForeignKey) => boolean {
  const id = [...columns].sort().join(',');
  return (fk) => (fk.refColumns.length ? [...fk.refColumns].sort().join(',') === id : primaryKey);
}

/**
 * A foreign key depends on the unique index of the key it references: PostgreSQL refuses to
 * drop that key, index or table while the foreign key exists. Foreign keys that stay (in `to`,
 * possibly renamed) are dropped first and added back once the new key exists (after the
 * validate migration's keys when it is built there); those the diff drops itself are left to it.
 */
function moveReferencingForeignKeys(referenced: QualifiedName, matches: (fk: ForeignKey) => boolean, ctx: Context, emit: Emitter): void {
  for (const s of ctx.from.schemas) {
    for (const table of s.tables) {
      const qn = { schema: s.name, name: table.name };
      const t = name(qn);
      for (const fk of table.foreignKeys) {
        if (fk.refTable.schema !== referenced.schema || fk.refTable.name !== referenced.name || !matches(fk)) continue;
        // A partition's copy of its parent's foreign key goes and comes with the parent's.
        if (inheritedForeignKey(ctx.from, table, fk) || ctx.movedForeignKeys.has(`${t}.${fk.name}`) || droppedByDiff(ctx, qn, fk)) continue;
        ctx.movedForeignKeys.add(`${t}.${fk.name}`);
        // A RENAME CONSTRAINT (earlier step) has given it its new name already.
        const renamed = ctx.changes.find((c) => c.kind === 'rename-constraint' && c.constraintType === 'foreign-key' && c.from === fk.name && c.table.schema === qn.schema && c.table.name === qn.name);
        const current = renamed?.kind === 'rename-constraint' ? renamed.to : fk.name;
        const kept = findTable(ctx.to, qn)?.foreignKeys.find((f) => f.name === current);
        emit({
          sql: `ALTER TABLE ${t} DROP CONSTRAINT ${quoteIdent(current)};`,
          reverse: `ALTER TABLE ${t} ADD ${foreignKeyClause({ ...fk, name: current })};`,
          step: STEP.dropForeignKey,
          // Its triggers on both tables go: ACCESS EXCLUSIVE on both.
          lock: { level: 'ACCESS EXCLUSIVE', on: t === name(referenced) ? t : `${t} and ${name(referenced)}` },
        });
        if (kept) planAddConstraint(qn, { type: 'foreign-key', value: kept }, ctx, emit);
      }
    }
  }
}

/**
 * DROP TABLE drops the sequences its columns own (serial). One that stays is released first,
 * and owned again once the table is re-created under the same name (a new partitioning).
 */
function keepOwnedSequences(table: QualifiedName, ctx: Context, emit: Emitter): void {
  for (const s of ctx.from.schemas) {
    for (const seq of s.sequences) {
      const owner = seq.ownedBy;
      if (!owner || owner.table.schema !== table.schema || owner.table.name !== table.name) continue;
      if (ctx.changes.some((c) => c.kind === 'drop-sequence' && c.schema === s.name && c.sequence.name === seq.name)) continue;
      const qn = qualifiedName(s.name, seq.name);
      const ownedBy = `OWNED BY ${name(owner.table)}.${quoteIdent(owner.column)}`;
      emit({ sql: `ALTER SEQUENCE ${qn} OWNED BY NONE;`, reverse: `ALTER SEQUENCE ${qn} ${ownedBy};`, step: STEP.dropTrigger });
      const now = ctx.to.schemas.find((x) => x.name === s.name)?.sequences.find((x) => x.name === seq.name);
      // Owned elsewhere now: the alter-sequence change says where.
      if (JSON.stringify(now?.ownedBy) === JSON.stringify(owner)) emit({ sql: `ALTER SEQUENCE ${qn} ${ownedBy};`, reverse: `ALTER SEQUENCE ${qn} OWNED BY NONE;`, step: STEP.ownSequence });
    }
  }
}

/** A foreign key the diff drops (changed, or on a dropped table): its own drop-constraint or drop-table plans it. */
function droppedByDiff(ctx: Context, table: QualifiedName, fk: ForeignKey): boolean {
  const same = (qn: QualifiedName) => qn.schema === table.schema && qn.name === table.name;
  return ctx.changes.some(
    (c) => (c.kind === 'drop-constraint' && c.constraint.type === 'foreign-key' && c.constraint.value.name === fk.name && same(c.table)) || (c.kind === 'drop-table' && c.schema === table.schema && c.table.name === table.name),
  );
}

function commentTarget(t: Extract<Change, { kind: 'set-comment' }>['target']): string {
  switch (t.type) {
    case 'schema':
      return `SCHEMA ${quoteIdent(t.schema)}`;
    case 'table':
      return `TABLE ${name(t.table)}`;
    case 'column':
      return `COLUMN ${name(t.table)}.${quoteIdent(t.column)}`;
    case 'view':
      return `${t.materialized ? 'MATERIALIZED VIEW' : 'VIEW'} ${name(t.view)}`;
    case 'enum':
      return `TYPE ${name(t.enum)}`;
  }
}

/**
 * CREATE OR REPLACE with the whole definition; DROP with the identity. Neither locks a table.
 * The down file re-creates what the up file drops or replaces.
 */
function planFunction(change: Extract<Change, { kind: 'create-function' | 'drop-function' | 'replace-function' }>, ctx: Context, emit: Emitter): void {
  uncheckFunctionBodies(ctx, emit);
  if (change.kind === 'replace-function') {
    const qn = qualifiedName(change.schema, change.to.name);
    const step = Math.max(creationStep(change.to, ctx.to), creationStep(change.from, ctx.from));
    return emit({ sql: createFunction(qn, change.to), reverse: createFunction(qn, change.from), step });
  }
  const fn = change.function;
  const qn = qualifiedName(change.schema, fn.name);
  if (change.kind === 'create-function') {
    return emit({ sql: createFunction(qn, fn), reverse: dropFunction(qn, fn), step: creationStep(fn, ctx.to) });
  }
  if (recreatedIn(ctx, change.schema, fn)) planRoutineUsers(ctx, emit);
  emit({ sql: dropFunction(qn, fn), reverse: createFunction(qn, fn), step: routineDropStep(ctx, change.schema, fn) });
}

/** One that is created again (its result or parameters changed) goes just before it is. */
function routineDropStep(ctx: Context, schema: string, fn: Function): number {
  return boundToRelations(fn, ctx.from) ? STEP.dropBoundFunction : recreatedIn(ctx, schema, fn) ? STEP.createFunction - 0.5 : STEP.dropFunction;
}

function recreatedIn(ctx: Context, schema: string, fn: Function): boolean {
  return ctx.changes.some((c) => c.kind === 'create-function' && c.schema === schema && c.function.name === fn.name && c.function.arguments === fn.arguments);
}

/** What the routines a plan drops and creates again are used by, found once per plan. */
interface RoutineUsers {
  routines: { schema: string; from: Function; to: Function }[];
  /** Users in `from`, with their counterparts in `to` (absent for a default: `to`'s column says what to set). */
  users: { from: RoutineUser; to?: RoutineUser }[];
  /** Columns (`schema.table.column`) whose default is unset before and set after: their own change leaves the default alone. */
  defaults: Set<string>;
  /** Every object of `from` that calls one of them, changed or not. */
  callers: Set<string>;
}
const routineUsersOf = new WeakMap<Context, RoutineUsers>();

function routineUsersIn(ctx: Context): RoutineUsers {
  let found = routineUsersOf.get(ctx);
  if (found) return found;
  const routines = ctx.changes.flatMap((c) => {
    if (c.kind !== 'drop-function') return [];
    const to = ctx.changes.find((x): x is Extract<Change, { kind: 'create-function' }> => x.kind === 'create-function' && x.schema === c.schema && x.function.name === c.function.name && x.function.arguments === c.function.arguments);
    return to ? [{ schema: c.schema, from: c.function, to: to.function }] : [];
  });
  const names: RoutineNames = new Map();
  for (const r of routines) names.set(r.from.name, (names.get(r.from.name) ?? new Set()).add(r.schema));
  const touched = touchedByChanges(ctx.changes);
  for (const c of ctx.changes) {
    if (c.kind === 'drop-view' || c.kind === 'create-view') touched.add(`view:${c.schema}.${c.view.name}`);
    if (c.kind === 'drop-function' || c.kind === 'create-function') touched.add(routineKey(c.schema, c.function));
    if (c.kind === 'replace-function') touched.add(routineKey(c.schema, c.from));
    if (c.kind === 'alter-domain' || c.kind === 'drop-domain' || c.kind === 'create-domain') touched.add(`domain:${c.schema}.${c.kind === 'alter-domain' ? c.to.name : c.domain.name}`);
  }
  const gone = (u: RoutineUser) => (u.table && ctx.droppedTables.has(`${u.table.schema}.${u.table.name}`)) || (u.column !== undefined && ctx.droppedColumns.has(u.column));
  const isTouched = (key: string) => touched.has(key) || touched.has(key.replace(/^(domain:[^.]+\.[^.]+)\..*$/, '$1'));
  const all = names.size ? routineUsers(ctx.from, names, () => false) : [];
  const now = new Map((names.size ? routineUsers(ctx.to, names, isTouched) : []).map((u) => [u.key, u]));
  const users = all.filter((u) => !gone(u) && (u.kind === 'default' || (!isTouched(u.key) && now.has(u.key)))).map((u) => ({ from: u, to: now.get(u.key) }));
  found = { routines, users, defaults: new Set(users.flatMap((u) => (u.from.column !== undefined ? [u.from.column] : []))), callers: new Set(all.map((u) => u.key)) };
  routineUsersOf.set(ctx, found);
  return found;
}

/**
 * PostgreSQL refuses DROP FUNCTION while a view, default, CHECK, index, trigger condition,
 * domain or SQL-standard routine uses the function. When the plan drops one to create it again,
 * those users (unchanged ones: changed ones have their own drops and creates) are dropped or
 * unset just before it and re-created from `to` just after it, each where it would go otherwise
 * if that is later: defaults after the column changes, indexes and constraints after the keys,
 * views after the other views. A re-created routine calling it is dropped before it, created
 * after it. The main migration does it all: an index is built again under SHARE, a CHECK
 * checks every row under ACCESS EXCLUSIVE.
 */
function planRoutineUsers(ctx: Context, emit: Emitter): void {
  if (planned.has(ctx)) return;
  planned.add(ctx);
  const { routines, users } = routineUsersIn(ctx);
  const dropAt = Math.min(...routines.map((r) => routineDropStep(ctx, r.schema, r.from)));
  const createAt = Math.max(...routines.map((r) => creationStep(r.to, ctx.to)));
  // A routine calling them: out before them, in after them (and after what it reads), callers of callers outside.
  const routineStep = (u: RoutineUser) => ({ drop: dropAt - 0.1 - u.depth / 100, create: Math.max(createAt, creationStep(findRoutine(ctx.to, u.key) ?? routines[0].to, ctx.to)) + 0.1 + u.depth / 100 });
  const callers = users.filter((u) => u.from.kind === 'routine').map((u) => routineStep(u.from));
  const firstDrop = Math.min(dropAt, ...callers.map((c) => c.drop)) - 0.1;
  const lastCreate = Math.max(createAt, ...callers.map((c) => c.create)) + 0.1;
  const natural: Record<RoutineUser['kind'], number> = { routine: 0, view: STEP.createView, default: STEP.alterColumn + 0.6, constraint: STEP.addConstraint, index: STEP.addIndex, trigger: STEP.createTrigger, domain: STEP.createType };
  for (const { from, to } of users) {
    const lock = (level: LockLevel) => (from.table ? { lock: { level, on: name(from.table) } } : {});
    const steps = from.kind === 'routine' ? routineStep(from) : { drop: firstDrop - from.depth / 1000, create: Math.max(natural[from.kind], lastCreate) + from.depth / 1000 };
    emit({ sql: from.drop, reverse: from.create, step: steps.drop, ...lock('ACCESS EXCLUSIVE') });
    const back = from.kind === 'default' ? columnDefault(ctx, from) : to && { create: to.create, drop: to.drop };
    if (!back) continue;
    const builds = from.kind === 'index' || from.kind === 'constraint' || from.kind === 'domain';
    emit({ sql: back.create, reverse: back.drop, step: steps.create, scans: builds, ...lock(from.kind === 'index' ? 'SHARE' : 'ACCESS EXCLUSIVE') });
  }
}
const planned = new WeakSet<Context>();

/** `to`'s default of the column whose `from` default a routine user is, as SET DEFAULT sets it and DROP DEFAULT unsets it; undefined when it has none. */
function columnDefault(ctx: Context, user: RoutineUser): { create: string; drop: string } | undefined {
  const table = user.table!;
  const column = user.column!.slice(`${table.schema}.${table.name}.`.length);
  const c = findTable(ctx.to, table)?.columns.find((x) => x.name === column);
  if (!c || c.default === null) return undefined;
  const col = `ALTER TABLE ${name(table)} ALTER COLUMN ${quoteIdent(column)}`;
  return { create: `${col} SET DEFAULT ${c.default};`, drop: `${col} DROP DEFAULT;` };
}

function findRoutine(db: Database, key: string): Function | undefined {
  for (const s of db.schemas) for (const fn of s.functions) if (routineKey(s.name, fn) === key) return fn;
  return undefined;
}

const UNCHECKED_BODIES = 'SET check_function_bodies = false;';

/**
 * PostgreSQL checks a quoted body when the function is created: a SQL body has its names
 * resolved, a PL/pgSQL body is compiled (its `%TYPE` and row-type declarations resolved). Either
 * would fail on a table created later in the same migration; pg_dump turns the check off for
 * this reason. Done once per plan, in both files: every function change creates one in one of
 * them.
 */
function uncheckFunctionBodies(ctx: Context, emit: Emitter): void {
  if (ctx.out.some((s) => s.sql === UNCHECKED_BODIES)) return;
  const reset = 'RESET check_function_bodies;';
  emit({ sql: UNCHECKED_BODIES, reverse: reset, step: STEP.uncheckedBodies });
  emit({ sql: reset, reverse: UNCHECKED_BODIES, step: STEP.checkedBodies });
}

/**
 * With check_function_bodies off a quoted body binds no names when it is created: only the
 * types of the signature must exist, so the routine comes before the tables. PostgreSQL
 * resolves a SQL-standard body at once: after the quoted ones it may call.
 */
function creationStep(fn: Function, db: Database): number {
  if (boundToRelations(fn, db)) return STEP.createBoundFunction;
  return fn.sqlStandardBody ? STEP.createFunction + 0.5 : STEP.createFunction;
}

/** Types built on others go first (see `typeDepth`); one replaced under its name goes before the creations. */
function dropTypeStep(ctx: Context, schema: string, name: string): number {
  return (replaced(ctx, schema, name) ? STEP.createType - 1 : STEP.dropType) - typeDepth(ctx.from, schema, name) / 100;
}

/** A type dropped and created again under its name (a new base type or attributes): the drop goes first. */
function replaced(ctx: Context, schema: string, name: string): boolean {
  return ctx.changes.some((c) => (c.kind === 'create-domain' && c.domain.name === name || c.kind === 'create-composite' && c.type.name === name) && c.schema === schema);
}

/** A foreign key a partition has from its parent, dropped after DETACH PARTITION leaves it its own (PostgreSQL refuses before). */
function detachedClone(table: QualifiedName, fk: string, ctx: Context): boolean {
  return ctx.changes.some((c) => c.kind === 'detach-partition' && c.table.schema === table.schema && c.table.name === table.name && !!findTable(ctx.from, c.parent)?.foreignKeys.some((p) => p.name === fk));
}

function isPartitioned(db: Database, qn: QualifiedName): boolean {
  return !!findTable(db, qn)?.partitioning;
}

/** How deep in a partition / inheritance tree a table is: children drop before parents. */
function depth(table: Table, db: Database): number {
  let d = 0;
  let t: Table | undefined = table;
  while (t && d < 50) {
    const parent: QualifiedName | undefined = t.partitionOf?.parent ?? t.inherits?.[0];
    if (!parent) break;
    t = findTable(db, parent);
    d++;
  }
  return -d;
}

/**
 * A view re-created by a plan that renames a table or column it reads (directly or through
 * other views) is dropped before the renames: its `from` text names the old names, and the
 * down file re-creates it after the renames are undone.
 */
function readsRenamed(ctx: Context, schema: string, view: string): boolean {
  const renamed = new Set(ctx.changes.flatMap((c) => (c.kind === 'rename-table' ? [`${c.schema}.${c.to}`] : c.kind === 'rename-column' ? [`${c.table.schema}.${c.table.name}`] : [])));
  if (!renamed.size) return false;
  const views = new Map<string, View>(ctx.from.schemas.flatMap((s) => s.views.map((v): [string, View] => [`${s.name}.${v.name}`, v])));
  const seen = new Set<string>();
  const reads = (k: string): boolean => {
    if (seen.has(k)) return false;
    seen.add(k);
    return (views.get(k)?.reads ?? []).some((r) => renamed.has(`${r.schema}.${r.name}`) || reads(`${r.schema}.${r.name}`));
  };
  return reads(`${schema}.${view}`);
}

function viewDepth(db: Database, schema: string, view: string): number {
  const views = new Map<string, View>(db.schemas.flatMap((s) => s.views.map((v): [string, View] => [`${s.name}.${v.name}`, v])));
  const seen = new Set<string>();
  const walk = (k: string): number => {
    if (seen.has(k)) return 0;
    seen.add(k);
    const v = views.get(k);
    if (!v) return 0;
    return 1 + Math.max(0, ...v.reads.map((r) => walk(`${r.schema}.${r.name}`)));
  };
  return Math.min(walk(`${schema}.${view}`), 99);
}

function inheritedForeignKey(db: Database, table: Table, fk: ForeignKey): boolean {
  const parent = table.partitionOf && findTable(db, table.partitionOf.parent);
  return !!parent?.foreignKeys.some((p) => p.name === fk.name || sameForeignKeyShape(p, fk));
}

/** CREATE TABLE (or PARTITION OF) with its indexes and NOT VALID checks: what re-creates a dropped table. */
function createTableStatements(schema: string, table: Table, db: Database): string[] {
  const located: Located<Table> = { schema, object: table };
  const parents = (table.partitionOf ? [table.partitionOf.parent] : (table.inherits ?? [])).flatMap((qn) => {
    const t = findTable(db, qn);
    return t ? [{ schema: qn.schema, object: t }] : [];
  });
  const parentTable = table.partitionOf ? parents[0]?.object : undefined;
  const statements = [table.partitionOf && parents.length ? createPartition(located, parents[0]) : createTable(located, parents)];
  for (const check of table.checks) if (check.notValid) statements.push(`ALTER TABLE ${qualifiedName(schema, table.name)} ADD ${checkClause(check)} NOT VALID;`);
  for (const index of table.indexes) {
    if (parentTable?.indexes.some((p) => !p.only && sameIndexShape(p, index))) continue;
    statements.push(createIndex(qualifiedName(schema, table.name), index));
  }
  return statements;
}

/** COMMENT ON the table and its columns. */
function tableComments(qn: QualifiedName, table: Table): string[] {
  const on = (target: string, text: string | undefined) => (text === undefined ? [] : [`COMMENT ON ${target} IS ${quoteLiteral(text)};`]);
  return [...on(`TABLE ${name(qn)}`, table.comment), ...table.columns.flatMap((c) => on(`COLUMN ${name(qn)}.${quoteIdent(c.name)}`, c.comment))];
}

type Emitter = (s: Emit) => void;

function planCreateTable(schema: string, table: Table, ctx: Context, emit: Emitter): void {
  const qn = { schema, name: table.name };
  const [create, ...rest] = createTableStatements(schema, table, ctx.to);
  emit({ sql: create, reverse: `DROP TABLE ${name(qn)};`, step: STEP.createTable - depth(table, ctx.to) / 100 });
  for (const sql of rest) emit({ sql, reverse: null, step: STEP.addIndex });
  for (const fk of table.foreignKeys) {
    if (inheritedForeignKey(ctx.to, table, fk)) continue;
    // A key this plan attaches USING INDEX exists only in the validate phase.
    const late = ctx.lateKeys.has(keyId(fk.refTable, fk.refColumns));
    // The referenced table, if it exists already, is locked SHARE ROW EXCLUSIVE (briefly: a new table has no rows to check).
    const referenced = !ctx.newTables.has(`${fk.refTable.schema}.${fk.refTable.name}`) && { lock: { level: 'SHARE ROW EXCLUSIVE' as LockLevel, on: name(fk.refTable) } };
    // DROP TABLE would take the foreign key with it, but the down file drops the tables in
    // reverse creation order, not by reference: a table referenced by another new one, or a
    // key this plan adds elsewhere, may go first, which the foreign key would block.
    emit({ sql: `ALTER TABLE ${name(qn)} ADD ${foreignKeyClause(fk)};`, reverse: `ALTER TABLE ${name(qn)} DROP CONSTRAINT ${quoteIdent(fk.name)};`, step: STEP.addForeignKey, phase: late ? 'validate' : 'main', ...referenced });
  }
}

function planAlterColumn(change: Extract<Change, { kind: 'alter-column' }>, ctx: Context, emit: Emitter): void {
  const t = name(change.table);
  const { from, to } = change;
  const col = `ALTER TABLE ${t} ALTER COLUMN ${quoteIdent(to.name)}`;
  const isNew = ctx.newTables.has(`${change.table.schema}.${change.table.name}`);
  const lock = { lock: { level: 'ACCESS EXCLUSIVE' as LockLevel, on: t } };

  if (change.changed.includes('generated') && !planGenerationInPlace(change, ctx, emit)) return planColumnSwap(change, ctx, emit);
  // A default calling a routine the plan re-creates is unset before it and set after it (see planRoutineUsers).
  const aroundRoutine = routineUsersIn(ctx).defaults.has(`${change.table.schema}.${change.table.name}.${to.name}`);
  const defaultChanged = change.changed.includes('default') && !aroundRoutine;
  const typeChanged = change.changed.includes('type') || change.changed.includes('collation');
  const identityChanged = change.changed.includes('identity');
  // A default that the new type cannot take, or a serial default an identity replaces, goes first.
  // The old default may not cast to the new type (normalising hides '1' vs 1): it goes first
  // whenever the type changes, and the new one is set after.
  const resetDefault = !aroundRoutine && (defaultChanged || typeChanged) && from.default !== null && (typeChanged || identityChanged);
  if (resetDefault) {
    emit({ sql: `${col} DROP DEFAULT;`, reverse: `${col} SET DEFAULT ${from.default};`, step: STEP.alterColumn, ...lock });
  }
  if (identityChanged && from.identity && !to.identity) {
    emit({ sql: `${col} DROP IDENTITY;`, reverse: `${col} ADD GENERATED ${from.identity.toUpperCase()} AS IDENTITY;`, step: STEP.alterColumn, ...lock });
  }
  if (typeChanged) {
    const narrowing = narrowingTypeChange(from.type, to.type);
    // 'unless-utc' (timestamp ↔ timestamptz) depends on the session's TimeZone: counted as a rewrite.
    const rewrites = typeChangeCost(ctx.to, change.table.schema, from.type, to.type, ctx.options.pgVersion).rewrite !== 'no';
    const collate = to.collation ? ` COLLATE ${collationSql(to.collation)}` : '';
    const backCollate = from.collation ? ` COLLATE ${collationSql(from.collation)}` : '';
    const hazards: Hazard[] = [];
    if (narrowing && !isNew) hazards.push({ kind: 'narrowing-type', message: `${t}.${to.name} changes from ${from.type} to ${to.type}: values that do not fit fail the migration or lose precision` });
    if (rewrites && !isNew) hazards.push({ kind: 'table-rewrite', message: `${t}.${to.name} ${from.type} → ${to.type} rewrites ${t} and its indexes under ACCESS EXCLUSIVE` });
    const cast = castFor(ctx);
    emit({
      sql: `${col} TYPE ${to.type}${collate} USING ${cast(quoteIdent(to.name), from.type, to.type)};`,
      reverse: `${col} TYPE ${from.type}${backCollate} USING ${cast(quoteIdent(to.name), to.type, from.type)};`,
      step: STEP.alterColumn,
      rewrites: rewrites && !isNew,
      hazards,
      ...(isNew ? {} : lock),
      ...(narrowing && !isNew && { lost: `values of ${t}.${to.name} changed by the cast to ${to.type}` }),
    });
  }
  if (identityChanged && to.identity) {
    emit({
      sql: from.identity ? `${col} SET GENERATED ${to.identity.toUpperCase()};` : `${col} ADD GENERATED ${to.identity.toUpperCase()} AS IDENTITY;`,
      reverse: from.identity ? `${col} SET GENERATED ${from.identity.toUpperCase()};` : `${col} DROP IDENTITY;`,
      step: STEP.alterColumn,
      ...lock,
    });
  }
  if ((defaultChanged || resetDefault) && to.default !== null) {
    emit({ sql: `${col} SET DEFAULT ${to.default};`, reverse: from.default !== null && !resetDefault ? `${col} SET DEFAULT ${from.default};` : `${col} DROP DEFAULT;`, step: STEP.alterColumn + 0.5, ...lock });
  } else if (defaultChanged && from.default !== null && !typeChanged && !identityChanged) {
    emit({ sql: `${col} DROP DEFAULT;`, reverse: `${col} SET DEFAULT ${from.default};`, step: STEP.alterColumn, ...lock });
  }
  if (change.changed.includes('notNull')) {
    if (!to.notNull) {
      emit({ sql: `${col} DROP NOT NULL;`, reverse: `${col} SET NOT NULL;`, step: STEP.alterColumn, ...lock });
    } else if (isNew || ctx.options.offline || ctx.options.pgVersion < 12 || to.identity) {
      // Identity needs NOT NULL first.
      emit({ sql: `${col} SET NOT NULL;`, reverse: `${col} DROP NOT NULL;`, step: STEP.alterColumn - (to.identity ? 0.5 : -0.5), scans: !isNew, ...(isNew ? {} : lock) });
    } else {
      // PostgreSQL 12+: SET NOT NULL skips its scan when a validated CHECK proves it; the CHECK
      // is added NOT VALID (brief lock), validated under SHARE UPDATE EXCLUSIVE, then dropped.
      const check = quoteIdent(uniqueName(`${change.table.name}_${to.name}_not_null`));
      // Before keys attached USING INDEX: a primary key leaves NOT NULL behind when dropped, so
      // the down file must drop the key first and the NOT NULL after.
      emit({ sql: `ALTER TABLE ${t} ADD CONSTRAINT ${check} CHECK (${quoteIdent(to.name)} IS NOT NULL) NOT VALID;`, reverse: `ALTER TABLE ${t} DROP CONSTRAINT IF EXISTS ${check};`, step: STEP.alterColumn + 0.5, ...lock });
      emit({ sql: `ALTER TABLE ${t} VALIDATE CONSTRAINT ${check};`, reverse: null, step: STEP.validate, phase: 'validate', scans: true, lock: { level: 'SHARE UPDATE EXCLUSIVE', on: t } });
      emit({ sql: `${col} SET NOT NULL;`, reverse: `${col} DROP NOT NULL;`, step: STEP.validate + 0.5, phase: 'validate', ...lock });
      // Reversed to the state the validate migration found (a NOT VALID check), so its down can be checked on its own.
      emit({ sql: `ALTER TABLE ${t} DROP CONSTRAINT ${check};`, reverse: `ALTER TABLE ${t} ADD CONSTRAINT ${check} CHECK (${quoteIdent(to.name)} IS NOT NULL) NOT VALID;`, step: STEP.validate + 0.6, phase: 'validate', ...lock });
    }
  }
}

/**
 * A generation expression changed where PostgreSQL can do it in place: SET EXPRESSION (17+)
 * recomputes every row, a rewrite under ACCESS EXCLUSIVE that rebuilds the indexes; DROP
 * EXPRESSION (13+) makes the column plain and keeps its values, without a rewrite. The way
 * back from a plain column to a generated one is always a re-added column.
 */
function planGenerationInPlace(change: Extract<Change, { kind: 'alter-column' }>, ctx: Context, emit: Emitter): boolean {
  const t = name(change.table);
  const { from, to } = change;
  const col = `ALTER TABLE ${t} ALTER COLUMN ${quoteIdent(to.name)}`;
  const lock = { lock: { level: 'ACCESS EXCLUSIVE' as LockLevel, on: t } };
  if (from.generated !== undefined && to.generated !== undefined && ctx.options.pgVersion >= 17) {
    const hazards: Hazard[] = [{ kind: 'table-rewrite', message: `SET EXPRESSION on ${t}.${to.name} recomputes it for every row: ${t} and its indexes are rewritten under ACCESS EXCLUSIVE` }];
    emit({ sql: `${col} SET EXPRESSION AS (${to.generated});`, reverse: `${col} SET EXPRESSION AS (${from.generated});`, step: STEP.alterColumn, rewrites: true, hazards, ...lock });
    return true;
  }
  if (from.generated !== undefined && to.generated === undefined && ctx.options.pgVersion >= 13) {
    const back = columnSwap(ctx, change.table, to, from, [ctx.to, ctx.from]).map((s) => s.sql);
    emit({ sql: `${col} DROP EXPRESSION;`, reverse: back.join('\n'), step: STEP.alterColumn, ...lock });
    return true;
  }
  return false;
}

/**
 * Whether a column change is planned as DROP COLUMN + ADD COLUMN (see `planGenerationInPlace`):
 * what mentions the column is then dropped with it, as by a dropped column.
 */
function readdsColumn(c: Change, pgVersion: number): c is Extract<Change, { kind: 'alter-column' }> {
  if (c.kind !== 'alter-column' || !c.changed.includes('generated')) return false;
  const [from, to] = [c.from.generated !== undefined, c.to.generated !== undefined];
  return !((from && to && pgVersion >= 17) || (from && !to && pgVersion >= 13));
}

/**
 * A column re-added to change what PostgreSQL cannot alter (a plain column made generated, a
 * generation expression before 17, a generated column made plain before 13). DROP COLUMN takes
 * the column's indexes and constraints with it and is refused while a foreign key of another
 * table or a trigger depends on it: those are dropped first and re-created after, with the
 * comment. Done in the main migration: ADD COLUMN of a generated column rewrites the table
 * under ACCESS EXCLUSIVE anyway, so a concurrent build would gain nothing.
 */
function planColumnSwap(change: Extract<Change, { kind: 'alter-column' }>, ctx: Context, emit: Emitter): void {
  const t = name(change.table);
  const { from, to } = change;
  const hazards: Hazard[] = [];
  if (from.generated === undefined) {
    hazards.push({ kind: 'drop-column', message: `${t}.${from.name} becomes generated: PostgreSQL cannot change a plain column into one, so it is dropped with its values and added again` });
  } else if (to.generated === undefined) {
    hazards.push({ kind: 'drop-column', message: `${t}.${from.name} becomes plain: PostgreSQL before 13 has no DROP EXPRESSION, so it is dropped and added again empty` });
  }
  if (to.generated !== undefined) hazards.push({ kind: 'table-rewrite', message: `${t}.${to.name} is added again as a generated column: every row is computed, rewriting ${t}; its indexes and constraints are built again` });
  const lost = hazards.some((h) => h.kind === 'drop-column') ? { lost: `the values of ${t}.${quoteIdent(from.name)}${from.generated === undefined ? ' (replaced by generated ones)' : ''}` } : {};
  const statements = columnSwap(ctx, change.table, from, to, [ctx.from, ctx.to]);
  const added = statements.findIndex((s) => s.sql.includes(' ADD COLUMN '));
  statements.forEach(({ sql, reverse, on }, i) => {
    const at = { step: STEP.alterColumn, lock: { level: 'ACCESS EXCLUSIVE' as LockLevel, on } };
    if (i === added) return emit({ sql, reverse, ...at, rewrites: to.generated !== undefined, hazards, ...lost });
    // What comes back after the column is built again, reading every row.
    emit({ sql, reverse, ...at, scans: i > added && !sql.startsWith('COMMENT ') });
  });
}

/**
 * The statements that replace column `a` of `db[0]` by `b` of `db[1]` under the same name, each
 * with its reverse. The way back from a plain column made generated is DROP EXPRESSION (13+),
 * which keeps the values, when nothing else of the column changed.
 */
function columnSwap(ctx: Context, qn: QualifiedName, a: Column, b: Column, [before, after]: [Database, Database]): { sql: string; reverse: string | null; on: string }[] {
  const t = name(qn);
  const deps = unchangedDependents(columnDependents(before, qn, a.name), columnDependents(after, qn, b.name), touchedByChanges(ctx.changes));
  const comment = (c: Column) => (c.comment !== undefined ? [`COMMENT ON COLUMN ${t}.${quoteIdent(c.name)} IS ${quoteLiteral(c.comment)};`] : []);
  const col = `ALTER TABLE ${t} ALTER COLUMN ${quoteIdent(a.name)}`;
  const inPlace =
    ctx.options.pgVersion >= 13 && a.generated === undefined && b.generated !== undefined && a.type === b.type && a.collation === b.collation && !a.identity
      ? [`${col} DROP EXPRESSION;`, ...(a.default !== null ? [`${col} SET DEFAULT ${a.default};`] : []), ...(a.notNull !== b.notNull ? [`${col} ${a.notNull ? 'SET' : 'DROP'} NOT NULL;`] : [])]
      : null;
  return [
    // Kept by DROP EXPRESSION, the dependents need not be dropped again on the way back.
    ...deps.map(({ from: d }) => ({ sql: d.drop, reverse: inPlace ? null : d.create, on: name(d.table) })),
    { sql: `ALTER TABLE ${t} DROP COLUMN ${quoteIdent(a.name)};`, reverse: (inPlace ?? [`ALTER TABLE ${t} ADD COLUMN ${columnDefinition(a)};`, ...comment(a)]).join('\n'), on: t },
    { sql: `ALTER TABLE ${t} ADD COLUMN ${columnDefinition(b)};`, reverse: inPlace ? null : `ALTER TABLE ${t} DROP COLUMN ${quoteIdent(b.name)};`, on: t },
    ...comment(b).map((sql) => ({ sql, reverse: null, on: t })),
    ...[...deps].reverse().map(({ to: d }) => ({ sql: d.create, reverse: inPlace ? null : d.drop, on: name(d.table) })),
  ];
}

/** A value of one type as another. Enums cast to nothing but text: one enum (or a text value) to another goes through text. */
function castFor(ctx: Context): (value: string, from: string, to: string) => string {
  const isEnum = (type: string) => ctx.enums.has(type.replace(/\[\]$/, ''));
  return (value, from, to) => (from === to ? value : `${value}${isEnum(from) || isEnum(to) ? '::text' : ''}::${to}`);
}

/** A constraint as `ADD` takes it. */
function constraintClause(table: QualifiedName, c: Constraint, db: Database): string {
  switch (c.type) {
    case 'primary-key':
      return primaryKeyClause(c.value);
    case 'unique':
      return uniqueClause(c.value);
    case 'check':
      return `${checkClause(c.value)}${c.value.notValid ? ' NOT VALID' : ''}`;
    case 'exclusion':
      return exclusionClause(findTable(db, table) ?? ({ columns: [] } as unknown as Table), c.value);
    case 'foreign-key':
      return foreignKeyClause(c.value);
  }
}

function planAddConstraint(table: QualifiedName, c: Constraint, ctx: Context, emit: Emitter): void {
  const t = name(table);
  const isNew = ctx.newTables.has(`${table.schema}.${table.name}`);
  const online = !ctx.options.offline && !isNew;
  const drop = `ALTER TABLE ${t} DROP CONSTRAINT ${quoteIdent(c.value.name)};`;
  // A foreign key also takes SHARE ROW EXCLUSIVE on the table it references (its triggers are added there), new table or not.
  const referenced = c.type === 'foreign-key' && !ctx.newTables.has(`${c.value.refTable.schema}.${c.value.refTable.name}`) ? [name(c.value.refTable)] : [];
  const lockOf = (level: LockLevel, withReferenced = false) => {
    const on = [...(isNew ? [] : [t]), ...(withReferenced ? referenced.filter((r) => r !== t) : [])];
    return on.length ? { lock: { level, on: on.join(' and ') } } : {};
  };

  // A key this plan builds outside the main migration exists only in the validate migration.
  const late = c.type === 'foreign-key' && ctx.lateKeys.has(keyId(c.value.refTable, c.value.refColumns));
  if ((c.type === 'check' || c.type === 'foreign-key') && online && !c.value.notValid) {
    // Added NOT VALID (new rows checked at once), the old rows validated later under a lock that lets writes through.
    emit({
      sql: `ALTER TABLE ${t} ADD ${constraintClause(table, c, ctx.to)} NOT VALID;`,
      reverse: drop,
      step: c.type === 'foreign-key' ? STEP.addForeignKey : STEP.addConstraint,
      phase: late ? 'validate' : 'main',
      ...lockOf(c.type === 'foreign-key' ? 'SHARE ROW EXCLUSIVE' : 'ACCESS EXCLUSIVE', true),
    });
    // No statement un-validates a constraint: the down drops it and adds it back NOT VALID, as the main migration left it.
    emit({
      sql: `ALTER TABLE ${t} VALIDATE CONSTRAINT ${quoteIdent(c.value.name)};`,
      reverse: `${drop}\nALTER TABLE ${t} ADD ${constraintClause(table, c, ctx.to)} NOT VALID;`,
      step: late ? STEP.validateLate : STEP.validate,
      phase: 'validate',
      scans: true,
      ...lockOf('SHARE UPDATE EXCLUSIVE'),
    });
    return;
  }
  if ((c.type === 'primary-key' || c.type === 'unique') && online && !isPartitioned(ctx.to, table) && !isPartitioned(ctx.from, table)) {
    // The unique index is built CONCURRENTLY (writes go on), then becomes the constraint in a brief ACCESS EXCLUSIVE.
    const v = c.value;
    const cols = (names: string[]) => names.map(quoteIdent).join(', ');
    const include = v.include?.length ? ` INCLUDE (${cols(v.include)})` : '';
    const nulls = c.type === 'unique' && c.value.nullsNotDistinct ? ' NULLS NOT DISTINCT' : '';
    const index = qualifiedName(table.schema, v.name);
    emit({
      sql: `CREATE UNIQUE INDEX CONCURRENTLY ${quoteIdent(v.name)} ON ${t} (${cols(v.columns)})${include}${nulls};`,
      reverse: `DROP INDEX CONCURRENTLY IF EXISTS ${index};`,
      step: STEP.addIndex,
      phase: 'concurrent',
      scans: true,
      lock: { level: 'SHARE UPDATE EXCLUSIVE', on: t },
    });
    emit({
      sql: `ALTER TABLE ${t} ADD CONSTRAINT ${quoteIdent(v.name)} ${c.type === 'primary-key' ? 'PRIMARY KEY' : 'UNIQUE'} USING INDEX ${quoteIdent(v.name)}${c.type === 'unique' ? deferral(c.value) : ''};`,
      // The constraint takes its index with it: built again (not concurrently: a down is a rollback), the concurrent migration's down finds it.
      reverse: `${drop}\nCREATE UNIQUE INDEX ${quoteIdent(v.name)} ON ${t} (${cols(v.columns)})${include}${nulls};`,
      step: STEP.addConstraint,
      phase: 'validate',
      // A primary key over nullable columns sets them NOT NULL, which scans the table.
      scans: c.type === 'primary-key',
      lock: { level: 'ACCESS EXCLUSIVE', on: t },
    });
    ctx.lateKeys.add(keyId(table, v.columns));
    return;
  }
  emit({
    sql: `ALTER TABLE ${t} ADD ${constraintClause(table, c, ctx.to)};`,
    reverse: drop,
    step: c.type === 'foreign-key' ? STEP.addForeignKey : STEP.addConstraint,
    scans: !isNew,
    ...(late && { phase: 'validate' }),
    ...lockOf(c.type === 'foreign-key' ? 'SHARE ROW EXCLUSIVE' : 'ACCESS EXCLUSIVE', true),
  });
}

// Column order does not matter for a foreign key to find its referenced key.
const keyId = (table: QualifiedName, columns: string[]) => `${table.schema}.${table.name}(${[...columns].sort().join(',')})`;

function planAddIndex(table: QualifiedName, index: Index, ctx: Context, emit: Emitter): void {
  const t = name(table);
  const isNew = ctx.newTables.has(`${table.schema}.${table.name}`);
  // CONCURRENTLY is refused on a partitioned table (PostgreSQL builds each partition's index itself).
  const concurrent = !ctx.options.offline && !isNew && !isPartitioned(ctx.to, table) && !index.only;
  const sql = createIndex(t, index);
  const qn = qualifiedName(table.schema, index.name);
  emit({
    sql: concurrent ? sql.replace(/^CREATE (UNIQUE )?INDEX /, (m) => `${m}CONCURRENTLY `) : sql,
    reverse: concurrent ? `DROP INDEX CONCURRENTLY IF EXISTS ${qn};` : `DROP INDEX ${qn};`,
    step: STEP.addIndex,
    phase: concurrent ? 'concurrent' : 'main',
    scans: !isNew,
    ...(isNew ? {} : { lock: { level: concurrent ? ('SHARE UPDATE EXCLUSIVE' as LockLevel) : ('SHARE' as LockLevel), on: t } }),
  });
  // Built after the main migration: a foreign key referencing it waits for the validate migration.
  if (concurrent && referenceable(index)) ctx.lateKeys.add(keyId(table, index.columns));
}

/**
 * Values removed or reordered: the old type is renamed aside, the new one created, every
 * column converted through text, the old type dropped. A value still in use makes the cast
 * fail. The reverse is the same swap the other way, carried by the first statement.
 */
function planEnumSwap(change: Extract<Change, { kind: 'replace-enum' }>, ctx: Context, emit: Emitter): void {
  // Those the diff adds come after the swap anyway, and those it drops go before it.
  const added = (d: SwapDependent) =>
    ctx.changes.some((c) => (c.kind === 'add-index' ? c.index.name : c.kind === 'add-constraint' ? c.constraint.value.name : undefined) === d.name && c.kind === (d.kind === 'index' ? 'add-index' : 'add-constraint') && c.table.schema === d.table.schema && c.table.name === d.table.name);
  for (const d of swapDependents(ctx.to, change.columns).filter((x) => !added(x))) {
    const lock = { lock: { level: 'ACCESS EXCLUSIVE' as LockLevel, on: name(d.table) } };
    // Built again inside the transaction, not CONCURRENTLY: the swap rewrites the table and its indexes under ACCESS EXCLUSIVE anyway.
    emit({ sql: d.drop, reverse: d.create, step: STEP.createEnum - 0.5, ...lock });
    emit({ sql: d.create, reverse: d.drop, step: STEP.createEnum + 0.5, scans: true, ...lock });
  }
  // After the indexes and CHECKs that may call them go, before they come back.
  recreateRoutinesUsing(change.schema, change.to.name, { drop: STEP.createEnum - 0.4, create: STEP.createEnum + 0.4 }, ctx, emit);
  const removed = change.from.values.filter((v) => !change.to.values.includes(v));
  const qn = qualifiedName(change.schema, change.to.name);
  const hazards: Hazard[] = removed.length ? [{ kind: 'drop-enum-value', message: `${qn} loses ${removed.map((v) => `'${v}'`).join(', ')}: rows holding them make the migration fail` }] : [];
  const up = enumSwap(change.schema, change.to, change.columns);
  const down = enumSwap(change.schema, change.from, change.fromColumns);
  up.forEach((sql, i) =>
    emit({
      sql,
      reverse: i === 0 ? down.join('\n') : null,
      step: STEP.createEnum,
      ...(i === 0 && { hazards }),
      ...(/ TYPE .* USING /.test(sql) && { rewrites: true }),
      ...(i === up.length - 1 && removed.length && { lost: `rows holding ${removed.join(', ')} of ${qn}` }),
    }),
  );
}

/** An index an enum swap of the main migration would fail to rebuild (see `swapDependents`): it must be gone before, not dropped CONCURRENTLY after. */
function readsSwappedEnum(ctx: Context, table: QualifiedName, index: string): boolean {
  return ctx.changes.some(
    (c) => c.kind === 'replace-enum' && swapDependents(ctx.from, c.fromColumns).some((d) => d.kind === 'index' && d.name === index && d.table.schema === table.schema && d.table.name === table.name),
  );
}

/** The swap between dropping the indexes, constraints and routines that use its type or columns and creating them again. */
function aroundSwap(dependents: SwapDependent[], routines: { drop: string; create: string }[], swap: string[]): string[] {
  return [...dependents.map((d) => d.drop), ...routines.map((r) => r.drop), ...swap, ...routines.map((r) => r.create), ...dependents.map((d) => d.create)];
}

/**
 * The routines whose signature uses a type swapped or replaced (see `routinesUsingType`):
 * dropped before it, as `from` has them, and created again after, as `to` has them. Those the
 * diff drops are left to it.
 */
function recreateRoutinesUsing(schema: string, type: string, steps: { drop: number; create: number }, ctx: Context, emit: Emitter): void {
  const spelling = typeSpelling(schema, type);
  const same = (a: { schema: string; routine: Function }, b: { schema: string; routine: Function }) => a.schema === b.schema && a.routine.name === b.routine.name && a.routine.arguments === b.routine.arguments;
  const dropped = (r: { schema: string; routine: Function }) => ctx.changes.some((c) => c.kind === 'drop-function' && same(r, { schema: c.schema, routine: c.function }));
  const now = routinesUsingType(ctx.to, spelling);
  // A routine using two swapped types is dropped once.
  const routines = routinesUsingType(ctx.from, spelling).filter((r) => !dropped(r) && !ctx.out.some((s) => s.sql === r.drop));
  if (routines.length) uncheckFunctionBodies(ctx, emit);
  for (const r of routines) {
    emit({ sql: r.drop, reverse: r.create, step: steps.drop });
    const kept = now.find((x) => same(x, r));
    if (kept) emit({ sql: kept.create, reverse: kept.drop, step: steps.create });
  }
}

function enumSwap(schema: string, target: { name: string; values: string[] }, columns: { table: QualifiedName; column: Column }[]): string[] {
  const qn = qualifiedName(schema, target.name);
  const aside = `${target.name}_old`.slice(0, 63);
  const statements = [`ALTER TYPE ${qn} RENAME TO ${quoteIdent(aside)};`, `CREATE TYPE ${qn} AS ENUM (${target.values.map(quoteLiteral).join(', ')});`];
  for (const { table, column } of columns) {
    const col = `ALTER TABLE ${name(table)} ALTER COLUMN ${quoteIdent(column.name)}`;
    if (column.default !== null) statements.push(`${col} DROP DEFAULT;`);
    statements.push(`${col} TYPE ${column.type} USING ${quoteIdent(column.name)}::text::${column.type};`);
    if (column.default !== null) statements.push(`${col} SET DEFAULT ${column.default};`);
  }
  statements.push(`DROP TYPE ${qualifiedName(schema, aside)};`);
  return statements;
}

/** The hazards that lose data and are not allowed: the plan must not be written. */
export function blockedHazards(plan: Plan, allowed: ReadonlySet<string>): Hazard[] {
  if (allowed.has('all')) return [];
  return plan.hazards.filter((h) => DATA_LOSS.has(h.kind) && !allowed.has(h.kind));
}

