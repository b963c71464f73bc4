import { parseSync } from 'libpg-query';
import type { WorkloadQuery } from '../explain/read-queries.js';
import { findTable } from '../lint/model-walk.js';
import type { Database, Table } from '../model/types.js';
import { quoteIdent } from '../model/quote-ident.js';
import { deparse } from '../parse/deparse.js';

/** A column, or an expression over one table's columns (`lower(email)`), as an index key would name it. */
export interface KeyTarget {
  /** The column name, or the expression's SQL with no table qualifiers. */
  sql: string;
  /** Set for a plain column. */
  column?: string;
  /** The columns the target reads. */
  columns: string[];
  /** `LIKE 'abc%'`: a btree reads the prefix as a range only in the C collation or with text_pattern_ops. */
  pattern?: boolean;
}

/** A predicate with a constant: what a partial index's WHERE can hold (`status = 'paid'`, `deleted_at IS NULL`). */
export interface ConstantPredicate {
  sql: string;
  columns: string[];
  /** For `col = 'x'` and `col IS NULL`: the column is also an equality key. */
  target?: KeyTarget;
}

export type GinKind = 'jsonb' | 'array' | 'tsvector';

export interface OrderKey {
  target: KeyTarget;
  desc: boolean;
  nullsFirst: boolean;
}

/** What one query does with one table it reads: the material index candidates are made of. */
export interface TableAccess {
  schema: string;
  table: string;
  /** `col = $1`, `col = 42`, `col = outer.col` (correlated). */
  equality: KeyTarget[];
  /** `col IS NULL`: an equality a btree can look up, but few rows are NULL or most are: keyed last. */
  nulls: KeyTarget[];
  /** `col IN (…)`, `col = ANY($1)`: equality on a key, but no order after it. */
  inList: KeyTarget[];
  /** `<`, `>`, `BETWEEN`, `LIKE 'prefix%'`. */
  range: KeyTarget[];
  /** `(a, b) > ($1, $2)`: keyset pagination, a range over the row's columns in their order. */
  rowRanges: KeyTarget[][];
  /** `col = other.col`: the key a nested loop or merge join looks this table up by. */
  joins: KeyTarget[];
  constants: ConstantPredicate[];
  /** ORDER BY keys when they are all this table's (with LIMIT, an index in that order ends the scan early). */
  order: OrderKey[];
  limit: boolean;
  group: KeyTarget[];
  gin: { target: KeyTarget; kind: GinKind; operator: string }[];
  /** The columns the query reads from the table; `all` for `*`. */
  columns: Set<string> | 'all';
}

export interface QueryWrite {
  kind: 'insert' | 'update' | 'delete';
  schema: string;
  table: string;
  /** UPDATE: the columns it sets (an index on none of them keeps the update HOT). */
  columns?: string[];
}

export interface QueryShape {
  query: WorkloadQuery;
  accesses: TableAccess[];
  write?: QueryWrite;
  /** Why the query gives no candidates (unparsable, utility statement). */
  skipped?: string;
}

type Node = Record<string, any>;

/** A relation in a FROM list: a table of the model, or something else (a CTE, a subquery, a view, a function). */
interface ScopeEntry {
  alias: string;
  access?: TableAccess;
  table?: Table;
}

interface Scope {
  entries: ScopeEntry[];
  outer?: Scope;
  ctes: Set<string>;
}

type Value =
  | { kind: 'column'; entry: ScopeEntry; column: string }
  | { kind: 'expression'; entry: ScopeEntry; target: KeyTarget }
  | { kind: 'literal' }
  | { kind: 'param' }
  | { kind: 'other' };

const AGGREGATES = new Set(['count', 'sum', 'avg', 'min', 'max', 'array_agg', 'string_agg', 'json_agg', 'jsonb_agg', 'json_object_agg', 'jsonb_object_agg', 'bool_and', 'bool_or', 'every', 'bit_and', 'bit_or', 'stddev', 'variance', 'percentile_cont', 'percentile_disc', 'mode']);
const lastName = (names: Node[] | undefined): string => names?.[names.length - 1]?.String?.sval ?? '';
const RANGE_OPERATORS = new Set(['<', '>', '<=', '>=']);
const GIN_OPERATORS = new Set(['@>', '<@', '?', '?|', '?&', '&&', '@@', '@?']);
const FLIPPED: Record<string, string> = { '<': '>', '>': '<', '<=': '>=', '>=': '<=', '=': '=', '@>': '<@', '<@': '@>', '&&': '&&', '@@': '@@' };

