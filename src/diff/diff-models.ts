import { normalizeForComparison } from '../model/normalize.js';
import { qualifiedName, quoteIdent } from '../model/quote-ident.js';
import type { Column, Database, Function, QualifiedName, Schema, Table, Trigger, View } from '../model/types.js';
import type { Change, ColumnAspect, Constraint, DiffResult, Renames, RenameSuggestion } from './changes.js';
import { applyRenames } from './apply-renames.js';
import { ownParts } from './own-parts.js';
import { partitionCopies } from './partition-copies.js';
import { relationNames } from '../lint/model-walk.js';

const COLUMN_ASPECTS: ColumnAspect[] = ['type', 'default', 'notNull', 'identity', 'generated', 'collation'];
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const byName = <T extends { name: string }>(items: readonly T[]) => new Map(items.map((i) => [i.name, i]));
const key = (qn: QualifiedName): string => `${qn.schema}.${qn.name}`;
/** Overloads share a name: a routine is its name and argument types. */
const routineKey = (f: Function): string => `${f.name}(${f.arguments})`;
const triggerKey = (t: Trigger): string => `${t.table.schema}.${t.table.name}.${t.name}`;

/**
 * The changes that turn `from` into `to`. Both models are normalised first, so spellings
 * (`int4` / `integer`, `'a'::text` / `'a'`) do not show as changes. Renames happen only when
 * asked; a drop and an add of the same shape are suggested as one.
 * Needs the parser loaded (`initNormalizer`).
 */
export function diffModels(from: Database, to: Database, renames: Renames = { tables: new Map(), columns: new Map() }): DiffResult {
  // Compared normalised, but planned from the originals: normalising drops casts and the
  // object's own schema from expressions, which would not run as written. Renamed first: the
  // texts renames rewrite are then normalised like `to`'s.
  const originalFrom = applyRenames(structuredClone(from), renames);
  const a = normalizeForComparison(originalFrom);
  const b = normalizeForComparison(to);
  const originals = new WeakMap<object, object>();
  pairUp(a, originalFrom, originals);
  pairUp(b, to, originals);
  const changes: Change[] = [];
  const notes: string[] = [];

  for (const [old, name] of renames.tables) {
    const dot = old.indexOf('.');
    changes.push({ kind: 'rename-table', schema: old.slice(0, dot), from: old.slice(dot + 1), to: name });
  }
  for (const [old, name] of renames.columns) {
    const parts = old.split('.');
    changes.push({ kind: 'rename-column', table: { schema: parts[0], name: parts[1] }, from: parts[2], to: name });
  }

  const schemasA = byName(a.schemas);
  const schemasB = byName(b.schemas);
  for (const s of b.schemas) if (!schemasA.has(s.name) && s.name !== 'public') changes.push({ kind: 'create-schema', schema: s.name });
  for (const s of a.schemas) if (!schemasB.has(s.name) && s.name !== 'public') changes.push({ kind: 'drop-schema', schema: s.name });

  const extA = byName(a.extensions);
  const extB = byName(b.extensions);
  for (const e of b.extensions) if (!extA.has(e.name)) changes.push({ kind: 'create-extension', extension: e });
  for (const e of a.extensions) if (!extB.has(e.name)) changes.push({ kind: 'drop-extension', extension: e });

  const empty = (name: string): Schema => ({ name, tables: [], views: [], enums: [], domains: [], compositeTypes: [], sequences: [], functions: [], triggers: [] });
  const names = [...new Set([...a.schemas.map((s) => s.name), ...b.schemas.map((s) => s.name)])];
  const tablesA = tableIndex(a);
  const tablesB = tableIndex(b);
  for (const name of names) {
    const sa = schemasA.get(name) ?? empty(name);
    const sb = schemasB.get(name) ?? empty(name);
    diffSchema(sa, sb, { a, b, tablesA, tablesB }, changes, notes);
  }
  recreateDependentViews(a, b, changes);
  recreateDependentTriggers(a, b, changes);
  return { changes: changes.map((c) => withOriginals(c, originals)), suggestions: suggestRenames(changes), notes, from: originalFrom, to };
}

