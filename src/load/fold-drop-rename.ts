import type { QualifiedName, Schema } from '../model/types.js';
import { display, type SchemaBuilder } from './schema-builder.js';

const strings = (list: any[] | undefined): string[] => (list ?? []).map((n: any) => n.String?.sval ?? '');

/** DROP object names arrive as a List of Strings, a TypeName, or an ObjectWithArgs. */
function objectNames(obj: any): string[] {
  if (obj.List) return strings(obj.List.items);
  if (obj.TypeName) return strings(obj.TypeName.names);
  if (obj.ObjectWithArgs) return strings(obj.ObjectWithArgs.objname);
  if (obj.String) return [obj.String.sval];
  return [];
}

const same = (a: QualifiedName, b: QualifiedName) => a.schema === b.schema && a.name === b.name;

function dropTable(b: SchemaBuilder, qn: QualifiedName): boolean {
  const schema = b.schema(qn.schema, false);
  if (!schema?.tables.some((t) => t.name === qn.name)) return false;
  schema.tables = schema.tables.filter((t) => t.name !== qn.name);
  schema.sequences = schema.sequences.filter((s) => !(s.ownedBy && same(s.ownedBy.table, qn)));
  schema.triggers = schema.triggers.filter((t) => !same(t.table, qn));
  for (const s of b.db.schemas) {
    for (const t of s.tables) {
      // DROP ... CASCADE removes the foreign keys that pointed at the table; without
      // CASCADE PostgreSQL would have refused, so either way none survive.
      t.foreignKeys = t.foreignKeys.filter((fk) => !same(fk.refTable, qn));
      if (t.partitionOf && same(t.partitionOf.parent, qn)) s.tables = s.tables.filter((x) => x !== t);
    }
  }
  return true;
}

/** DROP TABLE / VIEW / INDEX / SEQUENCE / TYPE / DOMAIN / SCHEMA / FUNCTION / TRIGGER / EXTENSION */
export function foldDrop(b: SchemaBuilder, n: any): void {
  for (const obj of n.objects ?? []) {
    const names = objectNames(obj);
    const kind = String(n.removeType).replace('OBJECT_', '').toLowerCase();
    let done = false;
    if (kind === 'schema') {
      const before = b.db.schemas.length;
      b.db.schemas = b.db.schemas.filter((s) => s.name !== names[0]);
      done = b.db.schemas.length < before;
    } else if (kind === 'extension') {
      const before = b.db.extensions.length;
      b.db.extensions = b.db.extensions.filter((e) => e.name !== names[0]);
      done = b.db.extensions.length < before;
    } else if (kind === 'trigger') {
      // DROP TRIGGER name ON table: the names are [schema?, table, trigger].
      const trigger = names[names.length - 1];
      const table = b.qualify({ schemaname: names.length > 2 ? names[0] : undefined, relname: names[names.length - 2] });
      const schema = b.schema(table.schema, false);
      if (schema) {
        const before = schema.triggers.length;
        schema.triggers = schema.triggers.filter((t) => !(t.name === trigger && same(t.table, table)));
        done = schema.triggers.length < before;
      }
    } else {
      const qn = b.qualify({ schemaname: names.length > 1 ? names[names.length - 2] : undefined, relname: names[names.length - 1] });
      const schemaFor = (pick: (s: Schema) => boolean) =>
        names.length > 1 ? b.schema(qn.schema, false) : b.searchPath.map((s) => b.schema(s, false)).find((s) => s && pick(s));
      switch (kind) {
        case 'table':
        case 'foreign_table':
          done = dropTable(b, qn);
          break;
        case 'view':
        case 'matview': {
          const schema = schemaFor((s) => s.views.some((v) => v.name === qn.name));
          if (schema) {
            const before = schema.views.length;
            schema.views = schema.views.filter((v) => v.name !== qn.name);
            done = schema.views.length < before;
          }
          break;
        }
        case 'index': {
          const schema = schemaFor((s) => s.tables.some((t) => t.indexes.some((i) => i.name === qn.name)));
          for (const t of schema?.tables ?? []) {
            const before = t.indexes.length;
            t.indexes = t.indexes.filter((i) => i.name !== qn.name);
            done ||= t.indexes.length < before;
          }
          break;
        }
        case 'sequence': {
          const schema = schemaFor((s) => s.sequences.some((q) => q.name === qn.name));
          if (schema) {
            const before = schema.sequences.length;
            schema.sequences = schema.sequences.filter((q) => q.name !== qn.name);
            done = schema.sequences.length < before;
          }
          break;
        }
        case 'type':
        case 'domain': {
          const schema = schemaFor((s) => s.enums.some((e) => e.name === qn.name) || s.domains.some((d) => d.name === qn.name) || s.compositeTypes.some((c) => c.name === qn.name));
          if (schema) {
            const before = schema.enums.length + schema.domains.length + schema.compositeTypes.length;
            schema.enums = schema.enums.filter((e) => e.name !== qn.name);
            schema.domains = schema.domains.filter((d) => d.name !== qn.name);
            schema.compositeTypes = schema.compositeTypes.filter((c) => c.name !== qn.name);
            done = schema.enums.length + schema.domains.length + schema.compositeTypes.length < before;
          }
          break;
        }
        case 'function':
        case 'procedure':
        case 'routine':
        case 'aggregate': {
          const schema = schemaFor((s) => s.functions.some((f) => f.name === qn.name));
          if (schema) {
            const before = schema.functions.length;
            schema.functions = schema.functions.filter((f) => f.name !== qn.name);
            done = schema.functions.length < before;
          }
          break;
        }
        default:
          done = true; // policies, roles, rules, ...: not modelled
      }
    }
    if (!done && !n.missing_ok) b.note(`DROP ${kind.replace('_', ' ')} ${names.join('.')}: not defined at this point`);
  }
}