/**
 * What each query of a workload asks of each table it reads, from PostgreSQL's parse tree:
 * equality and IN keys, ranges, join keys, constant predicates, ORDER BY with LIMIT, GROUP BY,
 * jsonb/array/full-text operators, and the columns read. Tables are found in `db` (search path:
 * `public`); views, CTEs and functions in FROM are read through as opaque. The parser must be
 * loaded (`initParser`).
 */
export function shapeQueries(db: Database, queries: WorkloadQuery[]): QueryShape[] {
  return queries.map((query) => shapeQuery(db, query));
}

export function shapeQuery(db: Database, query: WorkloadQuery): QueryShape {
  let tree: Node;
  try {
    tree = parseSync(query.sql) as Node;
  } catch (error) {
    return { query, accesses: [], skipped: `PostgreSQL's parser rejects it: ${(error as Error).message}` };
  }
  const statement = tree.stmts?.[0]?.stmt as Node | undefined;
  const shaper = new Shaper(db);
  if (!statement) return { query, accesses: [], skipped: 'empty statement' };
  if (statement.SelectStmt) shaper.select(statement.SelectStmt, undefined);
  else if (statement.UpdateStmt) shaper.update(statement.UpdateStmt);
  else if (statement.DeleteStmt) shaper.delete(statement.DeleteStmt);
  else if (statement.InsertStmt) shaper.insert(statement.InsertStmt);
  else return { query, accesses: [], skipped: `not a query (${Object.keys(statement)[0]})` };
  return { query, accesses: shaper.accesses, ...(shaper.write && { write: shaper.write }) };
}

class Shaper {
  accesses: TableAccess[] = [];
  write?: QueryWrite;

  constructor(private db: Database) {}

  select(stmt: Node, outer: Scope | undefined, inherited?: Set<string>): Scope {
    const ctes = new Set(inherited ?? outer?.ctes ?? []);
    this.withClause(stmt.withClause, outer, ctes);
    if (stmt.op && stmt.op !== 'SETOP_NONE') {
      this.select(stmt.larg, outer, ctes);
      this.select(stmt.rarg, outer, ctes);
      return { entries: [], outer, ctes };
    }
    const scope: Scope = { entries: [], outer, ctes };
    for (const item of stmt.fromClause ?? []) this.from(item, scope);
    for (const conjunct of conjuncts(stmt.whereClause)) this.predicate(conjunct, scope);
    this.reads(stmt.targetList, scope);
    this.reads(stmt.havingClause, scope);
    const outputs = new Map<string, Node>();
    (stmt.targetList ?? []).forEach((t: Node) => t.ResTarget?.name && outputs.set(t.ResTarget.name, t.ResTarget.val));
    const byOutput = (node: Node): Node => {
      const fields = node.ColumnRef?.fields;
      if (fields?.length === 1 && fields[0].String && outputs.has(fields[0].String.sval)) return outputs.get(fields[0].String.sval)!;
      const position = node.A_Const?.ival?.ival;
      if (typeof position === 'number' && stmt.targetList?.[position - 1]) return stmt.targetList[position - 1].ResTarget.val;
      return node;
    };
    const sort = (stmt.sortClause ?? []).map((s: Node) => s.SortBy);
    const orderKeys = sort.map((s: Node) => ({ value: this.value(byOutput(s.node), scope), s }));
    const first = orderKeys[0]?.value;
    const entry = first && (first.kind === 'column' || first.kind === 'expression') ? first.entry : undefined;
    if (entry?.access && orderKeys.every((k: { value: Value }) => (k.value.kind === 'column' || k.value.kind === 'expression') && k.value.entry === entry)) {
      entry.access.order = orderKeys.map(({ value, s }: { value: Value; s: Node }) => {
        const desc = s.sortby_dir === 'SORTBY_DESC';
        const nullsFirst = s.sortby_nulls === 'SORTBY_NULLS_FIRST' ? true : s.sortby_nulls === 'SORTBY_NULLS_LAST' ? false : desc;
        return { target: targetOf(value)!, desc, nullsFirst };
      });
      entry.access.limit = !!stmt.limitCount;
    }
    for (const s of sort) this.reads(s.node, scope);
    const groups = (stmt.groupClause ?? []).map((g: Node) => this.value(byOutput(g), scope));
    const groupEntry = groups[0] && (groups[0].kind === 'column' || groups[0].kind === 'expression') ? groups[0].entry : undefined;
    if (groupEntry?.access && groups.every((g: Value) => (g.kind === 'column' || g.kind === 'expression') && g.entry === groupEntry)) {
      groupEntry.access.group = groups.map((g: Value) => targetOf(g)!);
    }
    for (const g of stmt.groupClause ?? []) this.reads(g, scope);
    return scope;
  }