/** Records, for each object of a normalised model, the object it was copied from. */
function pairUp(normal: Database, original: Database, into: WeakMap<object, object>): void {
  const match = <T extends object>(normals: readonly T[], originals: readonly T[], k: (item: T) => string, inner?: (n: T, o: T) => void) => {
    const byKey = new Map(originals.map((o) => [k(o), o]));
    for (const n of normals) {
      const o = byKey.get(k(n));
      if (!o) continue;
      into.set(n, o);
      inner?.(n, o);
    }
  };
  const named = (x: { name: string }) => x.name;
  match(normal.schemas, original.schemas, named, (ns, os) => {
    match(ns.tables, os.tables, named, (nt, ot) => {
      match(nt.columns, ot.columns, named);
      if (nt.primaryKey && ot.primaryKey) into.set(nt.primaryKey, ot.primaryKey);
      match(nt.uniques, ot.uniques, named);
      match(nt.checks, ot.checks, named);
      match(nt.exclusions, ot.exclusions, named);
      match(nt.foreignKeys, ot.foreignKeys, named);
      match(nt.indexes, ot.indexes, named);
    });
    match(ns.views, os.views, named);
    match(ns.enums, os.enums, named);
    match(ns.domains, os.domains, named);
    match(ns.compositeTypes, os.compositeTypes, named);
    match(ns.sequences, os.sequences, named);
    match(ns.functions, os.functions, routineKey);
    match(ns.triggers, os.triggers, triggerKey);
  });
}

/** The change with every object replaced by its original. */
function withOriginals(change: Change, originals: WeakMap<object, object>): Change {
  const o = <T>(x: T): T => ((x && typeof x === 'object' && (originals.get(x) as T)) || x);
  const copy: any = { ...change };
  for (const k of ['table', 'column', 'index', 'view', 'enum', 'domain', 'sequence', 'type', 'function', 'trigger', 'from', 'to'] as const) {
    if (copy[k] && typeof copy[k] === 'object') copy[k] = o(copy[k]);
  }
  if (copy.constraint) copy.constraint = { ...copy.constraint, value: o(copy.constraint.value) };
  for (const k of ['columns', 'fromColumns'] as const) if (copy[k]) copy[k] = copy[k].map((c: any) => ({ ...c, column: o(c.column) }));
  return copy as Change;
}

/**
 * PostgreSQL refuses to drop or retype a column a view reads, and to drop a view another
 * view reads: such views are dropped before and re-created after, even when their text is
 * unchanged. Transitive: a view over a re-created view is re-created too.
 */
function recreateDependentViews(a: Database, b: Database, changes: Change[]): void {
  const touched = new Set<string>();
  for (const c of changes) {
    if (c.kind === 'drop-column' || (c.kind === 'alter-column' && (c.changed.includes('type') || c.changed.includes('collation') || c.changed.includes('generated')))) touched.add(key(c.table));
    if (c.kind === 'drop-table') touched.add(`${c.schema}.${c.table.name}`);
    if (c.kind === 'drop-view') touched.add(`${c.schema}.${c.view.name}`);
    if (c.kind === 'replace-enum') for (const col of c.columns) touched.add(key(col.table));
  }
  const viewsB = new Map<string, View>(b.schemas.flatMap((s) => s.views.map((v): [string, View] => [`${s.name}.${v.name}`, v])));
  let grew = true;
  while (grew) {
    grew = false;
    for (const s of a.schemas) {
      for (const v of s.views) {
        const name = `${s.name}.${v.name}`;
        if (touched.has(name) || !v.reads.some((r) => touched.has(key(r)))) continue;
        touched.add(name);
        grew = true;
        changes.push({ kind: 'drop-view', schema: s.name, view: v });
        const now = viewsB.get(name);
        if (now && !changes.some((c) => c.kind === 'create-view' && c.schema === s.name && c.view.name === v.name)) changes.push({ kind: 'create-view', schema: s.name, view: now });
      }
    }
  }
}

/**
 * A relation takes its triggers when it is dropped: the triggers on a table or view that is
 * re-created are dropped first and created again after, even when they are unchanged. (A
 * trigger function never needs that: it takes no arguments and returns `trigger`, so CREATE OR
 * REPLACE can always change it.)
 */
