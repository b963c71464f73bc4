import { parseSync } from 'libpg-query';
import type { Change, Constraint, DiffResult } from '../diff/changes.js';
import type { LockLevel } from '../lint/migration-types.js';
import { qualifiedName, quoteIdent } from '../model/quote-ident.js';
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
import { findTable } from '../lint/model-walk.js';
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
  /** Unique keys this plan attaches USING INDEX in the validate phase: `schema.table(cols)`. */
  lateKeys: Set<string>;
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
    droppedColumns: new Set(diff.changes.flatMap((c) => (c.kind === 'drop-column' ? [`${c.table.schema}.${c.table.name}.${c.column.name}`] : []))),
    lateKeys: new Set(),
    changes: diff.changes,
    enums: new Set([diff.from, diff.to].flatMap((db) => db.schemas.flatMap((s) => s.enums.map((e) => (s.name === 'public' ? quoteIdent(e.name) : qualifiedName(s.name, e.name)))))),
    out: [],
  };
  // Keys first: a foreign key added in the same plan must know where its referenced key lands.
  const ordered = [...diff.changes].sort((a, b) => Number(b.kind === 'add-constraint' && b.constraint.type !== 'foreign-key') - Number(a.kind === 'add-constraint' && a.constraint.type !== 'foreign-key'));
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
        reverse: first ? enumSwap(change.schema, change.previous, change.columns).join('\n') : null,
        step: STEP.createEnum,
        phase: 'enums',
      });
    }
    case 'replace-enum':
      return planEnumSwap(change, emit);
    case 'create-domain': {
      const qn = qualifiedName(change.schema, change.domain.name);
      return emit({ sql: createDomain(qn, change.domain), reverse: `DROP DOMAIN ${qn};`, step: STEP.createType });
    }
    case 'drop-domain': {
      const qn = qualifiedName(change.schema, change.domain.name);
      return emit({ sql: `DROP DOMAIN ${qn};`, reverse: createDomain(qn, change.domain), step: replaced(ctx, change.schema, change.domain.name) ? STEP.createType - 1 : STEP.dropType });
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
      return emit({ sql: createComposite(qn, change.type), reverse: `DROP TYPE ${qn};`, step: STEP.createType });
    }
    case 'drop-composite': {
      const qn = qualifiedName(change.schema, change.type.name);
      return emit({ sql: `DROP TYPE ${qn};`, reverse: createComposite(qn, change.type), step: replaced(ctx, change.schema, change.type.name) ? STEP.createType - 1 : STEP.dropType });
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
      const create = createTableStatements(change.schema, change.table, ctx.from);
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
      return emit({
        sql: `ALTER TABLE ${t} DROP CONSTRAINT ${quoteIdent(c.value.name)};`,
        reverse: `ALTER TABLE ${t} ADD ${constraintClause(change.table, c, ctx.from)};`,
        step: c.type === 'foreign-key' ? STEP.dropForeignKey : STEP.dropConstraint,
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
      const concurrent = online && !withColumn && !isPartitioned(ctx.from, change.table);
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
      return emit({
        sql: `ALTER TABLE ${parent} ATTACH PARTITION ${name(change.table)} ${change.bound};`,
        reverse: `ALTER TABLE ${parent} DETACH PARTITION ${name(change.table)};`,
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
        step: STEP.dropView - viewDepth(ctx.from, change.schema, change.view.name) / 100,
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
  // One that is created again (its result or parameters changed) goes just before it is.
  const recreated = ctx.changes.some((c) => c.kind === 'create-function' && c.schema === change.schema && c.function.name === fn.name && c.function.arguments === fn.arguments);
  const step = boundToRelations(fn, ctx.from) ? STEP.dropBoundFunction : recreated ? STEP.createFunction - 0.5 : STEP.dropFunction;
  emit({ sql: dropFunction(qn, fn), reverse: createFunction(qn, fn), step });
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

/**
 * A routine PostgreSQL binds to tables or views when it is created: a table's or view's row
 * type among its argument and result types, or a SQL-standard body that reads or writes one.
 * It is created after the tables and views, dropped before them.
 */
function boundToRelations(fn: Function, db: Database): boolean {
  const relations = new Set(db.schemas.flatMap((s) => [...s.tables, ...s.views].map((r) => (s.name === 'public' ? quoteIdent(r.name) : qualifiedName(s.name, r.name)))));
  const types = [fn.returns.replace(/^SETOF /, ''), ...(fn.parameters ?? []).map((p) => p.type)];
  return types.some((t) => relations.has(t.replace(/(\[\])+$/, ''))) || (!!fn.sqlStandardBody && namesRelation(fn.body ?? ''));
}

/** Whether a SQL-standard body names a relation (a table, a view, a CTE: anything the parser calls a RangeVar). */
function namesRelation(body: string): boolean {
  try {
    return JSON.stringify(parseSync(`CREATE FUNCTION f() ${body}`)).includes('"RangeVar"');
  } catch {
    return true;
  }
}

/** A type dropped and created again under its name (a new base type or attributes): the drop goes first. */
function replaced(ctx: Context, schema: string, name: string): boolean {
  return ctx.changes.some((c) => (c.kind === 'create-domain' && c.domain.name === name || c.kind === 'create-composite' && c.type.name === name) && c.schema === schema);
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
    emit({ sql: `ALTER TABLE ${name(qn)} ADD ${foreignKeyClause(fk)};`, reverse: late ? `ALTER TABLE ${name(qn)} DROP CONSTRAINT ${quoteIdent(fk.name)};` : null, step: STEP.addForeignKey, phase: late ? 'validate' : 'main', ...referenced });
  }
}

function planAlterColumn(change: Extract<Change, { kind: 'alter-column' }>, ctx: Context, emit: Emitter): void {
  const t = name(change.table);
  const { from, to } = change;
  const col = `ALTER TABLE ${t} ALTER COLUMN ${quoteIdent(to.name)}`;
  const isNew = ctx.newTables.has(`${change.table.schema}.${change.table.name}`);
  const lock = { lock: { level: 'ACCESS EXCLUSIVE' as LockLevel, on: t } };

  if (change.changed.includes('generated')) {
    // Until PostgreSQL 17's SET EXPRESSION, a generation expression is changed by re-adding the column; its values are derived.
    emit({ sql: `ALTER TABLE ${t} DROP COLUMN ${quoteIdent(from.name)};`, reverse: `ALTER TABLE ${t} ADD COLUMN ${columnDefinition(from)};`, step: STEP.alterColumn, ...lock });
    emit({ sql: `ALTER TABLE ${t} ADD COLUMN ${columnDefinition(to)};`, reverse: `ALTER TABLE ${t} DROP COLUMN ${quoteIdent(to.name)};`, step: STEP.alterColumn, rewrites: true, ...lock });
    return;
  }
  const defaultChanged = change.changed.includes('default');
  const typeChanged = change.changed.includes('type') || change.changed.includes('collation');
  const identityChanged = change.changed.includes('identity');
  // A default that the new type cannot take, or a serial default an identity replaces, goes first.
  // The old default may not cast to the new type (normalising hides '1' vs 1): it goes first
  // whenever the type changes, and the new one is set after.
  const resetDefault = (defaultChanged || typeChanged) && from.default !== null && (typeChanged || identityChanged);
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
    const collate = to.collation ? ` COLLATE ${quoteIdent(to.collation)}` : '';
    const backCollate = from.collation ? ` COLLATE ${quoteIdent(from.collation)}` : '';
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

  if ((c.type === 'check' || c.type === 'foreign-key') && online && !c.value.notValid) {
    // Added NOT VALID (new rows checked at once), the old rows validated later under a lock that lets writes through.
    const late = c.type === 'foreign-key' && ctx.lateKeys.has(keyId(c.value.refTable, c.value.refColumns));
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
}

/**
 * Values removed or reordered: the old type is renamed aside, the new one created, every
 * column converted through text, the old type dropped. A value still in use makes the cast
 * fail. The reverse is the same swap the other way, carried by the first statement.
 */
function planEnumSwap(change: Extract<Change, { kind: 'replace-enum' }>, emit: Emitter): void {
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