  /**
   * A WITH list: each CTE's query is read, then its name hides a table of the same name. A
   * non-recursive CTE does not see itself (`WITH orders AS (SELECT … FROM orders)` reads the
   * table); in WITH RECURSIVE it does.
   */
  private withClause(clause: Node | undefined, outer: Scope | undefined, ctes: Set<string>): void {
    for (const cte of clause?.ctes ?? []) {
      const c = cte.CommonTableExpr;
      if (clause!.recursive) ctes.add(c.ctename);
      this.statement(c.ctequery, outer, new Set(ctes));
      ctes.add(c.ctename);
    }
  }

  private statement(node: Node, outer: Scope | undefined, ctes?: Set<string>): void {
    if (node.SelectStmt) this.select(node.SelectStmt, outer, ctes);
    else if (node.UpdateStmt) this.update(node.UpdateStmt, ctes);
    else if (node.DeleteStmt) this.delete(node.DeleteStmt, ctes);
    else if (node.InsertStmt) this.insert(node.InsertStmt, ctes);
  }

  update(stmt: Node, ctes?: Set<string>): void {
    const scope: Scope = { entries: [], ctes: new Set(ctes) };
    this.withClause(stmt.withClause, undefined, scope.ctes);
    const entry = this.from({ RangeVar: stmt.relation }, scope);
    for (const item of stmt.fromClause ?? []) this.from(item, scope);
    for (const conjunct of conjuncts(stmt.whereClause)) this.predicate(conjunct, scope);
    const columns = (stmt.targetList ?? []).map((t: Node) => t.ResTarget.name as string);
    for (const t of stmt.targetList ?? []) this.reads(t.ResTarget.val, scope);
    if (entry?.access && !this.write) this.write = { kind: 'update', schema: entry.access.schema, table: entry.access.table, columns };
  }

  delete(stmt: Node, ctes?: Set<string>): void {
    const scope: Scope = { entries: [], ctes: new Set(ctes) };
    this.withClause(stmt.withClause, undefined, scope.ctes);
    const entry = this.from({ RangeVar: stmt.relation }, scope);
    for (const item of stmt.usingClause ?? []) this.from(item, scope);
    for (const conjunct of conjuncts(stmt.whereClause)) this.predicate(conjunct, scope);
    if (entry?.access && !this.write) this.write = { kind: 'delete', schema: entry.access.schema, table: entry.access.table };
  }

  insert(stmt: Node, ctes?: Set<string>): void {
    const scope: Scope = { entries: [], ctes: new Set(ctes) };
    this.withClause(stmt.withClause, undefined, scope.ctes);
    if (stmt.selectStmt?.SelectStmt && !stmt.selectStmt.SelectStmt.valuesLists) this.select(stmt.selectStmt.SelectStmt, undefined, scope.ctes);
    const rel = stmt.relation;
    const table = this.resolve(rel);
    if (table && !this.write) this.write = { kind: 'insert', schema: table.schema, table: table.table.name };
  }

  private resolve(rel: Node): { schema: string; table: Table } | undefined {
    const schema = rel.schemaname ?? 'public';
    const table = findTable(this.db, { schema, name: rel.relname });
    return table && { schema, table };
  }