function recreateDependentTriggers(a: Database, b: Database, changes: Change[]): void {
  const created = new Set<string>();
  const dropped: string[] = [];
  const triggers = { dropped: new Set<string>(), created: new Set<string>() };
  for (const c of changes) {
    if (c.kind === 'create-table') created.add(`${c.schema}.${c.table.name}`);
    if (c.kind === 'create-view') created.add(`${c.schema}.${c.view.name}`);
    if (c.kind === 'drop-table') dropped.push(`${c.schema}.${c.table.name}`);
    if (c.kind === 'drop-view') dropped.push(`${c.schema}.${c.view.name}`);
    if (c.kind === 'drop-trigger') triggers.dropped.add(triggerKey(c.trigger));
    if (c.kind === 'create-trigger') triggers.created.add(triggerKey(c.trigger));
  }
  const recreated = new Set(dropped.filter((d) => created.has(d)));
  if (!recreated.size) return;
  const triggersB = new Map(b.schemas.flatMap((s) => s.triggers.map((t): [string, [string, Trigger]] => [triggerKey(t), [s.name, t]])));
  for (const s of a.schemas) {
    for (const t of s.triggers) {
      if (!recreated.has(key(t.table))) continue;
      if (!triggers.dropped.has(triggerKey(t))) changes.push({ kind: 'drop-trigger', schema: s.name, trigger: t });
      const now = triggersB.get(triggerKey(t));
      if (now && !triggers.created.has(triggerKey(t))) changes.push({ kind: 'create-trigger', schema: now[0], trigger: now[1] });
    }
  }
}

interface Models {
  a: Database;
  b: Database;
  tablesA: Map<string, Table>;
  tablesB: Map<string, Table>;
}

function tableIndex(db: Database): Map<string, Table> {
  const map = new Map<string, Table>();
  for (const s of db.schemas) for (const t of s.tables) map.set(`${s.name}.${t.name}`, t);
  return map;
}

