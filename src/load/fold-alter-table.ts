import type { Column, QualifiedName, Table } from '../model/types.js';
import { deparse } from '../parse/deparse.js';
import { nameList } from '../parse/name-list.js';
import { collationFromNames } from '../model/collation.js';
import { formatType } from '../parse/format-type.js';
import type { ParsedStatement } from '../parse/parse-script.js';
import { addConstraint, columnRefs, dropConstraint } from './fold-constraint.js';
import {
  addColumn,
  attachPartition,
  descendants,
  detachPartition,
  dropsWithParent,
  inheritColumn,
  parseExpression,
  propagateToPartitions,
} from './fold-table.js';
import { display, type SchemaBuilder } from './schema-builder.js';

/** ALTER TABLE / ALTER INDEX / ALTER SEQUENCE ... : the subcommands that change the model. */
export function foldAlterTable(b: SchemaBuilder, n: any, st: ParsedStatement): void {
  if (n.objtype === 'OBJECT_INDEX') return foldAlterIndex(b, n);
  if (n.objtype !== 'OBJECT_TABLE' && n.objtype !== 'OBJECT_FOREIGN_TABLE') return; // owner, options, ... of other relations
  const qn = b.qualify(n.relation);
  const table = b.table(qn);
  if (!table) {
    // pg_dump says ALTER TABLE for sequences and views too (OWNER TO, ...): not ours to model.
    if (!n.missing_ok && !b.relationKind(qn.schema, qn.name)) b.note(`table ${display(qn)} is not defined at this point; ALTER TABLE ignored`);
    return;
  }
  // A column change reaches every partition and INHERITS child, unless ALTER TABLE ONLY
  // (the parse tree then omits `inh`, false being protobuf's default).
  const only = !n.relation.inh;
  const family = () => (only ? [table] : [table, ...descendants(b, qn).map((d) => d.table)]);
  for (const wrapped of n.cmds ?? []) {
    const cmd = wrapped.AlterTableCmd;
    const column = cmd.name ? table.columns.find((c) => c.name === cmd.name) : undefined;
    const eachColumn = (change: (c: Column) => void) => {
      if (!column) return;
      for (const t of family()) {
        const c = t.columns.find((x) => x.name === cmd.name);
        if (c) change(c);
      }
    };
    switch (cmd.subtype) {
      case 'AT_AddColumn': {
        const def = cmd.def.ColumnDef;
        if (table.columns.some((c) => c.name === def.colname)) {
          if (!cmd.missing_ok) b.note(`column ${def.colname} of ${display(qn)} already exists; ADD COLUMN ignored`);
          break;
        }
        for (const c of addColumn(b, qn, table, def, st)) addConstraint(b, qn, table, c, st, def.colname);
        // Children get the column with its NOT NULL and default; CHECKs stay the parent's.
        const added = table.columns.find((c) => c.name === def.colname)!;
        for (const child of family().slice(1)) inheritColumn(child, added);
        break;
      }
      case 'AT_DropColumn':
        if (!column) {
          if (!cmd.missing_ok) b.note(`column ${cmd.name} of ${display(qn)} does not exist`);
          break;
        }
        dropColumn(b, qn, table, cmd.name);
        if (!only) dropInheritedColumn(b, qn, cmd.name);
        break;
      case 'AT_ColumnDefault': {
        // PostgreSQL sets the default on partitions and INHERITS children alike.
        const value = cmd.def ? deparse(cmd.def) : null;
        eachColumn((c) => (c.default = value));
        break;
      }
      case 'AT_SetNotNull':
        eachColumn((c) => (c.notNull = true));
        break;
      case 'AT_DropNotNull':
        eachColumn((c) => (c.notNull = false));
        break;
      case 'AT_AlterColumnType': {
        const def = cmd.def.ColumnDef;
        const type = formatType(def.typeName, b.resolveType).type;
        // Without COLLATE the column takes the new type's default collation.
        const collation = collationFromNames(nameList(def.collClause?.collname));
        eachColumn((c) => {
          c.type = type;
          if (collation) c.collation = collation;
          else delete c.collation;
        });
        break;
      }
      case 'AT_AddIdentity':
        if (column) {
          column.identity = cmd.def.Constraint.generated_when === 'a' ? 'always' : 'by default';
          column.notNull = true;
        }
        break;
      case 'AT_DropIdentity':
        if (column) delete column.identity;
        break;
      case 'AT_SetExpression':
        if (column) column.generated = deparse(cmd.def);
        break;
      case 'AT_DropExpression':
        if (column) delete column.generated;
        break;
      case 'AT_AddConstraint':
        if (cmd.def.Constraint.indexname) addConstraintUsingIndex(b, qn, table, cmd.def.Constraint, st);
        else addConstraint(b, qn, table, cmd.def.Constraint, st);
        propagateToPartitions(b, qn, table);
        break;
      case 'AT_DropConstraint':
        if (!dropConstraint(b, qn, table, cmd.name) && !cmd.missing_ok) b.note(`constraint ${cmd.name} of ${display(qn)} does not exist`);
        break;
      case 'AT_ValidateConstraint':
        for (const c of [...table.checks, ...table.foreignKeys]) if (c.name === cmd.name) delete c.notValid;
        break;
      case 'AT_AttachPartition': {
        const cmdDef = cmd.def.PartitionCmd;
        const childName = b.qualify(cmdDef.name);
        const child = b.requireTable(childName);
        if (child) attachPartition(b, child, qn, cmdDef.bound);
        break;
      }
      case 'AT_DetachPartition':
      case 'AT_DetachPartitionFinalize': {
        const childName = b.qualify(cmd.def.PartitionCmd.name);
        const child = b.table(childName);
        if (child?.partitionOf) detachPartition(b, childName, child, table);
        break;
      }
      case 'AT_SetLogged':
        delete table.unlogged;
        break;
      case 'AT_SetUnLogged':
        table.unlogged = true;
        break;
      case 'AT_AddInherit':
        (table.inherits ??= []).push(b.qualify(cmd.def.RangeVar));
        break;
      case 'AT_DropInherit': {
        const parent = b.qualify(cmd.def.RangeVar);
        table.inherits = table.inherits?.filter((p) => p.schema !== parent.schema || p.name !== parent.name);
        if (!table.inherits?.length) delete table.inherits;
        break;
      }
      default:
        // Owner, storage, statistics targets, RLS, triggers enable/disable, ...: not modelled.
        break;
    }
  }
}

