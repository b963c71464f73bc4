import type { Function as Routine, FunctionParameter, QualifiedName, Trigger } from '../model/types.js';
import { quoteIdent } from '../model/quote-ident.js';
import { deparse } from '../parse/deparse.js';
import { formatType } from '../parse/format-type.js';
import type { ParsedStatement } from '../parse/parse-script.js';
import type { SchemaBuilder } from './schema-builder.js';
import { nameList } from '../parse/name-list.js';

/*
 * Functions, procedures and triggers. `routineFromStatement` and `triggerFromStatement` read a
 * parsed CREATE statement into the model; introspection runs the text of pg_get_functiondef
 * and pg_get_triggerdef through them too, so a routine written in a file and the same routine
 * read back from a database are described by the same code.
 */

/** A type's name parts (`['status']`, `['sales','status']`) → its model spelling. */
export type TypeResolver = (names: string[]) => string;

// Trigger functions PostgreSQL itself provides; an unqualified call finds them in pg_catalog.
const BUILTIN_TRIGGER_FUNCTIONS = new Set(['tsvector_update_trigger', 'tsvector_update_trigger_column', 'suppress_redundant_updates_trigger']);

function qualifyRoutine(b: SchemaBuilder, names: string[]): QualifiedName {
  if (names.length === 1 && BUILTIN_TRIGGER_FUNCTIONS.has(names[0])) return { schema: 'pg_catalog', name: names[0] };
  return b.qualifyNames(names, (s, name) => !!b.schema(s, false)?.functions.some((f) => f.name === name));
}

/** PostgreSQL keeps no modifiers on a parameter's or result's type: `varchar(20)` is stored as `character varying`. */
function routineType(typeName: any, resolve: TypeResolver): string {
  return formatType({ ...typeName, typmods: undefined }, resolve).type;
}

/** CREATE AGGREGATE name(args) (...): its identity, like a function's. Aggregates are listed, not planned. */
export function foldCreateAggregate(b: SchemaBuilder, n: any, st: ParsedStatement): void {
  const qn = qualifyRoutine(b, nameList(n.defnames));
  // args is [List of FunctionParameter, ordered-set marker]; `*` (count(*)-like) has none.
  const params = (n.args?.[0]?.List?.items ?? []).map((p: any) => p.FunctionParameter);
  const stype = (n.definition ?? []).map((d: any) => d.DefElem).find((d: any) => d.defname === 'stype' || d.defname === 'finalfunc_return');
  const schema = b.schema(qn.schema)!;
  const fn: Routine = {
    name: qn.name,
    arguments: params.map((p: any) => routineType(p.argType, b.resolveType)).join(', '),
    returns: stype?.arg?.TypeName ? formatType(stype.arg.TypeName, b.resolveType).type : '',
    language: 'internal',
    kind: 'aggregate',
    span: st.span,
  };
  schema.functions = schema.functions.filter((f) => !(f.name === fn.name && f.arguments === fn.arguments));
  schema.functions.push(fn);
}

/** CREATE [OR REPLACE] FUNCTION / PROCEDURE. */
export function foldCreateFunction(b: SchemaBuilder, n: any, st: ParsedStatement): void {
  const qn = qualifyRoutine(b, nameList(n.funcname));
  const schema = b.schema(qn.schema)!;
  const fn = { ...routineFromStatement(n, qn.name, b.resolveType), span: st.span };
  const at = schema.functions.findIndex((f) => f.name === fn.name && f.arguments === fn.arguments);
  if (at >= 0) schema.functions[at] = fn;
  else schema.functions.push(fn);
}

/** ALTER FUNCTION / PROCEDURE / ROUTINE ... SECURITY DEFINER, SET ..., STABLE, ...: applied to the routine. */
export function foldAlterFunction(b: SchemaBuilder, n: any): void {
  const names = nameList(n.func.objname);
  const qn = qualifyRoutine(b, names);
  const functions = b.schema(qn.schema, false)?.functions.filter((f) => f.name === qn.name && f.kind !== 'aggregate') ?? [];
  // Without an argument list the name must be unique, as PostgreSQL demands.
  const identity = routineArguments(n.func, b.resolveType);
  const matches = functions.filter((f) => identity === undefined || f.arguments === identity);
  if (matches.length !== 1) return b.note(`ALTER FUNCTION ${names.join('.')}: not defined at this point (or ambiguous)`);
  const fn = matches[0];
  applyOptions(fn, (n.actions ?? []).map((a: any) => a.DefElem));
  const schema = b.schema(qn.schema)!;
  schema.functions[schema.functions.indexOf(fn)] = inModelOrder(fn);
}

/** The argument types an ALTER or DROP names (`f(int, text)`), or undefined for a bare name (`DROP FUNCTION f`). */
export function routineArguments(func: any, resolve: TypeResolver): string | undefined {
  return func.args_unspecified ? undefined : (func.objargs ?? []).map((t: any) => routineType(t.TypeName, resolve)).join(', ');
}