function diffSchema(sa: Schema, sb: Schema, models: Models, changes: Change[], notes: string[]): void {
  const schema = sb.name;
  if (sa.comment !== sb.comment) changes.push({ kind: 'set-comment', target: { type: 'schema', schema }, from: sa.comment, to: sb.comment });

  // Enums: values only appended or inserted keep their order and can be added in place.
  const enumsA = byName(sa.enums);
  const enumsB = byName(sb.enums);
  for (const e of sb.enums) {
    const old = enumsA.get(e.name);
    if (!old) {
      changes.push({ kind: 'create-enum', schema, enum: e });
    } else if (!same(old.values, e.values)) {
      const kept = e.values.filter((v) => old.values.includes(v));
      if (kept.length === old.values.length && same(kept, old.values)) {
        e.values.forEach((value, i) => {
          if (old.values.includes(value)) return;
          // The value before it (existing, or added just before) anchors the position; at the
          // start, the first value after it that already exists.
          const after = e.values[i - 1];
          const before = e.values.slice(i + 1).find((v) => old.values.includes(v));
          changes.push({
            kind: 'add-enum-value',
            schema,
            enum: e.name,
            value,
            ...(after !== undefined ? { after } : { before }),
            previous: old,
            // For the way back: the columns as they were, with their old defaults.
            columns: persistingColumnsOfType(models, typeSpelling(schema, e.name), 'from'),
          });
        });
      } else {
        const spelling = typeSpelling(schema, e.name);
        changes.push({ kind: 'replace-enum', schema, from: old, to: e, columns: persistingColumnsOfType(models, spelling, 'to'), fromColumns: persistingColumnsOfType(models, spelling, 'from') });
      }
    }
    if (old && old.comment !== e.comment) changes.push({ kind: 'set-comment', target: { type: 'enum', enum: { schema, name: e.name } }, from: old.comment, to: e.comment });
    if (!old && e.comment !== undefined) changes.push({ kind: 'set-comment', target: { type: 'enum', enum: { schema, name: e.name } }, to: e.comment });
  }
  for (const e of sa.enums) if (!enumsB.has(e.name)) changes.push({ kind: 'drop-enum', schema, enum: e });

  pairs(sa.domains, sb.domains, {
    create: (domain) => changes.push({ kind: 'create-domain', schema, domain }),
    drop: (domain) => changes.push({ kind: 'drop-domain', schema, domain }),
    alter: (from, to) => changes.push(from.type === to.type ? { kind: 'alter-domain', schema, from, to } : { kind: 'drop-domain', schema, domain: from }, ...(from.type === to.type ? [] : [{ kind: 'create-domain' as const, schema, domain: to }])),
  });
  pairs(sa.compositeTypes, sb.compositeTypes, {
    create: (type) => changes.push({ kind: 'create-composite', schema, type }),
    drop: (type) => changes.push({ kind: 'drop-composite', schema, type }),
    alter: (from, to) => changes.push({ kind: 'drop-composite', schema, type: from }, { kind: 'create-composite', schema, type: to }),
  });
  pairs(sa.sequences, sb.sequences, {
    create: (sequence) => changes.push({ kind: 'create-sequence', schema, sequence }),
    drop: (sequence) => changes.push({ kind: 'drop-sequence', schema, sequence }),
    alter: (from, to) => changes.push({ kind: 'alter-sequence', schema, from, to }),
  });

  const tablesA = byName(sa.tables);
  for (const t of sb.tables) {
    const old = tablesA.get(t.name);
    const qn = { schema, name: t.name };
    if (!old) {
      changes.push({ kind: 'create-table', schema, table: t }, ...tableComments(qn, t));
    } else if (!same(old.partitioning, t.partitioning)) {
      // The partition key cannot be altered: the table is re-created (its data must be moved by hand).
      // The new table starts without comments; the drop's reverse puts the old ones back.
      changes.push({ kind: 'drop-table', schema, table: old }, { kind: 'create-table', schema, table: t }, ...tableComments(qn, t));
    } else {
      diffTable(qn, old, t, models, changes);
    }
  }
  for (const t of sa.tables) if (!byName(sb.tables).has(t.name)) changes.push({ kind: 'drop-table', schema, table: t });

  pairs(sa.views, sb.views, {
    create: (view) => changes.push({ kind: 'create-view', schema, view }, ...viewComment(schema, view, undefined)),
    drop: (view) => changes.push({ kind: 'drop-view', schema, view }),
    alter: (from, to) => {
      if (from.definition !== to.definition || from.materialized !== to.materialized) {
        changes.push({ kind: 'drop-view', schema, view: from }, { kind: 'create-view', schema, view: to }, ...viewComment(schema, to, undefined));
      } else if (from.comment !== to.comment) {
        changes.push(...viewComment(schema, to, from));
      }
    },
  });
  pairs(sa.triggers, sb.triggers, {
    create: (trigger) => changes.push({ kind: 'create-trigger', schema, trigger }),
    drop: (trigger) => changes.push({ kind: 'drop-trigger', schema, trigger }),
    alter: (from, to) => changes.push({ kind: 'drop-trigger', schema, trigger: from }, { kind: 'create-trigger', schema, trigger: to }),
    key: triggerKey,
  });

  const routines = (s: Schema) => s.functions.filter((f) => f.kind !== 'aggregate');
  pairs(routines(sa), routines(sb), {
    create: (fn) => changes.push({ kind: 'create-function', schema, function: fn }),
    drop: (fn) => changes.push({ kind: 'drop-function', schema, function: fn }),
    alter: (from, to) =>
      changes.push(...(replaceable(from, to) ? [{ kind: 'replace-function' as const, schema, from, to }] : [{ kind: 'drop-function' as const, schema, function: from }, { kind: 'create-function' as const, schema, function: to }])),
    key: routineKey,
  });
  const aggregates = (s: Schema) => new Set(s.functions.filter((f) => f.kind === 'aggregate').map(routineKey));
  const [aggregatesA, aggregatesB] = [aggregates(sa), aggregates(sb)];
  for (const f of aggregatesB) if (!aggregatesA.has(f)) notes.push(`aggregate ${schema}.${f} is new: aggregates are not planned, write its CREATE AGGREGATE by hand`);
  for (const f of aggregatesA) if (!aggregatesB.has(f)) notes.push(`aggregate ${schema}.${f} is gone: add its DROP AGGREGATE by hand if it should go`);
}

/**
 * What CREATE OR REPLACE can change. PostgreSQL refuses to change a routine's kind (window
 * functions included), its result type (OUT parameters included), a parameter's name, or to
 * remove a default: such a routine is dropped and created again.
 */
