import { byQualifiedName, sortModel } from './sort-model.js';
import { parseSync } from 'libpg-query';
import { initParser, parserReady } from '../parse/parse-script.js';
import { deparseSync } from 'pgsql-deparser';
import type { Database, Function as Routine, Index, IndexKey, Table, Trigger } from './types.js';

/**
 * Comparison of models built from different sources (static DDL, PGlite 18, a PostgreSQL 15
 * server). Every spelling difference that the sources cannot avoid is removed here, and
 * only here: expressions are parsed and deparsed without what PostgreSQL adds when it prints
 * them back, flags equal to PostgreSQL's defaults are dropped, arrays are sorted.
 */

/** Loads the parser (WebAssembly); required once before `normalizeExpression`/`normalizeForComparison`. A static load has done it. */
export function initNormalizer(): Promise<void> {
  return initParser();
}

type Ast = { [key: string]: unknown };

/**
 * One spelling for equivalent expression texts, e.g. `price > (0)::numeric` and
 * `price > 0`; `x = ANY (ARRAY['a'::text, 'b'::text])` and `x IN ('a', 'b')`;
 * `name ~~ 'a%'::text` and `name LIKE 'a%'`; `q >= 1 AND q <= 9` and `q BETWEEN 1 AND 9`.
 * Text that does not parse as one expression comes back with its whitespace collapsed.
 */
export function normalizeExpression(sql: string): string {
  // Rules ask for the same predicates and defaults over and over: parse each text once.
  let normal = normalized.get(sql);
  if (normal === undefined) {
    if (normalized.size > 50_000) normalized.clear();
    normalized.set(sql, (normal = expression(sql, ON_SEARCH_PATH)));
  }
  return normal;
}
const normalized = new Map<string, string>();

/**
 * Schemas whose names PostgreSQL leaves out when it prints, with introspection's search_path.
 * An object's own schema joins them for comparison: a static loader spells `bins` where
 * PostgreSQL prints `inventory.bins`, and what a name resolves to is compared elsewhere
 * (a view's `reads`, a column's type).
 */
const ON_SEARCH_PATH: ReadonlySet<string> = new Set(['pg_catalog', 'public']);

function bareIn(schema: string): ReadonlySet<string> {
  return new Set([...ON_SEARCH_PATH, schema]);
}

function expression(sql: string, bare: ReadonlySet<string>): string {
  const select = parseSelect(`SELECT ${sql}`);
  const targets = select?.targetList as Ast[] | undefined;
  if (!select || targets?.length !== 1 || Object.keys(select).some((k) => !SELECT_EXPRESSION_KEYS.has(k))) return collapse(sql);
  return deparse(canonical((targets[0].ResTarget as Ast).val, bare)) ?? collapse(sql);
}

const SELECT_EXPRESSION_KEYS = new Set(['targetList', 'limitOption', 'op']);

/** A deep copy of `db` for equality: spans and stats removed, expressions and defaults normalised, arrays sorted. */
export function normalizeForComparison(db: Database): Database {
  assertLoaded();
  const copy = JSON.parse(JSON.stringify(db, (key, value) => (key === 'span' || key === 'stats' ? undefined : value))) as Database;
  for (const schema of copy.schemas) {
    const bare = bareIn(schema.name);
    for (const table of schema.tables) normalizeTable(table, bare);
    for (const view of schema.views) {
      view.definition = normalizeQuery(view.definition, bare);
      view.reads.sort(byQualifiedName);
    }
    for (const domain of schema.domains) {
      domain.default = normalizeDefault(domain.default, bare);
      for (const check of domain.checks) check.expression = expression(check.expression, bare);
    }
    for (const fn of schema.functions) normalizeRoutine(fn, bare);
    for (const trigger of schema.triggers) {
      trigger.events.sort((a, b) => EVENT_ORDER.indexOf(a) - EVENT_ORDER.indexOf(b));
      if (trigger.when !== undefined) trigger.when = expression(trigger.when, bare);
    }
  }
  // Every database has a public schema: an empty one says nothing about the design.
  copy.schemas = copy.schemas.filter((s) => !(s.name === 'public' && isEmptySchema(s)));
  return sortModel(copy);
}

