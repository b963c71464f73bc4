/**
 * Text helpers shared by rules: words of a name, and whether SQL text mentions a column.
 * Both run for every column of large schemas under many rules, so their results and
 * RegExps are kept.
 */

export const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const words = new Map<string, string[]>();

/**
 * A name as lower-case words: `created_at` → created, at; `createdAt` → created, at;
 * `HTTPStatus` → http, status. Names written without separators (`modifieddate`) stay one word.
 * Shared: do not modify the result.
 */
export function nameWords(name: string): string[] {
  let out = words.get(name);
  if (!out) {
    if (words.size > 50_000) words.clear();
    out = name
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter(Boolean);
    words.set(name, out);
  }
  return out;
}

const columnPatterns = new Map<string, RegExp | null>();

/**
 * Whether SQL expression text refers to `column`: as a bare identifier (any case, since
 * unquoted identifiers fold to lower case) or double-quoted. Static and introspected models
 * spell expressions differently (`qty >= 0` vs `(qty >= 0)`), but both name the column.
 */
export function mentionsColumn(expression: string, column: string): boolean {
  // Text inside string literals is data, not a reference: `note <> 'qty'` does not mention qty.
  if (expression.includes("'")) expression = expression.replace(/'(?:[^']|'')*'/g, "''");
  if (expression.includes(`"${column.replace(/"/g, '""')}"`)) return true;
  let re = columnPatterns.get(column);
  if (re === undefined) {
    if (columnPatterns.size > 50_000) columnPatterns.clear();
    // A function of the same name (`status(...)`) is not the column.
    re = /^[a-z_][a-z0-9_$]*$/.test(column) ? new RegExp(`(^|[^\\w$."])${escapeRegExp(column)}(?![\\w$"(])`, 'i') : null;
    columnPatterns.set(column, re);
  }
  return re !== null && re.test(expression);
}
