import type { QualifiedName } from '../model/types.js';
import { deparse } from '../parse/deparse.js';
import type { ParsedStatement } from '../parse/parse-script.js';
import { display, type SchemaBuilder } from './schema-builder.js';

/**
 * Resolves the relations a query reads against the search_path in force now, as PostgreSQL
 * does when it stores a view (by OID). Returns a copy of the query whose relation names
 * outside `public` are qualified, so its text means the same whatever the path later, and
 * the relations read (every RangeVar that is not one of the query's CTEs).
 */
export function resolveRelations(b: SchemaBuilder, query: unknown): { query: unknown; reads: QualifiedName[] } {
  const copy = structuredClone(query);
  const ctes = new Set<string>();
  const collectCtes = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(collectCtes);
    if (!node || typeof node !== 'object') return;
    if ((node as any).CommonTableExpr) ctes.add((node as any).CommonTableExpr.ctename);
    for (const value of Object.values(node)) collectCtes(value);
  };
  const found = new Map<string, QualifiedName>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const rv = (node as any).RangeVar;
    if (rv) {
      if (rv.schemaname || !ctes.has(rv.relname)) {
        const qn = b.qualify(rv);
        if (!rv.schemaname && qn.schema !== 'public') rv.schemaname = qn.schema;
        found.set(`${qn.schema}.${qn.name}`, qn);
      }
      return;
    }
    for (const value of Object.values(node)) walk(value);
  };
  collectCtes(copy);
  walk(copy);
  expandStars(b, copy, ctes);
  return { query: copy, reads: [...found.values()].sort((x, y) => display(x).localeCompare(display(y))) };
}

/**
 * PostgreSQL expands `*` when it stores a view: the view keeps the columns the table had
 * then, not those it gains later. Done here for SELECTs reading one known table, the case
 * where the expansion is certain.
 */
function expandStars(b: SchemaBuilder, node: unknown, ctes: ReadonlySet<string>): void {
  if (Array.isArray(node)) return node.forEach((n) => expandStars(b, n, ctes));
  if (!node || typeof node !== 'object') return;
  const select = (node as any).SelectStmt;
  if (select?.targetList && select.fromClause?.length === 1 && select.fromClause[0].RangeVar) {
    const rv = select.fromClause[0].RangeVar;
    // A CTE's name hides a table of the same name; its columns are not in the model.
    const table = !rv.schemaname && ctes.has(rv.relname) ? undefined : b.table(b.qualify(rv));
    const alias = rv.alias?.aliasname ?? rv.relname;
    if (table) {
      select.targetList = select.targetList.flatMap((target: any) => {
        const fields = target.ResTarget?.val?.ColumnRef?.fields;
        const star = fields?.[fields.length - 1]?.A_Star !== undefined;
        if (!star || (fields.length === 2 && fields[0].String?.sval !== alias) || fields.length > 2) return [target];
        return table.columns.map((c) => ({ ResTarget: { val: { ColumnRef: { fields: [{ String: { sval: c.name } }] } } } }));
      });
    }
  }
  for (const value of Object.values(node)) expandStars(b, value, ctes);
}

function upsertView(b: SchemaBuilder, qn: QualifiedName, query: any, materialized: boolean, replace: boolean, st: ParsedStatement): void {
  const schema = b.schema(qn.schema)!;
  const existing = schema.views.findIndex((v) => v.name === qn.name);
  if (existing >= 0 && !replace) return b.note(`relation ${display(qn)} already exists; CREATE VIEW ignored`);
  const resolved = resolveRelations(b, query);
  const view = { name: qn.name, materialized, definition: deparse(resolved.query), reads: resolved.reads, span: st.span };
  if (existing >= 0) schema.views[existing] = { ...schema.views[existing], ...view };
  else schema.views.push(view);
  b.noteRelation(qn.schema, qn.name, 'view');
}

/** CREATE [OR REPLACE] VIEW */
export function foldCreateView(b: SchemaBuilder, n: any, st: ParsedStatement): void {
  const qn = b.qualify(n.view, true);
  upsertView(b, qn, n.query, false, !!n.replace, st);
}

/** CREATE MATERIALIZED VIEW (CREATE TABLE AS is not modelled statically: its columns come from execution). */
export function foldCreateTableAs(b: SchemaBuilder, n: any, st: ParsedStatement): void {
  const qn = b.qualify(n.into.rel, true);
  if (n.objtype !== 'OBJECT_MATVIEW') return b.note(`CREATE TABLE ${display(qn)} AS ...: columns not modelled statically; use --exact`);
  if (b.relationKind(qn.schema, qn.name) && n.if_not_exists) return;
  upsertView(b, qn, n.query, true, false, st);
}