/** ADD CONSTRAINT ... PRIMARY KEY / UNIQUE USING INDEX: the index becomes the constraint. */
function addConstraintUsingIndex(b: SchemaBuilder, qn: QualifiedName, table: Table, constraint: any, st: ParsedStatement): void {
  const index = table.indexes.find((i) => i.name === constraint.indexname);
  if (!index) return b.note(`index ${constraint.indexname} is not defined on ${display(qn)}`);
  table.indexes = table.indexes.filter((i) => i !== index);
  // The index is renamed to the constraint's name when one is given.
  const name = constraint.conname ?? index.name;
  const keys = index.columns.map((col) => ({ String: { sval: col } }));
  addConstraint(b, qn, table, { ...constraint, conname: name, keys, nulls_not_distinct: index.nullsNotDistinct }, st);
}

/**
 * ALTER TABLE t DROP COLUMN: what depends on the column goes with it. Indexes, keys and
 * CHECKs on it PostgreSQL drops unasked; foreign keys into it and generated columns computed
 * from it need CASCADE, without which PostgreSQL would have refused: either way none survive.
 */
export function dropColumn(b: SchemaBuilder, qn: QualifiedName, table: Table, name: string): void {
  // Names of what goes with the column are free again for the rest of this ALTER TABLE.
  b.forgetRelations();
  const uses = (cols: string[]) => cols.includes(name);
  const mentions = (sql: string | null) => sql !== null && columnRefs(parseExpression(sql)).includes(name);
  table.columns = table.columns.filter((c) => c.name !== name);
  table.indexes = table.indexes.filter(
    (i) => !uses(i.columns) && !uses(i.include) && !mentions(i.where) && !i.keys.some((k) => mentions(k.expression)),
  );
  if (table.primaryKey && uses(table.primaryKey.columns)) table.primaryKey = null;
  table.uniques = table.uniques.filter((u) => !uses(u.columns));
  table.foreignKeys = table.foreignKeys.filter((f) => !uses(f.columns));
  table.checks = table.checks.filter((c) => !mentions(c.expression));
  table.exclusions = table.exclusions.filter((e) => !mentions(e.where) && !e.elements.some((x) => mentions(x.key)));
  const same = (t: QualifiedName) => t.schema === qn.schema && t.name === qn.name;
  for (const s of b.db.schemas) for (const t of s.tables) t.foreignKeys = t.foreignKeys.filter((f) => !(same(f.refTable) && uses(f.refColumns)));
  const schema = b.schema(qn.schema)!;
  schema.sequences = schema.sequences.filter((s) => !(s.ownedBy && s.ownedBy.column === name && same(s.ownedBy.table)));
  for (const generated of table.columns.filter((c) => mentions(c.generated ?? null))) dropColumn(b, qn, table, generated.name);
}