/** ALTER ... RENAME: tables, columns, constraints, indexes, views, sequences, types, schemas. */
export function foldRename(b: SchemaBuilder, n: any): void {
  const kind = String(n.renameType).replace('OBJECT_', '').toLowerCase();
  const to = n.newname as string;
  if (kind === 'schema') {
    const schema = b.schema(n.subname, false);
    if (!schema) return b.note(`schema ${n.subname} is not defined at this point`);
    schema.name = to;
    for (const s of b.db.schemas) for (const t of s.tables) for (const fk of t.foreignKeys) if (fk.refTable.schema === n.subname) fk.refTable.schema = to;
    return;
  }
  if (kind === 'type' || kind === 'domain') {
    const names = objectNames(n.object);
    const qn = b.qualifyNames(names, (s, x) => b.typeExists(s, x));
    const schema = b.schema(qn.schema, false);
    const target = schema?.enums.find((e) => e.name === qn.name) ?? schema?.domains.find((d) => d.name === qn.name) ?? schema?.compositeTypes.find((c) => c.name === qn.name);
    if (!target) return b.note(`type ${display(qn)} is not defined at this point`);
    target.name = to;
    return;
  }
  if (!n.relation) return; // functions, roles, ...: not modelled by name here
  const qn = b.qualify(n.relation);
  const schema = b.schema(qn.schema, false);
  const table = b.table(qn);
  switch (kind) {
    case 'table':
    case 'foreign_table': {
      if (!table) return b.note(`table ${display(qn)} is not defined at this point`);
      table.name = to;
      const renamed = { schema: qn.schema, name: to };
      for (const s of b.db.schemas) {
        for (const t of s.tables) {
          for (const fk of t.foreignKeys) if (same(fk.refTable, qn)) fk.refTable = renamed;
          if (t.partitionOf && same(t.partitionOf.parent, qn)) t.partitionOf.parent = renamed;
        }
        for (const tr of s.triggers) if (same(tr.table, qn)) tr.table = renamed;
        for (const q of s.sequences) if (q.ownedBy && same(q.ownedBy.table, qn)) q.ownedBy.table = renamed;
      }
      return;
    }
    case 'column': {
      const column = table?.columns.find((c) => c.name === n.subname);
      if (!table || !column) return b.note(`column ${n.subname} of ${display(qn)} is not defined at this point`);
      column.name = to;
      const swap = (cols: string[]) => cols.map((c) => (c === n.subname ? to : c));
      if (table.primaryKey) table.primaryKey.columns = swap(table.primaryKey.columns);
      for (const u of table.uniques) u.columns = swap(u.columns);
      for (const fk of table.foreignKeys) fk.columns = swap(fk.columns);
      for (const i of table.indexes) {
        i.columns = swap(i.columns);
        i.include = swap(i.include);
        for (const k of i.keys) if (k.column === n.subname) k.column = to;
      }
      for (const s of b.db.schemas) for (const t of s.tables) for (const fk of t.foreignKeys) if (same(fk.refTable, qn)) fk.refColumns = swap(fk.refColumns);
      for (const q of schema?.sequences ?? []) if (q.ownedBy && same(q.ownedBy.table, qn) && q.ownedBy.column === n.subname) q.ownedBy.column = to;
      // CHECK, default and predicate expressions keep the old name here: PostgreSQL
      // rewrites them by attribute number, which text cannot follow.
      return;
    }
    case 'tabconstraint': {
      const c = [table?.primaryKey, ...(table?.uniques ?? []), ...(table?.checks ?? []), ...(table?.foreignKeys ?? []), ...(table?.exclusions ?? [])].find(
        (x) => x?.name === n.subname,
      );
      if (!c) return b.note(`constraint ${n.subname} of ${display(qn)} is not defined at this point`);
      b.forgetConstraint(qn.schema, c.name);
      c.name = to;
      b.registerConstraint(qn.schema, to);
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
    case 'view':
    case 'matview': {
      const view = schema?.views.find((v) => v.name === qn.name);
      if (view) view.name = to;
      return;
    }
    case 'sequence': {
      const seq = schema?.sequences.find((q) => q.name === qn.name);
      if (seq) seq.name = to;
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


/** ALTER ... SET SCHEMA */
export function foldSetSchema(b: SchemaBuilder, n: any): void {
  if (n.objectType !== 'OBJECT_TABLE' || !n.relation) return;
  const qn = b.qualify(n.relation);
  const from = b.schema(qn.schema, false);
  const table = b.table(qn);
  if (!from || !table) return b.note(`table ${display(qn)} is not defined at this point`);
  from.tables = from.tables.filter((t) => t !== table);
  b.schema(n.newschema)!.tables.push(table);
}