const EVENT_ORDER: Trigger['events'] = ['insert', 'update', 'delete', 'truncate'];

/** PostgreSQL does not store a default that is the NULL constant: it is no default. */
function normalizeDefault(sql: string | null, bare: ReadonlySet<string>): string | null {
  if (sql === null) return null;
  const normal = expression(sql, bare);
  return normal === 'NULL' ? null : normal;
}

function normalizeTable(table: Table, bare: ReadonlySet<string>): void {
  const columnNames = new Set(table.columns.map((c) => c.name));
  for (const column of table.columns) {
    column.default = normalizeDefault(column.default, bare);
    if (column.generated !== undefined) column.generated = expression(column.generated, bare);
  }
  for (const unique of table.uniques) {
    dropIfDefault(unique, 'deferrable', false);
    dropIfDefault(unique, 'initiallyDeferred', false);
  }
  for (const check of table.checks) {
    check.expression = expression(check.expression, bare);
    dropIfDefault(check, 'notValid', false);
    dropIfDefault(check, 'noInherit', false);
  }
  for (const fk of table.foreignKeys) {
    dropIfDefault(fk, 'match', 'simple');
    dropIfDefault(fk, 'deferrable', false);
    dropIfDefault(fk, 'initiallyDeferred', false);
    dropIfDefault(fk, 'notValid', false);
  }
  for (const exclusion of table.exclusions) {
    for (const element of exclusion.elements) element.key = expression(element.key, bare);
    if (exclusion.where !== null) exclusion.where = expression(exclusion.where, bare);
  }
  for (const index of table.indexes) normalizeIndex(index, bare);
  if (table.partitioning) {
    // A key is a raw column name or an expression; a raw name must not be parsed (it would fold case).
    table.partitioning.keys = table.partitioning.keys.map((k) => (columnNames.has(k) ? k : expression(k, bare)));
  }
  if (table.partitionOf) table.partitionOf.bound = normalizeBound(table.partitionOf.bound, bare);
  dropIfDefault(table, 'unlogged', false);
  if (table.inherits?.length === 0) delete table.inherits;
}

/**
 * A routine's defaults are expressions. A quoted body (prosrc) is compared as written: it is
 * the text PostgreSQL keeps. A SQL-standard body is stored parsed and printed back.
 */
function normalizeRoutine(fn: Routine, bare: ReadonlySet<string>): void {
  for (const p of fn.parameters ?? []) if (p.default !== undefined) p.default = expression(p.default, bare);
  if (fn.sqlStandardBody && fn.body !== undefined) fn.body = normalizeSqlBody(fn.body, fn.name, bare);
}

function normalizeIndex(index: Index, bare: ReadonlySet<string>): void {
  index.keys = index.keys.map((key) => normalizeKey(key, bare));
  index.columns = index.keys.map((k) => k.column ?? k.expression ?? '');
  if (index.where !== null) index.where = expression(index.where, bare);
  dropIfDefault(index, 'nullsNotDistinct', false);
  // The catalog cannot tell `ON ONLY` once every partition's index is attached.
  delete index.only;
}

function normalizeKey(key: IndexKey, bare: ReadonlySet<string>): IndexKey {
  const normal = { ...key };
  if (normal.expression !== null) normal.expression = expression(normal.expression, bare);
  // NULLS LAST is the default for ASC, NULLS FIRST for DESC.
  if (normal.nulls === (normal.order === 'desc' ? 'first' : 'last')) delete normal.nulls;
  return normal;
}

function dropIfDefault<T extends object, K extends keyof T>(object: T, key: K, value: T[K]): void {
  if (object[key] === value) delete object[key];
}