  /** Adds a FROM item to the scope; a join's ON conditions are predicates like WHERE's. */
  private from(item: Node, scope: Scope): ScopeEntry | undefined {
    if (item.RangeVar) {
      const rel = item.RangeVar;
      const alias = rel.alias?.aliasname ?? rel.relname;
      const found = !rel.schemaname && scope.ctes.has(rel.relname) ? undefined : this.resolve(rel);
      const entry: ScopeEntry = { alias };
      if (found) {
        entry.table = found.table;
        entry.access = { schema: found.schema, table: found.table.name, equality: [], nulls: [], inList: [], range: [], rowRanges: [], joins: [], constants: [], order: [], limit: false, group: [], gin: [], columns: new Set() };
        this.accesses.push(entry.access);
      }
      scope.entries.push(entry);
      return entry;
    }
    if (item.JoinExpr) {
      const j = item.JoinExpr;
      const first = scope.entries.length;
      const left = this.from(j.larg, scope);
      const middle = scope.entries.length;
      const right = this.from(j.rarg, scope);
      // An outer join keeps every row of its preserved side: its ON conditions on that side alone filter nothing.
      const [lefts, rights] = [scope.entries.slice(first, middle), scope.entries.slice(middle)];
      const preserved = new Set(j.jointype === 'JOIN_LEFT' ? lefts : j.jointype === 'JOIN_RIGHT' ? rights : j.jointype === 'JOIN_FULL' ? [...lefts, ...rights] : []);
      for (const conjunct of conjuncts(j.quals)) this.predicate(conjunct, scope, preserved);
      for (const u of j.usingClause ?? []) {
        const column = u.String?.sval;
        for (const side of [left, right]) if (side?.access && column) addTarget(side.access.joins, columnTarget(column));
      }
      return undefined;
    }
    if (item.RangeSubselect) {
      const sub = item.RangeSubselect;
      // LATERAL subqueries see this scope's relations: their references to them are per-row values.
      if (sub.subquery?.SelectStmt) this.select(sub.subquery.SelectStmt, sub.lateral ? scope : scope.outer, scope.ctes);
      if (sub.alias?.aliasname) scope.entries.push({ alias: sub.alias.aliasname });
      return undefined;
    }
    if (item.RangeFunction?.alias?.aliasname) scope.entries.push({ alias: item.RangeFunction.alias.aliasname });
    return undefined;
  }

  /** What a value in a predicate is: a column of a relation in scope, an expression over one, a constant, a parameter. */
  private value(node: Node | undefined, scope: Scope): Value {
    if (!node) return { kind: 'other' };
    if (node.A_Const) return node.A_Const.isnull ? { kind: 'other' } : { kind: 'literal' };
    if (node.TypeCast) {
      const inner = this.value(node.TypeCast.arg, scope);
      return inner.kind === 'literal' || inner.kind === 'param' ? inner : inner.kind === 'column' || inner.kind === 'expression' ? this.expression(node, scope) : inner;
    }
    if (node.ParamRef) return { kind: 'param' };
    if (node.ColumnRef) {
      const found = this.column(node.ColumnRef, scope);
      if (!found) return { kind: 'other' };
      // A column of an enclosing query is one value per outer row: a parameter to this one.
      if (found.outer) return { kind: 'param' };
      return { kind: 'column', entry: found.entry, column: found.column };
    }
    // A scalar subquery is one value (reads() walks its query).
    if (node.SubLink) return { kind: 'param' };
    return this.expression(node, scope);
  }

  /** An expression: over one relation's columns it is an index expression; over none it is a value (now(), $1 + 1). */
  private expression(node: Node, scope: Scope): Value {
    // `(a, b) > ($1, $2)`: a row is no index expression (its type is record).
    if (node.RowExpr) return { kind: 'other' };
    const refs = columnRefs(node);
    if (refs.some((r) => r.fields.some((f: Node) => f.A_Star))) return { kind: 'other' };
    // A subquery, a window or aggregate call, or a parameter inside: not something an index can store.
    if (containsKey(node, 'SubLink') || containsKey(node, 'FuncCall', (f) => !!f.over || !!f.agg_star || AGGREGATES.has(lastName(f.funcname)))) return { kind: 'other' };
    if (containsKey(node, 'ParamRef')) return columnRefs(node).length ? { kind: 'other' } : { kind: 'param' };
    if (!refs.length) return containsVolatile(node) ? { kind: 'other' } : { kind: 'param' };
    const found = refs.map((r) => this.column(r, scope));
    if (found.some((f) => !f)) return { kind: 'other' };
    if (found.every((f) => f!.outer)) return { kind: 'param' };
    const entries = new Set(found.map((f) => f!.entry));
    if (entries.size !== 1 || found.some((f) => f!.outer)) return { kind: 'other' };
    const entry = found[0]!.entry;
    return { kind: 'expression', entry, target: { sql: deparse(unqualified(node)), columns: [...new Set(found.map((f) => f!.column))] } };
  }

