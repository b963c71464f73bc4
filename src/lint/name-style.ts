/**
 * Shared logic of the naming rules: snake_case, the keywords that force quoting, naming
 * patterns with a tolerated qualifier, and free names for rename fixes.
 */
import { byteLength, MAX_IDENTIFIER_BYTES } from './naming.js';

/**
 * Lower-case words of letters and digits joined by single underscores. Leading underscores are
 * tolerated: tools mark their own tables that way (`_prisma_migrations`).
 */
const SNAKE_CASE = /^_*[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;

export const isSnakeCase = (name: string) => SNAKE_CASE.test(name);

/** `OrderItem`, `orderItem`, `Order Item` → `order_item`; null when no ASCII snake_case name follows. */
export function toSnakeCase(name: string): string | null {
  if (/[^\x00-\x7f]/.test(name)) return null;
  const lead = /^_*/.exec(name)![0];
  const words = name
    .slice(lead.length)
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  const snake = lead + words;
  return isSnakeCase(snake) ? snake : null;
}

/**
 * PostgreSQL 18's reserved keywords (`pg_get_keywords()` catcode R) and the ones reserved but
 * allowed as function or type names (catcode T): neither can name a table, column or index
 * unquoted, because the grammar's ColId excludes them.
 */
export const RESERVED_KEYWORDS: ReadonlySet<string> = new Set([
  'all', 'analyse', 'analyze', 'and', 'any', 'array', 'as', 'asc', 'asymmetric', 'both', 'case', 'cast', 'check',
  'collate', 'column', 'constraint', 'create', 'current_catalog', 'current_date', 'current_role', 'current_time',
  'current_timestamp', 'current_user', 'default', 'deferrable', 'desc', 'distinct', 'do', 'else', 'end', 'except',
  'false', 'fetch', 'for', 'foreign', 'from', 'grant', 'group', 'having', 'in', 'initially', 'intersect', 'into',
  'lateral', 'leading', 'limit', 'localtime', 'localtimestamp', 'not', 'null', 'offset', 'on', 'only', 'or', 'order',
  'placing', 'primary', 'references', 'returning', 'select', 'session_user', 'some', 'symmetric', 'system_user',
  'table', 'then', 'to', 'trailing', 'true', 'union', 'unique', 'user', 'using', 'variadic', 'when', 'where',
  'window', 'with',
  // catcode T
  'authorization', 'binary', 'collation', 'concurrently', 'cross', 'current_schema', 'freeze', 'full', 'ilike',
  'inner', 'is', 'isnull', 'join', 'left', 'like', 'natural', 'notnull', 'outer', 'overlaps', 'right', 'similar',
  'tablesample', 'verbose',
]);

/**
 * Catcode C ("unreserved, cannot be function or type name"): fine as a table or column name
 * (`time`, `position`, `values`), but a type so named must be quoted wherever it is used.
 */
export const COLUMN_NAME_KEYWORDS: ReadonlySet<string> = new Set([
  'between', 'bigint', 'bit', 'boolean', 'char', 'character', 'coalesce', 'dec', 'decimal', 'exists', 'extract',
  'float', 'greatest', 'grouping', 'inout', 'int', 'integer', 'interval', 'json', 'json_array', 'json_arrayagg',
  'json_exists', 'json_object', 'json_objectagg', 'json_query', 'json_scalar', 'json_serialize', 'json_table',
  'json_value', 'least', 'merge_action', 'national', 'nchar', 'none', 'normalize', 'nullif', 'numeric', 'out',
  'overlay', 'position', 'precision', 'real', 'row', 'setof', 'smallint', 'substring', 'time', 'timestamp', 'treat',
  'trim', 'values', 'varchar', 'xmlattributes', 'xmlconcat', 'xmlelement', 'xmlexists', 'xmlforest',
  'xmlnamespaces', 'xmlparse', 'xmlpi', 'xmlroot', 'xmlserialize', 'xmltable',
]);

/**
 * Why `name` must be double-quoted in SQL, or null. A `type` name also clashes with the
 * column-name keywords: a column typed `position` must be declared `"position"`.
 */
export function quotingReason(name: string, kind: 'relation' | 'type'): string | null {
  if (RESERVED_KEYWORDS.has(name)) return `is the reserved word ${name.toUpperCase()}`;
  if (kind === 'type' && COLUMN_NAME_KEYWORDS.has(name)) return `is the keyword ${name.toUpperCase()}, which cannot name a type unquoted`;
  // The common case, answered without the character-class scans below.
  if (/^[a-z_][a-z0-9_$]*$/.test(name)) return null;
  // Unquoted identifiers are folded to lower case, so an upper-case letter survives only in quotes.
  if (/[A-Z]/.test(name)) return 'has upper-case letters';
  // The scanner's ident_start is [A-Za-z\200-\377_] and ident_cont adds [0-9$]: non-ASCII letters and a
  // `$` after the first character are legal unquoted (quote_ident() quotes them all the same).
  if (/^[0-9$]/.test(name)) return `starts with ${name[0]}`;
  const odd = [...new Set(name.replace(/[a-z0-9_$\u0080-\u{10ffff}]/gu, ''))];
  if (odd.length) return `contains ${odd.map((c) => (c === ' ' ? 'a space' : `"${c}"`)).join(', ')}`;
  return null;
}

/** Why a name is not snake_case, for help texts. */
export function caseHelp(name: string): string {
  const reason = quotingReason(name, 'relation');
  if (reason === 'has upper-case letters') return 'Unquoted names fold to lower case, so this one needs double quotes in every query.';
  if (reason) return `It ${reason}, so it needs double quotes in every query.`;
  return 'The convention is snake_case: lower-case ASCII words joined by _.';
}


/** `name`, or `name_2`, `name_3`… when `taken` holds it; null when that would not fit in 63 bytes. */
export function freeName(name: string, taken: { has(name: string): boolean }): string | null {
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? name : `${name}_${n}`;
    if (byteLength(candidate) > MAX_IDENTIFIER_BYTES) return null;
    if (!taken.has(candidate)) return candidate;
  }
}


