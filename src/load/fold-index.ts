import type { Index } from '../model/types.js';
import { deparse } from '../parse/deparse.js';
import type { ParsedStatement } from '../parse/parse-script.js';
import { chooseName, columnsAddition } from './choose-name.js';
import { propagateToPartitions } from './fold-table.js';
import { buildIndexKeys, indexColumnNames, indexNameParts } from './index-keys.js';
import type { SchemaBuilder } from './schema-builder.js';

/** CREATE INDEX. On a partitioned table (without ON ONLY) every partition gets its own copy. */
export function foldCreateIndex(b: SchemaBuilder, n: any, st: ParsedStatement): void {
  const qn = b.qualify(n.relation);
  const table = b.requireTable(qn);
  if (!table) return;
  if (n.idxname && b.relationKind(qn.schema, n.idxname)) {
    if (!n.if_not_exists) b.note(`relation ${n.idxname} already exists; CREATE INDEX ignored`);
    return;
  }
  const params = n.indexParams ?? [];
  const keys = buildIndexKeys(params);
  const include = (n.indexIncludingParams ?? []).map((p: any) => p.IndexElem.name ?? deparse(p.IndexElem.expr));
  // INCLUDE columns are part of an invented name (ChooseIndexColumnNames takes every column).
  const name = n.idxname ?? chooseName(qn.name, columnsAddition([...indexNameParts(params), ...include]), 'idx', b.relationTaken(qn.schema));
  const index: Index = {
    name,
    unique: !!n.unique,
    method: n.accessMethod ?? 'btree',
    columns: indexColumnNames(keys),
    keys,
    where: n.whereClause ? deparse(n.whereClause) : null,
    include,
    span: st.span,
  };
  if (n.nulls_not_distinct) index.nullsNotDistinct = true;
  // ON ONLY: the parser leaves `inh` out when it is false.
  if (!n.relation.inh) index.only = true;
  table.indexes.push(index);
  b.noteRelation(qn.schema, name, 'index');

  if (!index.only) propagateToPartitions(b, qn, table);
}
