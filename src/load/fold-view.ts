import type { QualifiedName } from '../model/types.js';
import { deparse } from '../parse/deparse.js';
import type { ParsedStatement } from '../parse/parse-script.js';
import { display, type SchemaBuilder } from './schema-builder.js';

/** Relations a query reads: every RangeVar that is not one of its CTEs. */
export function relationsRead(b: SchemaBuilder, query: unknown): QualifiedName[] {
  const ctes = new Set<string>();
  const found = new Map<string, QualifiedName>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const obj = node as any;
    if (obj.CommonTableExpr) ctes.add(obj.CommonTableExpr.ctename);
    if (obj.RangeVar) {
      const rv = obj.RangeVar;
      if (rv.schemaname || !ctes.has(rv.relname)) {
        const qn = b.qualify(rv);
        found.set(`${qn.schema}.${qn.name}`, qn);
      }
      return;
    }
    for (const value of Object.values(obj)) walk(value);
  };
  // CTE names must be known before the FROM clauses that use them are walked.
  const collectCtes = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(collectCtes);
    if (!node || typeof node !== 'object') return;
    if ((node as any).CommonTableExpr) ctes.add((node as any).CommonTableExpr.ctename);
    for (const value of Object.values(node)) collectCtes(value);
  };
  collectCtes(query);
  walk(query);
  return [...found.values()].sort((x, y) => display(x).localeCompare(display(y)));
}

function upsertView(b: SchemaBuilder, qn: QualifiedName, query: any, materialized: boolean, replace: boolean, st: ParsedStatement): void {
  const schema = b.schema(qn.schema)!;
  const existing = schema.views.findIndex((v) => v.name === qn.name);
  if (existing >= 0 && !replace) return b.note(`relation ${display(qn)} already exists; CREATE VIEW ignored`);
  const view = { name: qn.name, materialized, definition: deparse(query), reads: relationsRead(b, query), span: st.span };
  if (existing >= 0) schema.views[existing] = { ...schema.views[existing], ...view };
  else schema.views.push(view);
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
