import { parseSync } from 'libpg-query';
import { quoteIdent } from '../model/quote-ident.js';
import type { QualifiedName, Schema, Table } from '../model/types.js';
import { deparse } from '../parse/deparse.js';
import { dropColumn } from './fold-alter-table.js';
import { descendants, parseExpression } from './fold-table.js';
import { display, type SchemaBuilder } from './schema-builder.js';
import { nameList } from '../parse/name-list.js';
import { routineArguments } from './fold-routines.js';

/** DROP object names arrive as a List of Strings, a TypeName, or an ObjectWithArgs. */
function objectNames(obj: any): string[] {
  if (obj.List) return nameList(obj.List.items);
  if (obj.TypeName) return nameList(obj.TypeName.names);
  if (obj.ObjectWithArgs) return nameList(obj.ObjectWithArgs.objname);
  if (obj.String) return [obj.String.sval];
  return [];
}

const same = (a: QualifiedName, b: QualifiedName) => a.schema === b.schema && a.name === b.name;

/** Removes the items `drop` matches, in place; true when it removed any. */
function removeWhere<T>(items: T[], drop: (item: T) => boolean): boolean {
  let kept = 0;
  for (const item of items) if (!drop(item)) items[kept++] = item;
  const removed = kept < items.length;
  items.length = kept;
  return removed;
}

/**
 * How the model spells a user type or a sequence inside `nextval('...')`: qualified unless
 * it lives in `public` (format_type and regclass output with introspection's search_path).
 */
const spelled = (qn: QualifiedName) => (qn.schema === 'public' ? quoteIdent(qn.name) : `${quoteIdent(qn.schema)}.${quoteIdent(qn.name)}`);

function* allTables(b: SchemaBuilder): Generator<{ qn: QualifiedName; table: Table }> {
  for (const s of b.db.schemas) for (const table of s.tables) yield { qn: { schema: s.name, name: table.name }, table };
}

// ---------------------------------------------------------------------------------------
// Sequences named in column defaults (`nextval('s.q'::regclass)`)

const NEXTVAL = /\bnextval\('((?:[^']|'')*)'/;

/** The sequence a default draws from, resolved as regclass output spells it. */
function nextvalTarget(b: SchemaBuilder, sql: string | null, tableSchema: string): QualifiedName | undefined {
  const literal = sql?.match(NEXTVAL)?.[1];
  if (!literal) return undefined;
  const parts = [...literal.matchAll(/"((?:[^"]|"")*)"|([^".]+)/g)].map((m) => (m[1] !== undefined ? m[1].replace(/""/g, '"') : m[2].toLowerCase()));
  if (parts.length >= 2) return { schema: parts[parts.length - 2], name: parts[parts.length - 1] };
  // An unqualified name is one on the path: the table's own schema or public.
  const own = b.schema(tableSchema, false)?.sequences.some((q) => q.name === parts[0]);
  return { schema: own ? tableSchema : 'public', name: parts[0] };
}

// ---------------------------------------------------------------------------------------
// References that follow a renamed or moved object

/**
 * Points every reference to a relation at its new name. PostgreSQL stores
 * references by OID, so after a rename or SET SCHEMA they all follow: foreign keys,
 * partition parents, INHERITS, triggers, sequence owners, `nextval` defaults, view reads.
 * `moved` returns the new name of an old one, or undefined when it did not move.
 */
