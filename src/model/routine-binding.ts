/**
 * What a routine needs to exist before PostgreSQL accepts its CREATE FUNCTION: shared by the
 * migration planner and `inspect --format sql`, which both create routines in an order that
 * follows from it.
 */
import { parseSync } from 'libpg-query';
import { qualifiedName, quoteIdent } from './quote-ident.js';
import type { Database, Function as Routine } from './types.js';

/**
 * The types of a routine's signature as `format_type` spells them, without `SETOF` or array
 * brackets: its result and its parameters' types.
 */
export function signatureTypes(fn: Routine): string[] {
  const types = [fn.returns.replace(/^SETOF /, ''), ...(fn.parameters ?? []).map((p) => p.type)];
  return types.map((t) => t.replace(/(\[\])+$/, ''));
}

/**
 * A routine PostgreSQL binds to tables or views when it is created: a table's or view's row
 * type among its argument and result types, or a SQL-standard body that reads or writes one.
 * It is created after the tables and views, dropped before them.
 */
export function boundToRelations(fn: Routine, db: Database): boolean {
  const relations = new Set(db.schemas.flatMap((s) => [...s.tables, ...s.views].map((r) => (s.name === 'public' ? quoteIdent(r.name) : qualifiedName(s.name, r.name)))));
  return signatureTypes(fn).some((t) => relations.has(t)) || (!!fn.sqlStandardBody && namesRelation(fn.body ?? ''));
}

/**
 * Whether a SQL-standard body names a relation (a table, a view, a CTE: anything the parser
 * calls a RangeVar). The parse tree's JSON leaves the `RangeVar` wrapper out where a field can
 * only hold one (the target of INSERT, UPDATE, DELETE), so the test is its `relname` field. A
 * body that does not parse (or a parser not loaded yet) counts as naming one: placing the
 * routine late is the safe guess.
 */
function namesRelation(body: string): boolean {
  try {
    return JSON.stringify(parseSync(`CREATE FUNCTION f() ${body}`)).includes('"relname":');
  } catch {
    return true;
  }
}