function replaceable(from: Function, to: Function): boolean {
  if (from.kind !== to.kind || from.returns !== to.returns || !!from.window !== !!to.window) return false;
  const [before, after] = [from.parameters ?? [], to.parameters ?? []];
  return (
    before.length === after.length &&
    before.every((p, i) => p.name === after[i].name && p.mode === after[i].mode && p.type === after[i].type && (p.default === undefined || after[i].default !== undefined))
  );
}

/** The comments of a table created by the plan (on it and its columns). */
function tableComments(qn: QualifiedName, t: Table): Change[] {
  return [
    ...(t.comment !== undefined ? [{ kind: 'set-comment' as const, target: { type: 'table' as const, table: qn }, to: t.comment }] : []),
    ...t.columns.flatMap((c) => (c.comment !== undefined ? [{ kind: 'set-comment' as const, target: { type: 'column' as const, table: qn, column: c.name }, to: c.comment }] : [])),
  ];
}

function viewComment(schema: string, view: { name: string; materialized: boolean; comment?: string }, from: { comment?: string } | undefined): Change[] {
  if (view.comment === from?.comment) return [];
  return [{ kind: 'set-comment', target: { type: 'view', view: { schema, name: view.name }, materialized: view.materialized }, from: from?.comment, to: view.comment }];
}

/** Matches two lists by key (the name) and calls back for what is only in one or differs. */
function pairs<T extends { name: string }>(
  from: readonly T[],
  to: readonly T[],
  on: { create(item: T): void; drop(item: T): void; alter(from: T, to: T): void; key?: (item: T) => string },
): void {
  const k = on.key ?? ((i: T) => i.name);
  const old = new Map(from.map((i) => [k(i), i]));
  const now = new Map(to.map((i) => [k(i), i]));
  for (const item of to) {
    const prior = old.get(k(item));
    if (!prior) on.create(item);
    else if (!same(prior, item)) on.alter(prior, item);
  }
  for (const item of from) if (!now.has(k(item))) on.drop(item);
}