function retarget(b: SchemaBuilder, moved: (qn: QualifiedName) => QualifiedName | undefined): void {
  const follow = (qn: QualifiedName) => moved(qn) ?? qn;
  for (const { qn, table } of allTables(b)) {
    for (const fk of table.foreignKeys) fk.refTable = follow(fk.refTable);
    if (table.partitionOf) table.partitionOf.parent = follow(table.partitionOf.parent);
    if (table.inherits) table.inherits = table.inherits.map(follow);
    for (const column of table.columns) {
      const seq = nextvalTarget(b, column.default, qn.schema);
      const to = seq && moved(seq);
      if (to) column.default = column.default!.replace(NEXTVAL, `nextval('${spelled(to).replace(/'/g, "''")}'`);
    }
  }
  for (const s of b.db.schemas) {
    for (const tr of s.triggers) {
      tr.table = follow(tr.table);
      if (tr.from) tr.from = follow(tr.from);
    }
    for (const q of s.sequences) if (q.ownedBy) q.ownedBy.table = follow(q.ownedBy.table);
    for (const v of s.views) {
      if (!v.reads.some((r) => moved(r))) continue;
      v.reads = v.reads.map(follow);
      v.definition = renameInQuery(v.definition, moved);
    }
  }
}

/**
 * A view's text names the relations it reads; PostgreSQL prints their current names, so the
 * stored text is parsed, its relation names (and `old.col` qualifiers of unaliased ones)
 * replaced, and printed again. Unqualified names are in `public` (see resolveRelations).
 */
function renameInQuery(definition: string, moved: (qn: QualifiedName) => QualifiedName | undefined): string {
  let tree: any;
  try {
    tree = (parseSync(definition) as any).stmts[0].stmt;
  } catch {
    return definition;
  }
  const ctes = new Set<string>();
  const qualifiers = new Map<string, string>();
  const walk = (node: any, visit: (key: string, value: any) => void): void => {
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      visit(key, value);
      walk(value, visit);
    }
  };
  walk(tree, (key, value) => key === 'CommonTableExpr' && ctes.add(value.ctename));
  walk(tree, (key, rv) => {
    if (key !== 'RangeVar' || (!rv.schemaname && ctes.has(rv.relname))) return;
    const to = moved({ schema: rv.schemaname ?? 'public', name: rv.relname });
    if (!to) return;
    if (!rv.alias) qualifiers.set(rv.relname, to.name);
    rv.relname = to.name;
    if (rv.schemaname || to.schema !== 'public') rv.schemaname = to.schema;
  });
  walk(tree, (key, ref) => {
    const first = key === 'ColumnRef' && ref.fields.length === 2 ? ref.fields[0].String : undefined;
    if (first && qualifiers.has(first.sval)) first.sval = qualifiers.get(first.sval);
  });
  return deparse(tree);
}

/** Column, domain and attribute types follow a renamed or moved type (`old` → `new` spellings, arrays too). */
function retype(b: SchemaBuilder, renames: Map<string, string>): void {
  if (!renames.size) return;
  const follow = (type: string) => {
    const [, base, arrays] = type.match(/^(.*?)((?:\[\])*)$/)!;
    return renames.has(base) ? renames.get(base)! + arrays : type;
  };
  for (const { table } of allTables(b)) for (const c of table.columns) c.type = follow(c.type);
  for (const s of b.db.schemas) {
    for (const d of s.domains) d.type = follow(d.type);
    for (const c of s.compositeTypes) for (const a of c.attributes) a.type = follow(a.type);
  }
}

/** The enums, domains and composite types of a schema, by name. */
const typesIn = (s: Schema) => [...s.enums, ...s.domains, ...s.compositeTypes];

// ---------------------------------------------------------------------------------------
// DROP, with what depends on the dropped object. DROP ... CASCADE removes the dependents;
// without CASCADE PostgreSQL would have refused, so either way none survive.

function dropTable(b: SchemaBuilder, qn: QualifiedName): boolean {
  const schema = b.schema(qn.schema, false);
  if (!schema || !removeWhere(schema.tables, (t) => t.name === qn.name)) return false;
  for (const q of schema.sequences.filter((s) => s.ownedBy && same(s.ownedBy.table, qn))) dropSequence(b, { schema: qn.schema, name: q.name });
  removeWhere(schema.triggers, (t) => same(t.table, qn));
  for (const { table } of allTables(b)) removeWhere(table.foreignKeys, (fk) => same(fk.refTable, qn));
  for (const child of descendants(b, qn, true)) dropTable(b, child.qn);
  dropReaders(b, qn);
  return true;
}

