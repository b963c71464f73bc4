import type { IndexKey } from '../model/types.js';
import { deparse } from '../parse/deparse.js';
import { lastName, nameList } from '../parse/name-list.js';
import { collationFromNames } from '../model/collation.js';

/** IndexElem nodes → model keys. DESC / NULLS are kept only when not the direction's default. */
export function buildIndexKeys(elems: any[]): IndexKey[] {
  return elems.map((wrapped: any) => {
    const e = wrapped.IndexElem ?? wrapped;
    const desc = e.ordering === 'SORTBY_DESC';
    // PostgreSQL's default: NULLS LAST for ASC, NULLS FIRST for DESC.
    const nulls =
      e.nulls_ordering === 'SORTBY_NULLS_FIRST' && !desc ? 'first' : e.nulls_ordering === 'SORTBY_NULLS_LAST' && desc ? 'last' : undefined;
    const key: IndexKey = { column: e.name ?? null, expression: e.name ? null : deparse(e.expr) };
    if (desc) key.order = 'desc';
    if (nulls) key.nulls = nulls;
    const opclass = lastName(e.opclass);
    if (opclass) key.opclass = opclass;
    const collation = collationFromNames(nameList(e.collation));
    if (collation) key.collation = collation;
    return key;
  });
}

/** What PostgreSQL's FigureIndexColname calls an expression key, for invented index names. */
function expressionName(expr: any): string {
  if (expr?.FuncCall) return lastName(expr.FuncCall.funcname) ?? 'expr';
  if (expr?.ColumnRef) return lastName(expr.ColumnRef.fields) ?? 'expr';
  if (expr?.TypeCast) {
    const inner = expr.TypeCast.arg;
    return inner?.FuncCall || inner?.ColumnRef ? expressionName(inner) : lastName(expr.TypeCast.typeName?.names) ?? 'expr';
  }
  if (expr?.CoalesceExpr) return 'coalesce';
  if (expr?.CaseExpr) return 'case';
  if (expr?.A_ArrayExpr) return 'array';
  return 'expr';
}

/** Key names used to invent an index name (`users_lower_idx`). */
export function indexNameParts(elems: any[]): string[] {
  return elems.map((wrapped: any) => {
    const e = wrapped.IndexElem ?? wrapped;
    return e.name ?? expressionName(e.expr);
  });
}

/** The model's `columns` view of keys: the column name, or the expression text. */
export function indexColumnNames(keys: (IndexKey | string)[]): string[] {
  return keys.map((k) => (typeof k === 'string' ? k : k.column ?? k.expression ?? ''));
}