  private column(ref: Node, scope: Scope): { entry: ScopeEntry; column: string; outer: boolean } | undefined {
    const names: string[] = ref.fields.map((f: Node) => f.String?.sval).filter((s: unknown) => typeof s === 'string');
    if (names.length !== ref.fields.length || !names.length) return undefined;
    const column = names[names.length - 1];
    const qualifier = names.length >= 2 ? names[names.length - 2] : undefined;
    for (let s: Scope | undefined = scope, outer = false; s; s = s.outer, outer = true) {
      const matches = s.entries.filter((e) => (qualifier ? e.alias === qualifier : !!e.table?.columns.some((c) => c.name === column)));
      if (matches.length === 1) {
        const entry = matches[0];
        if (entry.table && !entry.table.columns.some((c) => c.name === column)) return undefined;
        return { entry, column, outer };
      }
      if (matches.length > 1) return undefined;
    }
    return undefined;
  }

  private subLink(link: Node, scope: Scope): void {
    if (link.subselect?.SelectStmt) {
      const inner = this.select(link.subselect.SelectStmt, scope);
      // `x IN (SELECT y FROM t …)`: t is looked up by y, once per x.
      const target = link.subselect.SelectStmt.targetList?.[0]?.ResTarget?.val;
      if (link.subLinkType === 'ANY_SUBLINK' && target) {
        const v = this.value(target, inner);
        if (v.kind === 'column' && v.entry.access) addTarget(v.entry.access.joins, columnTarget(v.column));
      }
    }
    if (link.testexpr) this.reads(link.testexpr, scope);
  }

  /** One conjunct of a WHERE or ON. */
  private predicate(node: Node, scope: Scope, preserved?: Set<ScopeEntry>): void {
    this.reads(node, scope);
    if (preserved?.size) {
      const entries = columnRefs(node).map((r) => this.column(r, scope)?.entry);
      if (entries.length && entries.every((e) => e && preserved.has(e))) return;
    }
    if (node.A_Expr) return this.operator(node.A_Expr, scope, node);
    if (node.NullTest) {
      const v = this.value(node.NullTest.arg, scope);
      const target = targetOf(v);
      if (!target || !accessOf(v)) return;
      const isNull = node.NullTest.nulltesttype === 'IS_NULL';
      accessOf(v)!.constants.push({ sql: `${keySql(target)} IS ${isNull ? '' : 'NOT '}NULL`, columns: target.columns, ...(isNull && { target }) });
      if (isNull) addTarget(accessOf(v)!.nulls, target);
      return;
    }
    if (node.BooleanTest || node.ColumnRef || node.BoolExpr?.boolop === 'NOT_EXPR') {
      // `active`, `NOT archived`, `flag IS TRUE`: a boolean column tested against a constant.
      const arg = node.BooleanTest?.arg ?? node.BoolExpr?.args?.[0] ?? node;
      const v = this.value(arg, scope);
      if (v.kind !== 'column' || !v.entry.access || !/^bool/.test(v.entry.table?.columns.find((c) => c.name === v.column)?.type ?? '')) return;
      const test = node.BooleanTest?.booltesttype;
      const negated = !!node.BoolExpr || test === 'IS_FALSE' || test === 'IS_NOT_TRUE';
      const sql = test ? `${quoteColumn(v.column)} ${test.replace(/_/g, ' ').replace(/^IS /, 'IS ')}` : `${negated ? 'NOT ' : ''}${quoteColumn(v.column)}`;
      v.entry.access.constants.push({ sql, columns: [v.column] });
      if (!test || test === 'IS_TRUE' || test === 'IS_FALSE') addTarget(v.entry.access.equality, columnTarget(v.column));
      return;
    }
  }

