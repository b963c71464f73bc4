import { parseSync } from 'libpg-query';
import { deparseSync } from 'pgsql-deparser';

/**
 * PostgreSQL stores expressions as trees that point at columns by number: a column rename
 * changes how they print, not what they mean. A model of `from` with renames applied must read
 * the same, or the diff sees every CHECK, index expression, default and trigger condition that
 * mentions the column as changed — and the down file re-creates them with the old name before
 * the rename is undone, which fails. (Views are not rewritten: PostgreSQL keeps their output
 * column names, `quantity AS qty`; one that changes is dropped before the renames instead.)
 *
 * Texts are rewritten through the parser; one that does not parse, or mentions nothing renamed,
 * is returned unchanged.
 */

type Node = { [key: string]: unknown };
type Visit = (node: Node) => Node | undefined;

/** `column` → `to` in an expression over one table; `qualifiers` are the names that may qualify it (the table, OLD and NEW). */
export function renameColumnInExpression(sql: string, column: string, to: string, qualifiers: readonly string[]): string {
  return rewriteExpression(sql, (node) => {
    const fields = columnRefFields(node);
    if (!fields) return undefined;
    const names = fields.map((f) => (f.String as Node | undefined)?.sval);
    const own = names.length === 1 || (names.length === 2 && qualifiers.some((q) => q.toLowerCase() === String(names[0]).toLowerCase()));
    if (!own || names.at(-1) !== column) return undefined;
    return { ColumnRef: { ...(node.ColumnRef as Node), fields: [...fields.slice(0, -1), { String: { sval: to } }] } };
  });
}

function rewriteExpression(sql: string, visit: Visit): string {
  let target: unknown;
  try {
    const select = (parseSync(`SELECT ${sql}`).stmts?.[0]?.stmt as Node | undefined)?.SelectStmt as Node | undefined;
    const targets = select?.targetList as Node[] | undefined;
    if (targets?.length !== 1) return sql;
    target = (targets[0].ResTarget as Node).val;
  } catch {
    return sql;
  }
  let changed = false;
  const rewritten = walk(target, (node) => {
    const out = visit(node);
    if (out) changed = true;
    return out;
  });
  return changed ? (print(rewritten) ?? sql) : sql;
}

function columnRefFields(node: Node): Node[] | undefined {
  return (node.ColumnRef as Node | undefined)?.fields as Node[] | undefined;
}

function walk(tree: unknown, visit: Visit): unknown {
  if (Array.isArray(tree)) return tree.map((item) => walk(item, visit));
  if (tree === null || typeof tree !== 'object') return tree;
  const replaced = visit(tree as Node);
  if (replaced) return replaced;
  return Object.fromEntries(Object.entries(tree as Node).map(([k, v]) => [k, walk(v, visit)]));
}

function print(tree: unknown): string | undefined {
  try {
    return deparseSync(tree as Parameters<typeof deparseSync>[0], { pretty: false }).trim();
  } catch {
    return undefined;
  }
}
