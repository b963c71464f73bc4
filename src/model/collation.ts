import { qualifiedName, quoteIdent } from './quote-ident.js';

/**
 * How the model spells a collation: bare (`C`, `en_US.utf8`) when it lives in `pg_catalog` or
 * `public` — found on the search_path, as format_type leaves types — and as SQL elsewhere
 * (`s.ci`, `s."Mixed Case"`), so that its schema is not lost. A bare name that would read as
 * SQL (`"x"`, `a.b`) is stored quoted, so `collationSql` never misreads it.
 */
export function collationName(schema: string | undefined, name: string): string {
  if (schema !== undefined && schema !== 'public' && schema !== 'pg_catalog') return qualifiedName(schema, name);
  return readsAsSql(name) ? quoteIdent(name) : name;
}

/** The model's spelling of a parse tree's name list (`COLLATE s.ci` → `['s', 'ci']`). */
export function collationFromNames(names: readonly string[]): string | undefined {
  if (!names.length) return undefined;
  return collationName(names.length > 1 ? names[names.length - 2] : undefined, names[names.length - 1]);
}

/** The collation as COLLATE takes it. */
export function collationSql(collation: string): string {
  return readsAsSql(collation) ? collation : quoteIdent(collation);
}

const PART = String.raw`(?:[a-z_][a-z0-9_$]*|"(?:[^"]|"")+")`;
const SQL_NAME = new RegExp(`^(?:"(?:[^"]|"")+"|${PART}\\.${PART})$`);

/** A quoted name, or `schema.name` with each part bare or quoted: what `collationName` writes for SQL. */
function readsAsSql(text: string): boolean {
  return SQL_NAME.test(text);
}