  private operator(e: Node, scope: Scope, whole: Node): void {
    const op: string | undefined = e.name?.[e.name.length - 1]?.String?.sval;
    if (e.kind === 'AEXPR_IN') {
      const v = this.value(e.lexpr, scope);
      const items: Node[] = e.rexpr?.List?.items ?? [];
      const target = targetOf(v);
      if (!target || !accessOf(v) || op !== '=') return;
      const values = items.map((i) => this.value(i, scope));
      if (values.every((x) => x.kind === 'literal')) accessOf(v)!.constants.push({ sql: deparse(unqualified(whole)), columns: target.columns });
      if (values.every((x) => x.kind === 'literal' || x.kind === 'param')) addTarget(accessOf(v)!.inList, target);
      return;
    }
    if (e.kind === 'AEXPR_OP_ANY' && op === '=') {
      const v = this.value(e.lexpr, scope);
      const target = targetOf(v);
      const list = this.value(e.rexpr, scope);
      if (target && accessOf(v) && (list.kind === 'param' || list.kind === 'literal')) addTarget(accessOf(v)!.inList, target);
      return;
    }
    if (e.kind === 'AEXPR_BETWEEN' || e.kind === 'AEXPR_BETWEEN_SYM') {
      const v = this.value(e.lexpr, scope);
      const bounds: Node[] = e.rexpr?.List?.items ?? [];
      if (targetOf(v) && accessOf(v) && bounds.every((b) => ['literal', 'param'].includes(this.value(b, scope).kind))) addTarget(accessOf(v)!.range, targetOf(v)!);
      return;
    }
    if (e.kind === 'AEXPR_LIKE' && op === '~~') {
      // `LIKE 'abc%'` reads a range of a btree in the C collation (or text_pattern_ops): a constant prefix only.
      const v = this.value(e.lexpr, scope);
      const pattern = e.rexpr?.A_Const?.sval?.sval;
      if (targetOf(v) && accessOf(v) && typeof pattern === 'string' && /^[^%_]+%$/.test(pattern)) addTarget(accessOf(v)!.range, { ...targetOf(v)!, pattern: true });
      return;
    }
    if (e.kind !== 'AEXPR_OP' || !op) return;
    if (RANGE_OPERATORS.has(op) && (e.lexpr?.RowExpr || e.rexpr?.RowExpr)) return this.rowRange(e, scope);
    let left = this.value(e.lexpr, scope);
    let right = this.value(e.rexpr, scope);
    let operator = op;
    // The model table's side on the left: the other may be a column of a CTE, view or function.
    if (!accessOf(left) && accessOf(right)) {
      [left, right] = [right, left];
      operator = FLIPPED[op] ?? '';
    }
    const target = targetOf(left);
    const access = accessOf(left);
    if (!target || !access || !operator) return;
    if (targetOf(right)) {
      // Two relations' columns: a join key on each side (only equality joins use an index key).
      if (operator !== '=' || accessOf(right) === access) return;
      addTarget(access.joins, target);
      if (accessOf(right)) addTarget(accessOf(right)!.joins, targetOf(right)!);
      return;
    }
    if (right.kind !== 'literal' && right.kind !== 'param') return;
    if (operator === '=') {
      addTarget(access.equality, target);
      if (right.kind === 'literal') access.constants.push({ sql: deparse(unqualified(whole)), columns: target.columns, target });
    } else if (RANGE_OPERATORS.has(operator)) {
      addTarget(access.range, target);
    } else if (GIN_OPERATORS.has(operator)) {
      const kind = ginKind(left, target);
      if (kind) access.gin.push({ target, kind, operator });
    }
  }

  /** `(a, b) > ($1, $2)` (or flipped): a range over (a, b) in a btree on them, when all are one table's columns. */
  private rowRange(e: Node, scope: Scope): void {
    const [row, other] = e.lexpr?.RowExpr ? [e.lexpr.RowExpr, e.rexpr] : [e.rexpr.RowExpr, e.lexpr];
    const values = (row.args ?? []).map((a: Node) => this.value(a, scope));
    const access = accessOf(values[0] ?? { kind: 'other' });
    if (!access || !values.every((v: Value) => v.kind === 'column' && v.entry.access === access)) return;
    const bound = other?.RowExpr ? other.RowExpr.args.map((a: Node) => this.value(a, scope).kind) : [this.value(other, scope).kind];
    if (!bound.every((k: string) => k === 'literal' || k === 'param')) return;
    access.rowRanges.push(values.map((v: Value) => targetOf(v)!));
  }