function isEmptySchema(schema: Database['schemas'][number]): boolean {
  return (
    schema.comment === undefined &&
    [schema.tables, schema.views, schema.enums, schema.domains, schema.compositeTypes, schema.sequences, schema.functions, schema.triggers].every(
      (list) => list.length === 0,
    )
  );
}

// ---------------------------------------------------------------------------------------
// Expressions.

/**
 * The expression tree without what PostgreSQL adds or rewrites when it stores and prints it.
 * Bottom-up, so a rule sees children that are already canonical.
 */
function canonical(tree: unknown, bare: ReadonlySet<string>): unknown {
  if (Array.isArray(tree)) return tree.map((item) => canonical(item, bare));
  if (tree === null || typeof tree !== 'object') return tree;
  const node: Ast = {};
  for (const [key, value] of Object.entries(tree as Ast)) {
    // Positions differ between any two spellings and never affect the text.
    if (key === 'location' || key.endsWith('_start') || key.endsWith('_end')) continue;
    node[key] = canonical(value, bare);
  }
  return rewrite(node, bare);
}

function rewrite(node: Ast, bare: ReadonlySet<string>): Ast {
  if (node.TypeCast) {
    // PostgreSQL prints the casts it inserted ('a'::text, (0)::numeric, quantity::numeric,
    // 'pending'::order_status, 'seq'::regclass); in text they cannot be told from the
    // user's own, so casts are left out of the comparison altogether.
    return (node.TypeCast as Ast).arg as Ast;
  }
  if (node.A_Const) return { A_Const: canonicalConstant(node.A_Const as Ast) };
  if (node.A_Expr) return rewriteOperator(node.A_Expr as Ast, bare);
  if (node.BoolExpr) {
    // a AND (b AND c) is a AND b AND c: PostgreSQL flattens, rewritten BETWEENs nest.
    const bool = node.BoolExpr as Ast;
    const args = (bool.args as Ast[]).flatMap((arg) => {
      const inner = arg.BoolExpr as Ast | undefined;
      return inner && inner.boolop === bool.boolop && bool.boolop !== 'NOT_EXPR' ? (inner.args as Ast[]) : [arg];
    });
    return { BoolExpr: { ...bool, args } };
  }
  if (node.FuncCall) {
    const call = node.FuncCall as Ast;
    const funcname = unqualified(call.funcname as Ast[], bare);
    const name = (funcname.at(-1)?.String as Ast | undefined)?.sval;
    const args = call.args as Ast[] | undefined;
    if ((name === 'nextval' || name === 'currval' || name === 'setval') && args?.[0]?.A_Const) {
      // The regclass argument prints schema-qualified unless on the search_path.
      const text = ((args[0].A_Const as Ast).sval as Ast | undefined)?.sval;
      const dot = typeof text === 'string' ? text.indexOf('.') : -1;
      if (typeof text === 'string' && dot > 0 && bare.has(text.slice(0, dot))) {
        return { FuncCall: { ...call, funcname, args: [{ A_Const: { sval: { sval: text.slice(dot + 1) } } }, ...args.slice(1)] } };
      }
    }
    return { FuncCall: { ...call, funcname } };
  }
  if (node.RangeVar && bare.has((node.RangeVar as Ast).schemaname as string)) {
    const { schemaname: _bare, ...rest } = node.RangeVar as Ast;
    return { RangeVar: rest };
  }
  if (node.CollateClause) return { CollateClause: { ...(node.CollateClause as Ast), collname: unqualified((node.CollateClause as Ast).collname as Ast[], bare) } };
  return node;
}

function unqualified(names: Ast[] | undefined, bare: ReadonlySet<string>): Ast[] {
  if (!names) return [];
  const first = (names[0]?.String as Ast | undefined)?.sval;
  return names.length > 1 && typeof first === 'string' && bare.has(first) ? names.slice(1) : names;
}

/**
 * `'-1'` (how PostgreSQL prints a negative constant it cast) is the number -1;
 * `'2024-01-01 00:00:00+00'` (a timestamptz constant printed back in UTC, as introspection
 * sets it) is `'2024-01-01'`, and so is `'2024-01-01 01:00:00+01'`.
 */