/**
 * The parent's DROP COLUMN reaches its children: a child drops the column when it had it only
 * from the parent (and recurses to its own children), and keeps it when it defined it too.
 */
function dropInheritedColumn(b: SchemaBuilder, qn: QualifiedName, name: string): void {
  for (const child of descendants(b, qn, true)) {
    const column = child.table.columns.find((c) => c.name === name);
    if (!column || !dropsWithParent(child.table, column)) continue;
    dropColumn(b, child.qn, child.table, name);
    dropInheritedColumn(b, child.qn, name);
  }
}

/**
 * ALTER INDEX parent_idx ATTACH PARTITION child_idx, as pg_dump writes partitioned indexes
 * (CREATE INDEX ... ON ONLY parent, one index per partition, then ATTACH): the partition's
 * index becomes the parent's, which the catalog lists on the parent only.
 */
const attachments = new WeakMap<object, number>();

function foldAlterIndex(b: SchemaBuilder, n: any): void {
  for (const wrapped of n.cmds ?? []) {
    const cmd = wrapped.AlterTableCmd;
    if (cmd.subtype !== 'AT_AttachPartition') continue;
    const parentName = b.qualify(n.relation);
    const childName = b.qualify(cmd.def.PartitionCmd.name);
    const tables = b.schema(childName.schema, false)?.tables ?? [];
    const child = tables.find((t) => t.indexes.some((i) => i.name === childName.name));
    const parent = b.schema(parentName.schema, false)?.tables.find((t) => t.indexes.some((i) => i.name === parentName.name));
    if (!child || !parent) {
      b.note(`ALTER INDEX ${display(parentName)} ATTACH PARTITION ${display(childName)}: index not defined at this point`);
      continue;
    }
    child.indexes = child.indexes.filter((i) => i.name !== childName.name);
    // Once every partition has its index attached PostgreSQL marks the parent's valid:
    // it is then an ordinary partitioned index.
    const index = parent.indexes.find((i) => i.name === parentName.name)!;
    const attached = (attachments.get(index) ?? 0) + 1;
    attachments.set(index, attached);
    const partitions = b.db.schemas.reduce((count, s) => count + s.tables.filter((t) => t.partitionOf?.parent.name === parent.name && t.partitionOf.parent.schema === parentName.schema).length, 0);
    if (attached >= partitions) delete index.only;
  }
}