// One key order whatever order the options were written in: models are compared as JSON.
const ROUTINE_KEYS: (keyof Routine)[] = [
  'name', 'arguments', 'returns', 'language', 'kind', 'parameters', 'body', 'sqlStandardBody', 'library', 'volatility',
  'strict', 'securityDefiner', 'leakproof', 'parallel', 'window', 'cost', 'rows', 'config', 'span',
];

function inModelOrder(fn: Routine): Routine {
  return Object.fromEntries(ROUTINE_KEYS.filter((k) => fn[k] !== undefined).map((k) => [k, fn[k]])) as unknown as Routine;
}

const MODES: Record<string, FunctionParameter['mode']> = { FUNC_PARAM_OUT: 'out', FUNC_PARAM_INOUT: 'inout', FUNC_PARAM_VARIADIC: 'variadic' };

/**
 * The routine a CREATE FUNCTION / PROCEDURE statement (`CreateFunctionStmt`) defines, named
 * `name` (the caller resolves the schema).
 */
export function routineFromStatement(n: any, name: string, resolveType: TypeResolver): Routine {
  const params = (n.parameters ?? []).map((p: any) => p.FunctionParameter);
  const typeOf = (p: any) => routineType(p.argType, resolveType);
  const isTable = (p: any) => p.mode === 'FUNC_PARAM_TABLE';
  // The identity of a routine is its input types (proargtypes), without names or modes.
  const identity = params
    .filter((p: any) => p.mode !== 'FUNC_PARAM_OUT' && !isTable(p))
    .map(typeOf)
    .join(', ');
  const table = params.filter(isTable);
  const out = params.filter((p: any) => p.mode === 'FUNC_PARAM_OUT' || p.mode === 'FUNC_PARAM_INOUT');
  let returns = '';
  if (table.length) returns = `TABLE(${table.map((p: any) => `${quoteIdent(p.name)} ${typeOf(p)}`).join(', ')})`;
  else if (n.returnType) returns = (n.returnType.setof ? 'SETOF ' : '') + routineType(n.returnType, resolveType);
  // Without RETURNS, OUT parameters decide: one gives its type, several a record.
  else if (!n.is_procedure && out.length) returns = out.length === 1 ? typeOf(out[0]) : 'record';
  const options = (n.options ?? []).map((o: any) => o.DefElem);
  // A routine without LANGUAGE is SQL (the only language a SQL-standard body can have).
  const language = options.find((d: any) => d.defname === 'language')?.arg?.String?.sval ?? 'sql';
  const fn: Routine = {
    name,
    arguments: identity,
    returns,
    language,
    kind: n.is_procedure ? 'procedure' : 'function',
    parameters: params.filter((p: any) => !isTable(p)).map((p: any): FunctionParameter => ({
      ...(p.name && { name: p.name }),
      ...(MODES[p.mode] && { mode: MODES[p.mode] }),
      type: typeOf(p),
      ...(p.defexpr && { default: deparse(p.defexpr) }),
    })),
  };
  setBody(fn, n.sql_body, options.find((d: any) => d.defname === 'as')?.arg?.List?.items?.map((i: any) => i.String?.sval ?? ''));
  applyOptions(fn, options);
  return inModelOrder(fn);
}

function setBody(fn: Routine, sqlBody: any, as: string[] | undefined): void {
  if (sqlBody) {
    fn.body = sqlStandardBody(sqlBody);
    fn.sqlStandardBody = true;
  } else if (as?.length === 2 || (as?.length === 1 && fn.language === 'c')) {
    // AS 'obj_file' [, 'link_symbol']: the symbol defaults to the function's name.
    fn.library = as[0];
    fn.body = as[1] ?? fn.name;
  } else if (as) {
    fn.body = as[0];
  }
}

/** `RETURN expr`, or `BEGIN ATOMIC` with each statement on its line. */
function sqlStandardBody(node: any): string {
  if (node.ReturnStmt) return deparse(node);
  const statements: any[] = node.List?.items?.[0]?.List?.items ?? [];
  return ['BEGIN ATOMIC', ...statements.map((s) => `  ${deparse(s)};`), 'END'].join('\n');
}

/** The options PostgreSQL leaves out of pg_get_functiondef when they are the default are left out here too. */
function applyOptions(fn: Routine, options: any[]): void {
  for (const d of options) {
    const value = d.arg?.String?.sval ?? d.arg?.Boolean?.boolval ?? d.arg?.Integer?.ival ?? d.arg?.Float?.fval;
    const flag = (key: 'strict' | 'securityDefiner' | 'leakproof' | 'window') => {
      if (value === true) fn[key] = true;
      else delete fn[key];
    };
    switch (d.defname) {
      case 'volatility':
        if (value === 'volatile') delete fn.volatility;
        else fn.volatility = value;
        break;
      case 'parallel':
        if (value === 'unsafe') delete fn.parallel;
        else fn.parallel = value;
        break;
      case 'strict':
        flag('strict');
        break;
      case 'security':
        flag('securityDefiner');
        break;
      case 'leakproof':
        flag('leakproof');
        break;
      case 'window':
        flag('window');
        break;
      case 'cost': {
        const cost = Number(value ?? 0);
        // The default cost is 1 for C and internal functions, 100 for any other language.
        if (cost === (fn.language === 'c' || fn.language === 'internal' ? 1 : 100)) delete fn.cost;
        else fn.cost = cost;
        break;
      }
      case 'rows': {
        const rows = Number(value ?? 0);
        if (rows === 1000) delete fn.rows;
        else fn.rows = rows;
        break;
      }
      case 'set':
        applySet(fn, d.arg.VariableSetStmt);
        break;
    }
  }
}