function canonicalConstant(constant: Ast): Ast {
  const text = (constant.sval as Ast | undefined)?.sval;
  if (typeof text !== 'string') return constant;
  if (/^-?\d+$/.test(text) && Math.abs(Number(text)) <= 2 ** 31 - 1) return { ival: { ival: Number(text) } };
  if (/^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text)) return { fval: { fval: text } };
  // A timestamp written with an offset ('2022-04-01 01:00:00+01') is the instant
  // PostgreSQL prints back in UTC ('2022-03-31 ... +00'): compare the UTC instants.
  const zoned = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d(?:\.\d+)?)([+-]\d\d)(?::?(\d\d))?$/.exec(text);
  const utc = zoned ? new Date(`${zoned[1]}T${zoned[2]}${zoned[3]}:${zoned[4] ?? '00'}`) : null;
  const value = utc && !Number.isNaN(utc.getTime()) ? utc.toISOString().replace('T', ' ').replace(/\.000Z$|Z$/, '') : text;
  const midnight = /^(\d{4}-\d\d-\d\d) 00:00:00(\+00)?$/.exec(value);
  if (midnight) return { sval: { sval: midnight[1] } };
  return value === text ? constant : { sval: { sval: value } };
}

const LIKE_OPERATORS: Record<string, string> = { '~~': 'AEXPR_LIKE', '!~~': 'AEXPR_LIKE', '~~*': 'AEXPR_ILIKE', '!~~*': 'AEXPR_ILIKE' };

function rewriteOperator(expr: Ast, bare: ReadonlySet<string>): Ast {
  const name = unqualified(expr.name as Ast[], bare);
  const operator = (name[0]?.String as Ast | undefined)?.sval as string | undefined;
  const op = (kind: string, sign: string, lexpr: unknown, rexpr: unknown): Ast => ({
    A_Expr: { kind, name: [{ String: { sval: sign } }], lexpr, rexpr },
  });
  const array = (expr.rexpr as Ast | undefined)?.A_ArrayExpr as Ast | undefined;
  // PostgreSQL stores x IN (a, b) as x = ANY (ARRAY[a, b]) and x NOT IN (...) as x <> ALL (...).
  if (array && ((expr.kind === 'AEXPR_OP_ANY' && operator === '=') || (expr.kind === 'AEXPR_OP_ALL' && operator === '<>'))) {
    return rewriteOperator({ kind: 'AEXPR_IN', name, lexpr: expr.lexpr, rexpr: { List: { items: array.elements ?? [] } } }, bare);
  }
  if (expr.kind === 'AEXPR_IN') {
    const items = ((expr.rexpr as Ast).List as Ast).items as Ast[];
    // ... and x IN (a) as x = a.
    return items.length === 1 ? op('AEXPR_OP', operator!, expr.lexpr, items[0]) : { A_Expr: { ...expr, name } };
  }
  if (expr.kind === 'AEXPR_OP' && operator && LIKE_OPERATORS[operator]) return op(LIKE_OPERATORS[operator], operator, expr.lexpr, expr.rexpr);
  // ... and x BETWEEN a AND b as x >= a AND x <= b.
  if (expr.kind === 'AEXPR_BETWEEN' || expr.kind === 'AEXPR_NOT_BETWEEN') {
    const [low, high] = ((expr.rexpr as Ast).List as Ast).items as Ast[];
    const between = expr.kind === 'AEXPR_BETWEEN';
    const bool = {
      boolop: between ? 'AND_EXPR' : 'OR_EXPR',
      args: [op('AEXPR_OP', between ? '>=' : '<', expr.lexpr, low), op('AEXPR_OP', between ? '<=' : '>', expr.lexpr, high)],
    };
    return rewrite({ BoolExpr: bool }, bare);
  }
  return { A_Expr: { ...expr, name } };
}

