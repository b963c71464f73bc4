import { parseSync } from 'libpg-query';

/**
 * What simple CHECK constraints say about one column, so generated values satisfy them
 * instead of failing the insert: numeric bounds (`qty > 0`, `BETWEEN 1 AND 5`), a list of
 * allowed values (`status IN (...)`, deparsed as `= ANY (ARRAY[...])`), a maximum length
 * (`char_length(code) <= 8`) and an order between two columns (`ends_at > starts_at`).
 * Anything else is not understood; the insert then tells (the report names the constraint).
 */
export interface ColumnBounds {
  min?: number;
  max?: number;
  /** Strict bounds are turned into inclusive ones by the generator (integers: ±1, others: a small step). */
  minExclusive?: boolean;
  maxExclusive?: boolean;
  values?: string[];
  maxLength?: number;
  /** Columns this one must be greater than (`col > other` or `other < col`). */
  after?: string[];
}

type Ast = Record<string, any>;

/** PostgreSQL writes a varchar column's CHECK with casts (`(status)::text = ANY ((ARRAY[…])::text[])`): they are looked through. */
const uncast = (node: Ast | undefined): Ast | undefined => (node?.TypeCast ? uncast(node.TypeCast.arg) : node);

const columnOf = (node: Ast | undefined): string | undefined => {
  const fields = uncast(node)?.ColumnRef?.fields;
  return fields?.length === 1 ? fields[0].String?.sval : undefined;
};

function constant(node: Ast | undefined): number | string | undefined {
  if (!node) return undefined;
  if (node.TypeCast) return constant(node.TypeCast.arg);
  const c = node.A_Const;
  if (!c) return undefined;
  if (c.ival) return c.ival.ival ?? 0;
  if (c.fval) return Number(c.fval.fval);
  if (c.sval) return c.sval.sval ?? '';
  return undefined;
}

const FLIP: Record<string, string> = { '>': '<', '>=': '<=', '<': '>', '<=': '>=' };

/** The bounds every CHECK expression of the table puts on `column` (expressions as the model keeps them). */
export function columnBounds(expressions: readonly string[], column: string): ColumnBounds {
  const bounds: ColumnBounds = {};
  for (const expression of expressions) {
    let tree: Ast | undefined;
    try {
      tree = (parseSync(`SELECT ${expression}`).stmts?.[0]?.stmt as Ast)?.SelectStmt?.targetList?.[0]?.ResTarget?.val;
    } catch {
      continue;
    }
    if (tree) collect(tree, column, bounds);
  }
  return bounds;
}

function collect(node: Ast, column: string, bounds: ColumnBounds): void {
  if (node.BoolExpr?.boolop === 'AND_EXPR') {
    for (const arg of node.BoolExpr.args) collect(arg, column, bounds);
    return;
  }
  const e = node.A_Expr;
  if (!e) return;
  const op: string = e.name?.[0]?.String?.sval;
  if (e.kind === 'AEXPR_BETWEEN' && columnOf(e.lexpr) === column) {
    const [lo, hi] = (e.rexpr?.List?.items ?? []).map(constant);
    if (typeof lo === 'number') tighten(bounds, '>=', lo);
    if (typeof hi === 'number') tighten(bounds, '<=', hi);
    return;
  }
  if (e.kind === 'AEXPR_OP_ANY' && op === '=' && columnOf(e.lexpr) === column) {
    const values = (uncast(e.rexpr)?.A_ArrayExpr?.elements ?? []).map(constant).filter((v: unknown) => v !== undefined).map(String);
    if (values.length) bounds.values = values;
    return;
  }
  if (e.kind === 'AEXPR_IN' && op === '=' && columnOf(e.lexpr) === column) {
    const values = (e.rexpr?.List?.items ?? []).map(constant).filter((v: unknown) => v !== undefined).map(String);
    if (values.length) bounds.values = values;
    return;
  }
  if (e.kind !== 'AEXPR_OP' || !(op in FLIP)) return;
  const [left, right] = [columnOf(e.lexpr), columnOf(e.rexpr)];
  // Column against column: only the order of two columns is kept (`ends_at > starts_at`).
  if (left && right) {
    if (left === column && (op === '>' || op === '>=')) (bounds.after ??= []).push(right);
    if (right === column && (op === '<' || op === '<=')) (bounds.after ??= []).push(left);
    return;
  }
  const lengthOf = (n: Ast | undefined) => {
    const f = uncast(n)?.FuncCall;
    const fn = f?.funcname?.at(-1)?.String?.sval;
    return (fn === 'char_length' || fn === 'length' || fn === 'character_length') && columnOf(f.args?.[0]) === column;
  };
  if (lengthOf(e.lexpr) && (op === '<' || op === '<=')) {
    const n = constant(e.rexpr);
    if (typeof n === 'number') bounds.maxLength = Math.min(bounds.maxLength ?? Infinity, op === '<' ? n - 1 : n);
    return;
  }
  if (left === column) {
    const n = constant(e.rexpr);
    if (typeof n === 'number') tighten(bounds, op, n);
  } else if (right === column) {
    const n = constant(e.lexpr);
    if (typeof n === 'number') tighten(bounds, FLIP[op], n);
  }
}

function tighten(bounds: ColumnBounds, op: string, n: number): void {
  if ((op === '>' || op === '>=') && (bounds.min === undefined || n >= bounds.min)) {
    bounds.min = n;
    bounds.minExclusive = op === '>';
  }
  if ((op === '<' || op === '<=') && (bounds.max === undefined || n <= bounds.max)) {
    bounds.max = n;
    bounds.maxExclusive = op === '<';
  }
}

/** Bounds from two sources (the table's CHECKs and a domain's), the tighter of each. */
export function mergeBounds(a: ColumnBounds, b: ColumnBounds): ColumnBounds {
  const out: ColumnBounds = { ...a };
  if (b.min !== undefined) tighten(out, b.minExclusive ? '>' : '>=', b.min);
  if (b.max !== undefined) tighten(out, b.maxExclusive ? '<' : '<=', b.max);
  if (b.values) out.values = out.values ? out.values.filter((v) => b.values!.includes(v)) : b.values;
  if (b.maxLength !== undefined) out.maxLength = Math.min(out.maxLength ?? Infinity, b.maxLength);
  if (b.after) out.after = [...(out.after ?? []), ...b.after];
  return out;
}