/**
 * GUCs whose value is a list of names: PostgreSQL prints each element as its own literal
 * (`SET search_path TO 'public', 'pg_temp'`); any other value is printed as one literal.
 */
const LIST_SETTINGS = new Set(['search_path', 'temp_tablespaces', 'local_preload_libraries', 'session_preload_libraries', 'shared_preload_libraries']);

/** A SET clause as pg_get_functiondef prints it; RESET removes one. GUC names are case-insensitive. */
function applySet(fn: Routine, set: any): void {
  const name = String(set.name ?? '').toLowerCase();
  const others = (fn.config ?? []).filter((c) => c.slice(0, c.indexOf(' ')) !== settingName(name));
  let clause: string | undefined;
  if (set.kind === 'VAR_SET_VALUE') {
    const values = (set.args ?? []).map(settingValue);
    clause = `${settingName(name)} TO ${(LIST_SETTINGS.has(name) ? values : [values.join(', ')]).map(quoteSetting).join(', ')}`;
  } else if (set.kind === 'VAR_SET_CURRENT') {
    // The value is the session's when the function is created: PostgreSQL stores that value, a file only says FROM CURRENT.
    clause = `${settingName(name)} FROM CURRENT`;
  }
  const config = set.kind === 'VAR_RESET_ALL' ? [] : clause ? [...others, clause] : others;
  if (config.length) fn.config = config;
  else delete fn.config;
}

const settingName = (name: string) => name.split('.').map(quoteIdent).join('.');

function settingValue(arg: any): string {
  const c = arg.A_Const ?? {};
  if (c.sval) return c.sval.sval ?? '';
  if (c.fval) return c.fval.fval;
  // A zero comes without its value: the parse tree leaves defaults out.
  return String(c.ival?.ival ?? 0);
}

const quoteSetting = (value: string) => `'${value.replace(/'/g, "''")}'`;

// Bits of pg_trigger.tgtype (catalog/pg_trigger.h).
const TRIGGER = { ROW: 1 << 0, BEFORE: 1 << 1, INSERT: 1 << 2, DELETE: 1 << 3, UPDATE: 1 << 4, TRUNCATE: 1 << 5, INSTEAD: 1 << 6 };

/** CREATE TRIGGER (constraint triggers too). Kept on the table's schema. */
export function foldCreateTrigger(b: SchemaBuilder, n: any, st: ParsedStatement): void {
  const table = b.qualify(n.relation);
  const trigger = { ...triggerFromStatement(n, { table, function: qualifyRoutine(b, nameList(n.funcname)), relation: (rv) => b.qualify(rv) }), span: st.span };
  const schema = b.schema(table.schema)!;
  schema.triggers = schema.triggers.filter((t) => !(t.name === trigger.name && t.table.name === table.name));
  schema.triggers.push(trigger);
}

/**
 * The trigger a `CreateTrigStmt` defines; the caller resolves its table, its function and
 * any other relation it names (a constraint trigger's FROM table).
 */
export function triggerFromStatement(n: any, names: { table: QualifiedName; function: QualifiedName; relation: (rangeVar: any) => QualifiedName }): Trigger {
  const events: Trigger['events'] = [];
  if (n.events & TRIGGER.INSERT) events.push('insert');
  if (n.events & TRIGGER.UPDATE) events.push('update');
  if (n.events & TRIGGER.DELETE) events.push('delete');
  if (n.events & TRIGGER.TRUNCATE) events.push('truncate');
  const transition = (isNew: boolean) => (n.transitionRels ?? []).map((r: any) => r.TriggerTransition).find((r: any) => !!r.isNew === isNew)?.name;
  const oldTable = transition(false);
  const newTable = transition(true);
  const columns = nameList(n.columns);
  // EXECUTE FUNCTION f('a', 1, b): the grammar turns every argument into a string, as PostgreSQL stores them.
  const args = nameList(n.args);
  return {
    name: n.trigname,
    table: names.table,
    function: names.function,
    timing: n.timing & TRIGGER.BEFORE ? 'before' : n.timing & TRIGGER.INSTEAD ? 'instead of' : 'after',
    events,
    forEach: n.row ? 'row' : 'statement',
    ...(columns.length && { columns }),
    ...(n.whenClause && { when: deparse(n.whenClause) }),
    ...(args.length && { arguments: args }),
    ...(oldTable && { oldTable }),
    ...(newTable && { newTable }),
    ...(n.isconstraint && { constraint: true }),
    ...(n.deferrable && { deferrable: true }),
    ...(n.initdeferred && { initiallyDeferred: true }),
    ...(n.constrrel && { from: names.relation(n.constrrel) }),
  };
}