/**
 * A view's query. Besides the expression rules: for a single-table query PostgreSQL 15
 * prints `t.col` where 18 prints `col`; both name output columns (`sum(x) AS sum`) and
 * print the entries `GROUP BY 1` points at. So qualifiers naming the only FROM table and
 * aliases equal to the default name go, and ordinals are resolved.
 */
function normalizeQuery(sql: string, bare: ReadonlySet<string>): string {
  const text = sql.trim().replace(/;\s*$/, '');
  const select = parseSelect(text);
  if (!select) return collapse(text);
  return deparse(canonical({ SelectStmt: withoutImpliedNames(select) }, bare)) ?? collapse(text);
}

function withoutImpliedNames(query: Ast, inRightBranch = false): Ast {
  if (query.larg && query.rarg) {
    // Each branch of a set operation has its own FROM list. The leftmost names the output
    // columns; PostgreSQL prints those names in the other branches too, where they mean nothing.
    return { ...query, larg: withoutImpliedNames(query.larg as Ast, inRightBranch), rarg: withoutImpliedNames(query.rarg as Ast, true) };
  }
  const select = withOrdinalsResolved(query);
  const from = select.fromClause as Ast[] | undefined;
  const only = from?.length === 1 ? (from[0].RangeVar as Ast | undefined) : undefined;
  const qualifier = only ? (((only.alias as Ast | undefined)?.aliasname as string | undefined) ?? (only.relname as string)) : undefined;
  const visit = (tree: unknown): unknown => {
    if (Array.isArray(tree)) return tree.map(visit);
    if (tree === null || typeof tree !== 'object') return tree;
    const node = tree as Ast;
    // A nested query has its own FROM list.
    if (node.SelectStmt) return { SelectStmt: withoutImpliedNames(node.SelectStmt as Ast) };
    if (node.ResTarget) {
      const target = node.ResTarget as Ast;
      const implied = target.name !== undefined && (inRightBranch || target.name === defaultColumnName(target.val));
      const { name: _name, ...rest } = target;
      return { ResTarget: visit(implied ? rest : target) };
    }
    if (node.ColumnRef && qualifier !== undefined) {
      const fields = (node.ColumnRef as Ast).fields as Ast[];
      if (fields.length === 2 && (fields[0].String as Ast | undefined)?.sval === qualifier) return { ColumnRef: { ...(node.ColumnRef as Ast), fields: fields.slice(1) } };
    }
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, visit(v)]));
  };
  return Object.fromEntries(Object.entries(select).map(([k, v]) => [k, visit(v)]));
}

/** `GROUP BY 1`, `ORDER BY 2` point at select-list entries: PostgreSQL prints the entries. */
function withOrdinalsResolved(select: Ast): Ast {
  const targets = (select.targetList as Ast[] | undefined) ?? [];
  const entry = (item: unknown): unknown => {
    const ordinal = (((item as Ast).A_Const as Ast | undefined)?.ival as Ast | undefined)?.ival;
    const target = typeof ordinal === 'number' ? (targets[ordinal - 1]?.ResTarget as Ast | undefined) : undefined;
    return target ? target.val : item;
  };
  const resolved = { ...select };
  if (select.groupClause) resolved.groupClause = (select.groupClause as unknown[]).map(entry);
  if (select.sortClause) {
    resolved.sortClause = (select.sortClause as Ast[]).map((item) =>
      item.SortBy ? { SortBy: { ...(item.SortBy as Ast), node: entry((item.SortBy as Ast).node) } } : item,
    );
  }
  return resolved;
}