function diffTable(qn: QualifiedName, a: Table, b: Table, models: Models, changes: Change[]): void {
  const parentA = parentOf(a, models.tablesA);
  const parentB = parentOf(b, models.tablesB);
  // Attached or detached: the columns stay; they are only owned differently. DETACH leaves
  // the table its clones of the parent's parts; ATTACH adopts its equivalents of the new
  // parent's and creates the rest (the clones, which the down file drops after DETACH).
  const moved = !same(a.partitionOf?.parent, b.partitionOf?.parent);
  const table = moved ? detached(qn, a, parentA, models) : a;
  const parent = moved ? parentAtAttach(b, parentB, models) : undefined;
  const ownA = moved ? { ...ownParts(parent ? { ...table, partitionOf: b.partitionOf } : table, parent ? [parent] : []), columns: a.columns } : ownParts(a, parentA);
  const ownB = ownParts(b, parentB);
  if (moved) ownB.columns = b.columns;
  const clones = parent && partitionCopies(table, parent, relationTaken(models, qn.schema));

  if (!!a.unlogged !== !!b.unlogged) changes.push({ kind: 'set-unlogged', table: qn, unlogged: !!b.unlogged });
  if (!same(a.partitionOf, b.partitionOf)) {
    if (a.partitionOf) changes.push({ kind: 'detach-partition', table: qn, parent: a.partitionOf.parent, bound: a.partitionOf.bound });
    if (b.partitionOf) {
      const created = clones && { constraints: [...clones.foreignKeys, ...clones.exclusions, ...clones.uniques, clones.primaryKey].flatMap((c) => (c ? [c.name] : [])), indexes: clones.indexes.map((i) => i.name) };
      changes.push({ kind: 'attach-partition', table: qn, parent: b.partitionOf.parent, bound: b.partitionOf.bound, ...(created && { created }) });
    }
  }

  const colsA = byName(ownA.columns);
  const colsB = byName(ownB.columns);
  for (const c of ownB.columns) {
    const old = colsA.get(c.name);
    if (!old) {
      changes.push({ kind: 'add-column', table: qn, column: c });
      continue;
    }
    const changed = COLUMN_ASPECTS.filter((aspect) => !same(old[aspect] ?? null, c[aspect] ?? null));
    if (changed.length) changes.push({ kind: 'alter-column', table: qn, from: old, to: c, changed });
  }
  for (const c of ownA.columns) if (!colsB.has(c.name)) changes.push({ kind: 'drop-column', table: qn, column: c });
  for (const c of b.columns) {
    const old = a.columns.find((x) => x.name === c.name);
    if (old && old.comment !== c.comment) changes.push({ kind: 'set-comment', target: { type: 'column', table: qn, column: c.name }, from: old.comment, to: c.comment });
    if (!old && c.comment !== undefined) changes.push({ kind: 'set-comment', target: { type: 'column', table: qn, column: c.name }, to: c.comment });
  }
  if (a.comment !== b.comment) changes.push({ kind: 'set-comment', target: { type: 'table', table: qn }, from: a.comment, to: b.comment });

  const constraintsA = constraintList(ownA);
  const constraintsB = constraintList(ownB);
  const cKey = (c: Constraint) => `${c.type}\u0000${c.value.name}`;
  const oldC = new Map(constraintsA.map((c) => [cKey(c), c]));
  const newC = new Map(constraintsB.map((c) => [cKey(c), c]));
  const dropped = constraintsA.filter((c) => !newC.has(cKey(c)) || !same(newC.get(cKey(c)), c));
  const added = constraintsB.filter((c) => !oldC.has(cKey(c)) || !same(oldC.get(cKey(c)), c));
  // A constraint that only changed its name (a table renamed, a naming convention applied) is
  // renamed: dropping a key would fail while foreign keys reference it, and rebuild its index.
  for (const c of [...dropped]) {
    const twin = added.find((n) => n.type === c.type && !oldC.has(cKey(n)) && !newC.has(cKey(c)) && same({ ...c.value, name: n.value.name }, n.value));
    if (!twin) continue;
    dropped.splice(dropped.indexOf(c), 1);
    added.splice(added.indexOf(twin), 1);
    changes.push({ kind: 'rename-constraint', table: qn, constraintType: c.type, from: c.value.name, to: twin.value.name });
  }
  for (const c of dropped) changes.push({ kind: 'drop-constraint', table: qn, constraint: c });
  for (const c of added) changes.push({ kind: 'add-constraint', table: qn, constraint: c });

  pairs(ownA.indexes, ownB.indexes, {
    create: (index) => changes.push({ kind: 'add-index', table: qn, index }),
    drop: (index) => changes.push({ kind: 'drop-index', table: qn, index }),
    alter: (from, to) => changes.push({ kind: 'drop-index', table: qn, index: from }, { kind: 'add-index', table: qn, index: to }),
  });
}

/** `a` as DETACH leaves it: with the clones of its parent's keys, indexes, foreign keys and CHECKs as its own. */
function detached(qn: QualifiedName, a: Table, parentA: Table[], models: Models): Table {
  if (!a.partitionOf || !parentA.length) return a;
  const copies = partitionCopies(a, parentA[0], relationTaken(models, qn.schema));
  const table: Table = { ...a, primaryKey: a.primaryKey ?? copies.primaryKey, partitionOf: undefined };
  for (const k of ['uniques', 'exclusions', 'indexes', 'foreignKeys', 'checks'] as const) (table as Record<typeof k, unknown[]>)[k] = [...a[k], ...copies[k]];
  return table;
}

/**
 * The new parent as ATTACH finds it: with the keys and indexes it had before the plan (one the
 * plan adds comes after the ATTACH). The table's equivalents of those are adopted, the others
 * created.
 */
function parentAtAttach(b: Table, parentB: Table[], models: Models): Table | undefined {
  if (!b.partitionOf || !parentB.length) return undefined;
  const before = models.tablesA.get(key(b.partitionOf.parent));
  return before ? sharedParts(before, parentB[0]) : parentB[0];
}

/** Relation names of a schema in `from`, where the clones were (or are) created: a name PostgreSQL gives a clone avoids them. */
function relationTaken(models: Models, schema: string): (name: string) => boolean {
  const s = models.a.schemas.find((x) => x.name === schema);
  const names = s ? relationNames(s) : new Set<string>();
  return (n) => names.has(n);
}