  /** Records the columns an expression reads (for covering indexes), and walks its subqueries. */
  private reads(node: Node | Node[] | undefined, scope: Scope): void {
    if (!node) return;
    visit(node, (n) => {
      if (n.SubLink) {
        this.subLink(n.SubLink, scope);
        return false;
      }
      if (n.ColumnRef) {
        const fields: Node[] = n.ColumnRef.fields;
        if (fields.some((f) => f.A_Star)) {
          const qualifier = fields.length >= 2 ? fields[fields.length - 2].String?.sval : undefined;
          for (const e of scope.entries) if (e.access && (!qualifier || e.alias === qualifier)) e.access.columns = 'all';
          return false;
        }
        const found = this.column(n.ColumnRef, scope);
        if (found?.entry.access && found.entry.access.columns !== 'all') found.entry.access.columns.add(found.column);
        return false;
      }
      return true;
    });
  }
}

function ginKind(value: Value, target: KeyTarget): GinKind | undefined {
  if (value.kind === 'expression') return /^to_tsvector\(/i.test(target.sql) ? 'tsvector' : undefined;
  if (value.kind !== 'column') return undefined;
  const type = value.entry.table?.columns.find((c) => c.name === value.column)?.type ?? '';
  if (type === 'jsonb') return 'jsonb';
  if (type === 'tsvector') return 'tsvector';
  if (type.endsWith('[]')) return 'array';
  return undefined;
}

const accessOf = (v: Value) => (v.kind === 'column' || v.kind === 'expression' ? v.entry.access : undefined);

function targetOf(v: Value): KeyTarget | undefined {
  if (v.kind === 'column') return columnTarget(v.column);
  if (v.kind === 'expression') return v.target;
  return undefined;
}

const columnTarget = (column: string): KeyTarget => ({ sql: column, column, columns: [column] });

function addTarget(list: KeyTarget[], target: KeyTarget): void {
  if (!list.some((t) => t.sql === target.sql)) list.push(target);
}

/** A key as CREATE INDEX spells it: a quoted column, or an expression in parentheses. */
export function keySql(target: KeyTarget): string {
  return target.column !== undefined ? quoteColumn(target.column) : `(${target.sql})`;
}

const quoteColumn = quoteIdent;

/** The AND-ed parts of a condition. */
function conjuncts(node: Node | undefined): Node[] {
  if (!node) return [];
  if (node.BoolExpr?.boolop === 'AND_EXPR') return node.BoolExpr.args.flatMap(conjuncts);
  return [node];
}

function visit(node: unknown, fn: (n: Node) => boolean): void {
  if (Array.isArray(node)) {
    for (const item of node) visit(item, fn);
    return;
  }
  if (!node || typeof node !== 'object') return;
  if (!fn(node as Node)) return;
  for (const value of Object.values(node as Node)) if (value && typeof value === 'object') visit(value, fn);
}

function columnRefs(node: Node): Node[] {
  const out: Node[] = [];
  visit(node, (n) => {
    if (n.ColumnRef) {
      out.push(n.ColumnRef);
      return false;
    }
    return true;
  });
  return out;
}

function containsKey(node: Node, key: string, test: (value: Node) => boolean = () => true): boolean {
  let found = false;
  visit(node, (n) => {
    if (n[key] && test(n[key])) found = true;
    return !found;
  });
  return found;
}

/** random(), clock_timestamp(): a different value per row is not an index lookup. */
const containsVolatile = (node: Node) => containsKey(node, 'FuncCall', (f) => /^(random|clock_timestamp|gen_random_uuid|nextval)$/.test(lastName(f.funcname)));

/** The node with its column references reduced to the column name: an index expression names no table. */
function unqualified(node: Node): Node {
  return JSON.parse(JSON.stringify(node), (key, value) => {
    if (key === 'ColumnRef' && value?.fields?.length > 1) return { ...value, fields: value.fields.slice(-1) };
    return value;
  });
}