function dropView(b: SchemaBuilder, qn: QualifiedName): boolean {
  const schema = b.schema(qn.schema, false);
  if (!schema || !removeWhere(schema.views, (v) => v.name === qn.name)) return false;
  dropReaders(b, qn);
  return true;
}

/** Views reading a dropped table or view go with it, and the views reading those. */
function dropReaders(b: SchemaBuilder, qn: QualifiedName): void {
  for (const s of b.db.schemas) {
    for (const v of s.views.filter((x) => x.reads.some((r) => same(r, qn)))) dropView(b, { schema: s.name, name: v.name });
  }
}

/** A dropped sequence takes the `nextval` defaults drawing from it. */
function dropSequence(b: SchemaBuilder, qn: QualifiedName): boolean {
  const schema = b.schema(qn.schema, false);
  if (!schema || !removeWhere(schema.sequences, (q) => q.name === qn.name)) return false;
  for (const { qn: tqn, table } of allTables(b)) {
    for (const c of table.columns) {
      const seq = nextvalTarget(b, c.default, tqn.schema);
      if (seq && same(seq, qn)) c.default = null;
    }
  }
  return true;
}

/** A dropped type takes the columns of that type (arrays too), domains over it and composite attributes. */
function dropType(b: SchemaBuilder, qn: QualifiedName): boolean {
  const schema = b.schema(qn.schema, false);
  if (!schema) return false;
  const removed = [schema.enums, schema.domains, schema.compositeTypes].map((list: { name: string }[]) => removeWhere(list, (x) => x.name === qn.name));
  if (!removed.includes(true)) return false;
  const ofType = (type: string) => type.replace(/(\[\])+$/, '') === spelled(qn);
  for (const { qn: tqn, table } of allTables(b)) for (const c of table.columns.filter((x) => ofType(x.type))) dropColumn(b, tqn, table, c.name);
  for (const s of b.db.schemas) {
    for (const d of s.domains.filter((x) => ofType(x.type))) dropType(b, { schema: s.name, name: d.name });
    for (const c of s.compositeTypes) removeWhere(c.attributes, (a) => ofType(a.type));
  }
  return true;
}

/**
 * DROP FUNCTION name(argument types) drops that overload; a bare name (or DROP SCHEMA) every
 * routine of that name. A trigger function takes no arguments: dropping it takes its triggers.
 */
function dropFunction(b: SchemaBuilder, qn: QualifiedName, args?: string): boolean {
  const schema = b.schema(qn.schema, false);
  if (!schema || !removeWhere(schema.functions, (f) => f.name === qn.name && (args === undefined || f.arguments === args))) return false;
  if (args === undefined || args === '') for (const s of b.db.schemas) removeWhere(s.triggers, (t) => same(t.function, qn));
  return true;
}

/** DROP SCHEMA ... CASCADE: each object goes as if dropped alone, taking its dependents elsewhere. */
function dropSchema(b: SchemaBuilder, name: string): boolean {
  const schema = b.schema(name, false);
  if (!schema) return false;
  const qn = (x: { name: string }) => ({ schema: name, name: x.name });
  for (const t of [...schema.tables]) dropTable(b, qn(t));
  for (const v of [...schema.views]) dropView(b, qn(v));
  for (const q of [...schema.sequences]) dropSequence(b, qn(q));
  for (const t of typesIn(schema)) dropType(b, qn(t));
  for (const f of [...schema.functions]) dropFunction(b, qn(f));
  removeWhere(b.db.extensions, (e) => e.schema === name);
  return removeWhere(b.db.schemas, (s) => s === schema);
}