/** `now`'s keys and indexes that `before` had already, the same. */
function sharedParts(before: Table, now: Table): Table {
  const kept = <T extends { name: string }>(items: T[], old: T[]) => items.filter((i) => old.some((o) => same(o, i)));
  return { ...now, primaryKey: same(before.primaryKey, now.primaryKey) ? now.primaryKey : null, uniques: kept(now.uniques, before.uniques), exclusions: kept(now.exclusions, before.exclusions), indexes: kept(now.indexes, before.indexes), foreignKeys: kept(now.foreignKeys, before.foreignKeys) };
}

function parentOf(t: Table, tables: Map<string, Table>): Table[] {
  const names = t.partitionOf ? [t.partitionOf.parent] : (t.inherits ?? []);
  return names.flatMap((qn) => tables.get(key(qn)) ?? []);
}

function constraintList(t: ReturnType<typeof ownParts>): Constraint[] {
  return [
    ...(t.primaryKey ? [{ type: 'primary-key' as const, value: t.primaryKey }] : []),
    ...t.uniques.map((value) => ({ type: 'unique' as const, value })),
    ...t.checks.map((value) => ({ type: 'check' as const, value })),
    ...t.exclusions.map((value) => ({ type: 'exclusion' as const, value })),
    ...t.foreignKeys.map((value) => ({ type: 'foreign-key' as const, value })),
  ];
}

/** How the model spells a type in a column: unqualified in public, qualified elsewhere. */
export function typeSpelling(schema: string, name: string): string {
  return schema === 'public' ? quoteIdent(name) : qualifiedName(schema, name);
}

/**
 * The columns of a type that exist both before and after: a type swap converts them. Columns
 * dropped go before the swap and new ones come after it (and the reverse in the down file).
 */
function persistingColumnsOfType(models: Models, spelling: string, side: 'from' | 'to'): { table: QualifiedName; column: Column }[] {
  const [other, own] = side === 'to' ? [models.a, models.b] : [models.b, models.a];
  const elsewhere = new Set(columnsOfType(other, spelling).map((c) => `${key(c.table)}.${c.column.name}`));
  return columnsOfType(own, spelling).filter((c) => elsewhere.has(`${key(c.table)}.${c.column.name}`));
}

function columnsOfType(db: Database, spelling: string): { table: QualifiedName; column: Column }[] {
  const found: { table: QualifiedName; column: Column }[] = [];
  for (const s of db.schemas) {
    for (const t of s.tables) {
      if (t.partitionOf) continue; // altered through the parent
      for (const c of t.columns) if (c.type.replace(/(\[\])+$/, '') === spelling) found.push({ table: { schema: s.name, name: t.name }, column: c });
    }
  }
  return found;
}

/** A dropped and an added table (or column) of the same shape: probably a rename. */
function suggestRenames(changes: Change[]): RenameSuggestion[] {
  const suggestions: RenameSuggestion[] = [];
  const shape = (t: Table) => JSON.stringify(t.columns.map((c: Column) => [c.name, c.type]));
  const droppedTables = changes.filter((c): c is Extract<Change, { kind: 'drop-table' }> => c.kind === 'drop-table');
  for (const created of changes) {
    if (created.kind !== 'create-table') continue;
    const match = droppedTables.find((d) => d.schema === created.schema && shape(d.table) === shape(created.table));
    if (match) suggestions.push({ kind: 'table', from: match.table.name, to: created.table.name, option: `--rename table:${qualifiedName(match.schema, match.table.name)}=${created.table.name}` });
  }
  const droppedColumns = changes.filter((c): c is Extract<Change, { kind: 'drop-column' }> => c.kind === 'drop-column');
  for (const added of changes) {
    if (added.kind !== 'add-column') continue;
    const match = droppedColumns.find((d) => key(d.table) === key(added.table) && d.column.type === added.column.type);
    if (match) {
      suggestions.push({
        kind: 'column',
        table: added.table,
        from: match.column.name,
        to: added.column.name,
        option: `--rename column:${qualifiedName(added.table.schema, added.table.name)}.${match.column.name}=${added.column.name}`,
      });
    }
  }
  return suggestions;
}
