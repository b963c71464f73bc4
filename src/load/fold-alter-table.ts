import type { QualifiedName, Table } from '../model/types.js';
import { deparse } from '../parse/deparse.js';
import { formatType } from '../parse/format-type.js';
import type { ParsedStatement } from '../parse/parse-script.js';
import { addConstraint, dropConstraint } from './fold-constraint.js';
import { addColumn, attachPartition, propagateToPartitions } from './fold-table.js';
import { display, type SchemaBuilder } from './schema-builder.js';

/** ALTER TABLE / ALTER INDEX / ALTER SEQUENCE ... : the subcommands that change the model. */
export function foldAlterTable(b: SchemaBuilder, n: any, st: ParsedStatement): void {
  if (n.objtype !== 'OBJECT_TABLE' && n.objtype !== 'OBJECT_FOREIGN_TABLE') return; // owner, options, ... of other relations
  const qn = b.qualify(n.relation);
  const table = b.table(qn);
  if (!table) {
    // pg_dump says ALTER TABLE for sequences and views too (OWNER TO, ...): not ours to model.
    if (!n.missing_ok && !b.relationKind(qn.schema, qn.name)) b.note(`table ${display(qn)} is not defined at this point; ALTER TABLE ignored`);
    return;
  }
  for (const wrapped of n.cmds ?? []) {
    const cmd = wrapped.AlterTableCmd;
    const column = cmd.name ? table.columns.find((c) => c.name === cmd.name) : undefined;
    switch (cmd.subtype) {
      case 'AT_AddColumn': {
        const def = cmd.def.ColumnDef;
        if (table.columns.some((c) => c.name === def.colname)) {
          if (!cmd.missing_ok) b.note(`column ${def.colname} of ${display(qn)} already exists; ADD COLUMN ignored`);
          break;
        }
        for (const c of addColumn(b, qn, table, def, st)) addConstraint(b, qn, table, c, st, def.colname);
        break;
      }
      case 'AT_DropColumn':
        dropColumn(b, qn, table, cmd.name);
        break;
      case 'AT_ColumnDefault':
        if (column) column.default = cmd.def ? deparse(cmd.def) : null;
        break;
      case 'AT_SetNotNull':
        if (column) column.notNull = true;
        break;
      case 'AT_DropNotNull':
        if (column) column.notNull = false;
        break;
      case 'AT_AlterColumnType':
        if (column) {
          const def = cmd.def.ColumnDef;
          column.type = formatType(def.typeName, b.resolveType).type;
          const collation = def.collClause?.collname?.map((x: any) => x.String.sval).pop();
          if (collation) column.collation = collation;
        }
        break;
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
        if (child) attachPartition(b, childName, child, qn, cmdDef.bound);
        break;
      }
      case 'AT_DetachPartition':
      case 'AT_DetachPartitionFinalize': {
        const child = b.table(b.qualify(cmd.def.PartitionCmd.name));
        if (child) delete child.partitionOf;
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

export function dropColumn(b: SchemaBuilder, qn: QualifiedName, table: Table, name: string): void {
  const before = table.columns.length;
  table.columns = table.columns.filter((c) => c.name !== name);
  if (table.columns.length === before) return b.note(`column ${name} of ${display(qn)} does not exist`);
  // Indexes and constraints on the column go with it (PostgreSQL drops them, CASCADE or not).
  const uses = (cols: string[]) => cols.includes(name);
  table.indexes = table.indexes.filter((i) => !uses(i.columns) && !uses(i.include));
  if (table.primaryKey && uses(table.primaryKey.columns)) table.primaryKey = null;
  table.uniques = table.uniques.filter((u) => !uses(u.columns));
  table.foreignKeys = table.foreignKeys.filter((f) => !uses(f.columns));
  const schema = b.schema(qn.schema)!;
  schema.sequences = schema.sequences.filter(
    (s) => !(s.ownedBy && s.ownedBy.column === name && s.ownedBy.table.schema === qn.schema && s.ownedBy.table.name === qn.name),
  );
}