/** DROP TABLE / VIEW / INDEX / SEQUENCE / TYPE / DOMAIN / SCHEMA / FUNCTION / TRIGGER / EXTENSION */
export function foldDrop(b: SchemaBuilder, n: any): void {
  for (const obj of n.objects ?? []) {
    const names = objectNames(obj);
    const kind = String(n.removeType).replace('OBJECT_', '').toLowerCase();
    let done = false;
    if (kind === 'schema') {
      done = dropSchema(b, names[0]);
    } else if (kind === 'extension') {
      done = removeWhere(b.db.extensions, (e) => e.name === names[0]);
    } else if (kind === 'trigger') {
      // DROP TRIGGER name ON table: the names are [schema?, table, trigger].
      const trigger = names[names.length - 1];
      const table = b.qualify({ schemaname: names.length > 2 ? names[0] : undefined, relname: names[names.length - 2] });
      const schema = b.schema(table.schema, false);
      done = !!schema && removeWhere(schema.triggers, (t) => t.name === trigger && same(t.table, table));
    } else {
      const qn = b.qualify({ schemaname: names.length > 1 ? names[names.length - 2] : undefined, relname: names[names.length - 1] });
      /** The name resolved on the path for objects outside the relation namespace (types, functions). */
      const found = (pick: (s: Schema) => boolean): QualifiedName | undefined => {
        const schema = names.length > 1 ? b.schema(qn.schema, false) : b.searchPath.map((s) => b.schema(s, false)).find((s) => s && pick(s));
        return schema && { schema: schema.name, name: qn.name };
      };
      const named = (list: { name: string }[]) => list.some((x) => x.name === qn.name);
      const target = (pick: (s: Schema) => boolean) => found(pick) ?? qn;
      switch (kind) {
        case 'table':
        case 'foreign_table':
          done = dropTable(b, qn);
          break;
        case 'view':
        case 'matview':
          done = dropView(b, target((s) => named(s.views)));
          break;
        case 'index': {
          const schema = b.schema(target((s) => s.tables.some((t) => named(t.indexes))).schema, false);
          for (const t of schema?.tables ?? []) done = removeWhere(t.indexes, (i) => i.name === qn.name) || done;
          break;
        }
        case 'sequence':
          done = dropSequence(b, target((s) => named(s.sequences)));
          break;
        case 'type':
        case 'domain':
          done = dropType(b, target((s) => named(typesIn(s))));
          break;
        case 'function':
        case 'procedure':
        case 'routine':
        case 'aggregate':
          done = dropFunction(b, target((s) => named(s.functions)), routineArguments(obj.ObjectWithArgs, b.resolveType));
          break;
        default:
          done = true; // policies, roles, rules, ...: not modelled
      }
    }
    if (!done && !n.missing_ok) b.note(`DROP ${kind.replace('_', ' ')} ${names.join('.')}: not defined at this point`);
  }
}

// ---------------------------------------------------------------------------------------
// RENAME and SET SCHEMA

/** The table, view or sequence by that name: `ALTER TABLE` (as pg_dump writes it) may name any of them. */
function relation(b: SchemaBuilder, qn: QualifiedName): { name: string } | undefined {
  const schema = b.schema(qn.schema, false);
  return b.table(qn) ?? schema?.views.find((v) => v.name === qn.name) ?? schema?.sequences.find((q) => q.name === qn.name);
}

