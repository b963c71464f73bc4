import type { QualifiedName, Trigger } from '../model/types.js';
import { formatType } from '../parse/format-type.js';
import type { ParsedStatement } from '../parse/parse-script.js';
import type { SchemaBuilder } from './schema-builder.js';
import { nameList } from '../parse/name-list.js';

// Trigger functions PostgreSQL itself provides; an unqualified call finds them in pg_catalog.
const BUILTIN_TRIGGER_FUNCTIONS = new Set(['tsvector_update_trigger', 'tsvector_update_trigger_column', 'suppress_redundant_updates_trigger']);

function qualifyRoutine(b: SchemaBuilder, names: string[]): QualifiedName {
  if (names.length === 1 && BUILTIN_TRIGGER_FUNCTIONS.has(names[0])) return { schema: 'pg_catalog', name: names[0] };
  return b.qualifyNames(names, (s, name) => !!b.schema(s, false)?.functions.some((f) => f.name === name));
}

/** CREATE AGGREGATE name(args) (...): its identity, like a function's. */
export function foldCreateAggregate(b: SchemaBuilder, n: any, st: ParsedStatement): void {
  const qn = qualifyRoutine(b, nameList(n.defnames));
  // args is [List of FunctionParameter, ordered-set marker]; `*` (count(*)-like) has none.
  const params = (n.args?.[0]?.List?.items ?? []).map((p: any) => p.FunctionParameter);
  const stype = (n.definition ?? []).map((d: any) => d.DefElem).find((d: any) => d.defname === 'stype' || d.defname === 'finalfunc_return');
  const schema = b.schema(qn.schema)!;
  const fn = {
    name: qn.name,
    arguments: params.map((p: any) => formatType(p.argType, b.resolveType).type).join(', '),
    returns: stype?.arg?.TypeName ? formatType(stype.arg.TypeName, b.resolveType).type : '',
    language: 'internal',
    kind: 'aggregate' as const,
    span: st.span,
  };
  schema.functions = schema.functions.filter((f) => !(f.name === fn.name && f.arguments === fn.arguments));
  schema.functions.push(fn);
}

/** CREATE [OR REPLACE] FUNCTION / PROCEDURE: name and signature only. */
export function foldCreateFunction(b: SchemaBuilder, n: any, st: ParsedStatement): void {
  const qn = qualifyRoutine(b, nameList(n.funcname));
  const params = (n.parameters ?? []).map((p: any) => p.FunctionParameter);
  const typeOf = (p: any) => formatType(p.argType, b.resolveType).type;
  // The identity of a routine is its input types (proargtypes), without names or modes.
  const identity = params
    .filter((p: any) => p.mode !== 'FUNC_PARAM_OUT' && p.mode !== 'FUNC_PARAM_TABLE')
    .map(typeOf)
    .join(', ');
  const table = params.filter((p: any) => p.mode === 'FUNC_PARAM_TABLE');
  const out = params.filter((p: any) => p.mode === 'FUNC_PARAM_OUT' || p.mode === 'FUNC_PARAM_INOUT');
  let returns = '';
  if (table.length) returns = `TABLE(${table.map((p: any) => `${p.name} ${typeOf(p)}`).join(', ')})`;
  else if (n.returnType) returns = (n.returnType.setof ? 'SETOF ' : '') + formatType(n.returnType, b.resolveType).type;
  // Without RETURNS, OUT parameters decide: one gives its type, several a record.
  else if (!n.is_procedure && out.length) returns = out.length === 1 ? typeOf(out[0]) : 'record';
  // A routine without LANGUAGE is SQL (the only language a BEGIN ATOMIC body can have).
  const language = (n.options ?? []).map((o: any) => o.DefElem).find((d: any) => d.defname === 'language')?.arg?.String?.sval ?? 'sql';
  const schema = b.schema(qn.schema)!;
  const fn = { name: qn.name, arguments: identity, returns, language, kind: n.is_procedure ? 'procedure' as const : 'function' as const, span: st.span };
  const at = schema.functions.findIndex((f) => f.name === fn.name && f.arguments === fn.arguments);
  if (at >= 0) schema.functions[at] = fn;
  else schema.functions.push(fn);
}

// Bits of pg_trigger.tgtype (catalog/pg_trigger.h).
const TRIGGER = { ROW: 1 << 0, BEFORE: 1 << 1, INSERT: 1 << 2, DELETE: 1 << 3, UPDATE: 1 << 4, TRUNCATE: 1 << 5, INSTEAD: 1 << 6 };

/** CREATE TRIGGER (constraint triggers too). Kept on the table's schema. */
export function foldCreateTrigger(b: SchemaBuilder, n: any, st: ParsedStatement): void {
  const table = b.qualify(n.relation);
  const events: Trigger['events'] = [];
  if (n.events & TRIGGER.INSERT) events.push('insert');
  if (n.events & TRIGGER.UPDATE) events.push('update');
  if (n.events & TRIGGER.DELETE) events.push('delete');
  if (n.events & TRIGGER.TRUNCATE) events.push('truncate');
  const trigger: Trigger = {
    name: n.trigname,
    table,
    function: qualifyRoutine(b, nameList(n.funcname)),
    timing: n.timing & TRIGGER.BEFORE ? 'before' : n.timing & TRIGGER.INSTEAD ? 'instead of' : 'after',
    events,
    forEach: n.row ? 'row' : 'statement',
    span: st.span,
  };
  const schema = b.schema(table.schema)!;
  schema.triggers = schema.triggers.filter((t) => !(t.name === trigger.name && t.table.name === table.name));
  schema.triggers.push(trigger);
}