/**
 * A naming pattern (`idx_{table}_{columns}`) as a test. The placeholders in `loose` match any
 * text, the others their value; a `_qualifier` may follow the last placeholder, so
 * `idx_orders_customer_id_active` and `fk_orders_addresses_billing` follow their patterns.
 */
export function patternMatcher(pattern: string, values: Record<string, string>, loose: ReadonlySet<string> = new Set()): (name: string) => boolean {
  // Matched by hand, not with a RegExp: the values differ for every table, and compiling
  // thousands of one-off RegExps was most of a large schema's review time.
  type Segment = { text: string } | { any: true } | { qualifier: true };
  const parts = pattern.split(/(\{\w+\})/);
  let last = -1;
  parts.forEach((p, i) => {
    if (/^\{\w+\}$/.test(p)) last = i;
  });
  const segments: Segment[] = [];
  parts.forEach((part, i) => {
    const key = /^\{(\w+)\}$/.exec(part)?.[1];
    if (key !== undefined && loose.has(key)) segments.push({ any: true });
    else if (part) segments.push({ text: key === undefined ? part : (values[key] ?? part) });
    if (i === last) segments.push({ qualifier: true });
  });
  const matches = (name: string, at: number, s: number): boolean => {
    if (s === segments.length) return at === name.length;
    const seg = segments[s];
    if ('text' in seg) return name.startsWith(seg.text, at) && matches(name, at + seg.text.length, s + 1);
    if ('any' in seg) {
      for (let end = at + 1; end <= name.length; end++) if (matches(name, end, s + 1)) return true;
      return false;
    }
    // the qualifier: nothing, or `_` and at least one character
    if (matches(name, at, s + 1)) return true;
    if (name[at] !== '_') return false;
    for (let end = at + 2; end <= name.length; end++) if (matches(name, end, s + 1)) return true;
    return false;
  };
  return (name) => matches(name, 0, 0);
}

/** Fills a pattern's placeholders, without truncating: the caller checks the length. */
export const fillPlaceholders = (pattern: string, values: Record<string, string>) => pattern.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);

/** The caveat every rename fix carries: names are an interface. */
export const RENAME_CAVEAT = '-- Breaks every query, function body and migration that uses the old name: ship it with the code that uses the new one.';
