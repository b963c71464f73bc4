import type { QualifiedName, ReferentialAction, Table } from '../model/types.js';
import { deparse } from '../parse/deparse.js';
import type { ParsedStatement } from '../parse/parse-script.js';
import { chooseName, columnsAddition } from './choose-name.js';
import { display, type SchemaBuilder } from './schema-builder.js';
import { buildIndexKeys, indexColumnNames, indexNameParts } from './index-keys.js';
import { nameList } from '../parse/name-list.js';

const ACTIONS: Record<string, ReferentialAction> = { a: 'no action', r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' };

/** Distinct column references of an expression, in the order PostgreSQL's pull_var_clause meets them. */
export function columnRefs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const item of node) columnRefs(item, out);
  } else if (node && typeof node === 'object') {
    const ref = (node as any).ColumnRef;
    if (ref) {
      const fields = nameList(ref.fields);
      const col = fields[fields.length - 1];
      if (col && !out.includes(col)) out.push(col);
      return out;
    }
    for (const value of Object.values(node)) columnRefs(value, out);
  }
  return out;
}

/**
 * Adds a PRIMARY KEY, UNIQUE, CHECK, FOREIGN KEY or EXCLUDE constraint to `table`.
 * `column` is set for a column constraint (`email text UNIQUE`), which names its column implicitly.
 */
export function addConstraint(b: SchemaBuilder, qn: QualifiedName, table: Table, c: any, st: ParsedStatement, column?: string): void {
  const span = st.locate(c.location);
  const keys = c.keys?.length ? nameList(c.keys) : column ? [column] : [];
  // Index-backed constraints are named like their index (ChooseIndexName), the others by
  // ChooseConstraintName; both skip every constraint name of the schema.
  const indexTaken = b.constraintIndexTaken(qn.schema);
  switch (c.contype) {
    case 'CONSTR_PRIMARY': {
      if (table.primaryKey) return b.note(`table ${display(qn)} already has a primary key; second one ignored`, span);
      const name = c.conname ?? chooseName(qn.name, null, 'pkey', indexTaken);
      const include = nameList(c.including);
      table.primaryKey = { name, columns: keys, ...(include.length && { include }), span };
      b.noteRelation(qn.schema, name, 'index');
      for (const col of table.columns) if (keys.includes(col.name)) col.notNull = true;
      b.registerConstraint(qn.schema, name);
      return;
    }
    case 'CONSTR_UNIQUE': {
      // The invented name lists INCLUDE columns too (ChooseIndexColumnNames sees every index column).
      const name = c.conname ?? chooseName(qn.name, columnsAddition([...keys, ...nameList(c.including)]), 'key', indexTaken);
      const include = nameList(c.including);
      table.uniques.push({
        name,
        columns: keys,
        ...(include.length && { include }),
        nullsNotDistinct: !!c.nulls_not_distinct,
        ...(c.deferrable ? { deferrable: true } : {}),
        ...(c.initdeferred ? { initiallyDeferred: true } : {}),
        span,
      });
      b.noteRelation(qn.schema, name, 'index');
      b.registerConstraint(qn.schema, name);
      return;
    }
    case 'CONSTR_CHECK': {
      // PostgreSQL names a CHECK after its column only when it references exactly one.
      const refs = columnRefs(c.raw_expr);
      const name = c.conname ?? chooseName(qn.name, refs.length === 1 ? refs[0] : null, 'check', b.constraintTaken(qn.schema));
      table.checks.push({
        name,
        expression: deparse(c.raw_expr),
        ...(c.skip_validation ? { notValid: true } : {}),
        ...(c.is_no_inherit ? { noInherit: true } : {}),
        span,
      });
      b.registerConstraint(qn.schema, name);
      return;
    }
    case 'CONSTR_FOREIGN': {
      const refTable = b.qualify(c.pktable);
      const fkColumns = c.fk_attrs?.length ? nameList(c.fk_attrs) : column ? [column] : [];
      let refColumns = nameList(c.pk_attrs);
      if (!refColumns.length) {
        const target = refTable.schema === qn.schema && refTable.name === qn.name ? table : b.table(refTable);
        refColumns = target?.primaryKey?.columns ?? [];
        if (!target?.primaryKey) b.note(`foreign key references ${display(refTable)}, which has no primary key here; referenced columns unknown`, span);
      }
      const name = c.conname ?? chooseName(qn.name, columnsAddition(fkColumns), 'fkey', b.constraintTaken(qn.schema));
      const match = c.fk_matchtype === 'f' ? 'full' : c.fk_matchtype === 'p' ? 'partial' : undefined;
      table.foreignKeys.push({
        name,
        columns: fkColumns,
        refTable,
        refColumns,
        onDelete: ACTIONS[c.fk_del_action] ?? 'no action',
        onUpdate: ACTIONS[c.fk_upd_action] ?? 'no action',
        ...(match ? { match } : {}),
        ...(c.deferrable ? { deferrable: true } : {}),
        ...(c.initdeferred ? { initiallyDeferred: true } : {}),
        ...(c.skip_validation ? { notValid: true } : {}),
        span,
      });
      b.registerConstraint(qn.schema, name);
      return;
    }
    case 'CONSTR_EXCLUSION': {
      const pairs = (c.exclusions ?? []).map((pair: any) => pair.List.items);
      const elements = pairs.map(([elem, ops]: any[]) => ({
        key: indexColumnNames(buildIndexKeys([elem]))[0],
        operator: nameList(ops.List?.items ?? ops).join('.'),
      }));
      const keyNames = indexNameParts(pairs.map(([elem]: any[]) => elem));
      const name = c.conname ?? chooseName(qn.name, columnsAddition(keyNames), 'excl', indexTaken);
      table.exclusions.push({
        name,
        method: c.access_method ?? 'gist',
        elements,
        where: c.where_clause ? deparse(c.where_clause) : null,
        span,
      });
      b.noteRelation(qn.schema, name, 'index');
      b.registerConstraint(qn.schema, name);
      return;
    }
    case 'CONSTR_NOTNULL': {
      for (const key of keys) {
        const col = table.columns.find((x) => x.name === key);
        if (col) col.notNull = true;
      }
      return;
    }
    default:
      return;
  }
}

/** Drops a named constraint of any kind; returns false when the table has none by that name. */
export function dropConstraint(b: SchemaBuilder, qn: QualifiedName, table: Table, name: string): boolean {
  // A table's constraint names are distinct (pg_constraint_conrelid_contypid_conname_index).
  const withIndex = table.primaryKey?.name === name || [...table.uniques, ...table.exclusions].some((c) => c.name === name);
  const without = table.checks.some((c) => c.name === name) || table.foreignKeys.some((f) => f.name === name);
  if (!withIndex && !without) return false;
  if (table.primaryKey?.name === name) table.primaryKey = null;
  table.uniques = table.uniques.filter((u) => u.name !== name);
  table.checks = table.checks.filter((c) => c.name !== name);
  table.foreignKeys = table.foreignKeys.filter((f) => f.name !== name);
  table.exclusions = table.exclusions.filter((e) => e.name !== name);
  // Later subcommands of the same ALTER TABLE may reuse the name, and that of the index
  // dropped with a key or exclusion constraint.
  b.forgetConstraint(qn.schema, name);
  if (withIndex) b.forgetRelation(qn.schema, name);
  return true;
}