/** The output column name PostgreSQL gives an unnamed select-list entry (FigureColname), for common cases. */
function defaultColumnName(tree: unknown): string | undefined {
  const node = tree as Ast;
  if (node.ColumnRef) return ((((node.ColumnRef as Ast).fields as Ast[]).at(-1)?.String as Ast | undefined)?.sval as string | undefined);
  if (node.FuncCall) return ((((node.FuncCall as Ast).funcname as Ast[]).at(-1)?.String as Ast | undefined)?.sval as string | undefined);
  if (node.TypeCast) {
    const cast = node.TypeCast as Ast;
    return defaultColumnName(cast.arg) ?? ((((cast.typeName as Ast).names as Ast[]).at(-1)?.String as Ast | undefined)?.sval as string | undefined);
  }
  if (node.CoalesceExpr) return 'coalesce';
  if (node.CaseExpr) return 'case';
  return undefined;
}

/**
 * `RETURN ...` / `BEGIN ATOMIC ... END` through the rules of expressions and views. Printed
 * back, PostgreSQL qualifies a parameter with the function's name (`f.p`) where a static
 * load has `p`: that qualifier goes.
 */
function normalizeSqlBody(body: string, functionName: string, bare: ReadonlySet<string>): string {
  let tree: Ast | undefined;
  try {
    tree = ((parseSync(`CREATE FUNCTION f() ${body}`).stmts?.[0]?.stmt as Ast | undefined)?.CreateFunctionStmt as Ast | undefined)?.sql_body as Ast | undefined;
  } catch {
    return collapse(body);
  }
  if (!tree) return collapse(body);
  const statements = tree.ReturnStmt ? [tree] : ((((tree.List as Ast).items as Ast[])[0]?.List as Ast | undefined)?.items as Ast[] | undefined) ?? [];
  const texts = statements.map((statement) => {
    const own = withoutQualifier(statement, functionName) as Ast;
    return deparse(canonical(own.SelectStmt ? { SelectStmt: withoutImpliedNames(own.SelectStmt as Ast) } : own, bare));
  });
  return texts.every((t) => t !== null) ? texts.join('; ') : collapse(body);
}

/** The tree with `qualifier.x` column references written `x`. */
function withoutQualifier(tree: unknown, qualifier: string): unknown {
  if (Array.isArray(tree)) return tree.map((item) => withoutQualifier(item, qualifier));
  if (tree === null || typeof tree !== 'object') return tree;
  const node = tree as Ast;
  const fields = (node.ColumnRef as Ast | undefined)?.fields as Ast[] | undefined;
  if (fields?.length === 2 && (fields[0].String as Ast | undefined)?.sval === qualifier) return { ColumnRef: { ...(node.ColumnRef as Ast), fields: fields.slice(1) } };
  return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, withoutQualifier(v, qualifier)]));
}

/** `FOR VALUES ...` / `DEFAULT`, through the same rules as expressions. */
function normalizeBound(bound: string, bare: ReadonlySet<string>): string {
  const prefix = 'CREATE TABLE x PARTITION OF y ';
  try {
    const statement = parseSync(prefix + bound).stmts?.[0]?.stmt as Ast | undefined;
    const create = statement?.CreateStmt as Ast | undefined;
    if (!create?.partbound) return collapse(bound);
    const text = deparse({ CreateStmt: { ...create, partbound: canonical(create.partbound, bare) } });
    return text?.startsWith(prefix) ? text.slice(prefix.length) : collapse(bound);
  } catch {
    return collapse(bound);
  }
}

function parseSelect(sql: string): Ast | undefined {
  assertLoaded();
  try {
    const statements = parseSync(sql).stmts ?? [];
    return statements.length === 1 ? ((statements[0].stmt as Ast | undefined)?.SelectStmt as Ast | undefined) : undefined;
  } catch {
    return undefined;
  }
}

/** Null when the deparser cannot print a tree the rules produced: callers fall back to the text. */
function deparse(tree: unknown): string | null {
  try {
    return collapse(deparseSync(tree as Parameters<typeof deparseSync>[0], { pretty: false }));
  } catch {
    return null;
  }
}

function collapse(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim();
}

function assertLoaded(): void {
  if (!parserReady()) throw new Error('normalizeExpression: call `await initNormalizer()` first');
}

// ---------------------------------------------------------------------------------------