/** ALTER TABLE t RENAME COLUMN: keys, indexes, owners and foreign keys into it follow. */
function renameColumn(b: SchemaBuilder, qn: QualifiedName, table: Table, from: string, to: string): void {
  const column = table.columns.find((c) => c.name === from);
  if (!column) return;
  column.name = to;
  const swap = (cols: string[]) => cols.map((c) => (c === from ? to : c));
  if (table.primaryKey) table.primaryKey.columns = swap(table.primaryKey.columns);
  for (const u of table.uniques) u.columns = swap(u.columns);
  for (const fk of table.foreignKeys) fk.columns = swap(fk.columns);
  for (const i of table.indexes) {
    i.columns = swap(i.columns);
    i.include = swap(i.include);
    for (const k of i.keys) if (k.column === from) k.column = to;
  }
  for (const { table: t } of allTables(b)) for (const fk of t.foreignKeys) if (same(fk.refTable, qn)) fk.refColumns = swap(fk.refColumns);
  for (const q of b.schema(qn.schema, false)?.sequences ?? []) if (q.ownedBy && same(q.ownedBy.table, qn) && q.ownedBy.column === from) q.ownedBy.column = to;
  // PostgreSQL stores expressions by attribute number, so they follow a rename; the model
  // keeps them as text, which is re-parsed and printed with the new name.
  const rename = (sql: string) => renameColumnInExpression(sql, from, to);
  for (const c of table.checks) c.expression = rename(c.expression);
  for (const c of table.columns) if (c.generated) c.generated = rename(c.generated);
  for (const i of table.indexes) {
    if (i.where) i.where = rename(i.where);
    for (const k of i.keys) if (k.expression) k.expression = rename(k.expression);
    i.columns = i.keys.map((k) => k.column ?? k.expression ?? '');
  }
  for (const e of table.exclusions) if (e.where) e.where = rename(e.where);
}

/** The expression with every reference to column `from` renamed `to`; unchanged if it does not parse. */
function renameColumnInExpression(sql: string, from: string, to: string): string {
  const tree = parseExpression(sql);
  if (!tree) return sql;
  let changed = false;
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const fields = (node as any).ColumnRef?.fields;
    const last = fields?.[fields.length - 1]?.String;
    if (last?.sval === from) {
      last.sval = to;
      changed = true;
    }
    Object.values(node).forEach(walk);
  };
  walk(tree);
  return changed ? deparse(tree) : sql;
}

/** ALTER ... RENAME: tables, columns, constraints, indexes, views, sequences, types, schemas. */
export function foldRename(b: SchemaBuilder, n: any): void {
  const kind = String(n.renameType).replace('OBJECT_', '').toLowerCase();
  const to = n.newname as string;
  if (kind === 'schema') {
    const from = n.subname as string;
    const schema = b.schema(from, false);
    if (!schema) return b.note(`schema ${from} is not defined at this point`);
    schema.name = to;
    const moved = (qn: QualifiedName) => (qn.schema === from ? { schema: to, name: qn.name } : undefined);
    retarget(b, moved);
    for (const s of b.db.schemas) for (const tr of s.triggers) tr.function = moved(tr.function) ?? tr.function;
    retype(b, new Map(typesIn(schema).map((t) => [spelled({ schema: from, name: t.name }), spelled({ schema: to, name: t.name })])));
    for (const e of b.db.extensions) if (e.schema === from) e.schema = to;
    return;
  }
  if (kind === 'type' || kind === 'domain') {
    const qn = b.qualifyNames(objectNames(n.object), (s, x) => b.typeExists(s, x));
    const schema = b.schema(qn.schema, false);
    const target = schema && typesIn(schema).find((t) => t.name === qn.name);
    if (!target) return b.note(`type ${display(qn)} is not defined at this point`);
    target.name = to;
    retype(b, new Map([[spelled(qn), spelled({ schema: qn.schema, name: to })]]));
    return;
  }
  if (!n.relation) return; // functions, roles, ...: not modelled by name here
  const qn = b.qualify(n.relation);
  const schema = b.schema(qn.schema, false);
  const table = b.table(qn);
  switch (kind) {
    case 'table':
    case 'foreign_table':
    case 'view':
    case 'matview':
    case 'sequence': {
      const target = relation(b, qn);
      if (!target) return b.note(`relation ${display(qn)} is not defined at this point`);
      target.name = to;
      retarget(b, (x) => (same(x, qn) ? { schema: qn.schema, name: to } : undefined));
      return;
    }
    case 'column': {
      if (!table?.columns.some((c) => c.name === n.subname)) return b.note(`column ${n.subname} of ${display(qn)} is not defined at this point`);
      // The rename reaches partitions and INHERITS children, unless ALTER TABLE ONLY (no `inh`).
      const family = n.relation.inh ? descendants(b, qn) : [];
      for (const t of [{ qn, table }, ...family]) renameColumn(b, t.qn, t.table, n.subname, to);
      return;
    }
    case 'tabconstraint': {
      const c = [table?.primaryKey, ...(table?.uniques ?? []), ...(table?.checks ?? []), ...(table?.foreignKeys ?? []), ...(table?.exclusions ?? [])].find(
        (x) => x?.name === n.subname,
      );
      if (!c) return b.note(`constraint ${n.subname} of ${display(qn)} is not defined at this point`);
      // The name caches are rebuilt after this statement (see ADDITIVE in fold-statement).
      c.name = to;
      return;
    }
    case 'index': {
      for (const t of schema?.tables ?? []) {
        for (const i of t.indexes) if (i.name === qn.name) i.name = to;
        // Renaming a constraint's index renames the constraint too.
        for (const c of [t.primaryKey, ...t.uniques, ...t.exclusions]) if (c?.name === qn.name) c.name = to;
      }
      return;
    }
    case 'trigger': {
      const trigger = schema?.triggers.find((t) => t.name === n.subname && same(t.table, qn));
      if (trigger) trigger.name = to;
      return;
    }
    default:
      return;
  }
}

/** Moves the named items from one schema's list to another's; returns the moved ones. */
function moveWhere<T>(from: T[], to: T[], pick: (item: T) => boolean): T[] {
  const moving = from.filter(pick);
  removeWhere(from, pick);
  to.push(...moving);
  return moving;
}

/**
 * ALTER TABLE / VIEW / SEQUENCE / TYPE / DOMAIN ... SET SCHEMA. A table takes along its
 * owned sequences and its triggers (they live in the table's schema), and its constraint
 * names; every reference by OID follows (see retarget, retype).
 */
export function foldSetSchema(b: SchemaBuilder, n: any): void {
  const kind = String(n.objectType).replace('OBJECT_', '').toLowerCase();
  const into = b.schema(n.newschema)!;
  if (kind === 'type' || kind === 'domain') {
    const qn = b.qualifyNames(objectNames(n.object), (s, x) => b.typeExists(s, x));
    const from = b.schema(qn.schema, false);
    const pick = (t: { name: string }) => t.name === qn.name;
    const moved = from ? [moveWhere(from.enums, into.enums, pick), moveWhere(from.domains, into.domains, pick), moveWhere(from.compositeTypes, into.compositeTypes, pick)].flat() : [];
    if (!moved.length) return n.missing_ok ? undefined : b.note(`type ${display(qn)} is not defined at this point`);
    retype(b, new Map([[spelled(qn), spelled({ schema: into.name, name: qn.name })]]));
    return;
  }
  if (!n.relation || !['table', 'foreign_table', 'view', 'matview', 'sequence'].includes(kind)) return;
  const qn = b.qualify(n.relation);
  const from = b.schema(qn.schema, false);
  const target = relation(b, qn);
  if (!from || !target) return n.missing_ok ? undefined : b.note(`relation ${display(qn)} is not defined at this point`);
  const pick = (x: { name: string }) => x === target;
  const table = moveWhere(from.tables, into.tables, pick)[0];
  moveWhere(from.views, into.views, pick);
  moveWhere(from.sequences, into.sequences, pick);
  const names = new Set([qn.name]);
  if (table) {
    for (const q of moveWhere(from.sequences, into.sequences, (q) => !!q.ownedBy && same(q.ownedBy.table, qn))) names.add(q.name);
    moveWhere(from.triggers, into.triggers, (t) => same(t.table, qn));
  }
  retarget(b, (x) => (x.schema === from.name && names.has(x.name) ? { schema: into.name, name: x.name } : undefined));
}
