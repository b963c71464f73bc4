import { quoteIdent } from '../model/quote-ident.js';
import type { Column, Database, Domain, Table } from '../model/types.js';
import type { TableRef } from './model-walk.js';
import { fillPattern } from './naming.js';
import { findDomain, resolveType } from './column-types.js';
import { escapeRegExp, nameWords } from './sql-text.js';

/** Whether the expression says `column IS NOT NULL` (alone or as a conjunct). */
export function requiresNotNull(expression: string, column: string): boolean {
  if (!/not\s+null/i.test(expression)) return false;
  const name = /^[a-z_][a-z0-9_$]*$/.test(column) ? `(?:${escapeRegExp(column)}|"${escapeRegExp(column)}")` : `"${escapeRegExp(column.replace(/"/g, '""'))}"`;
  const re = new RegExp(`(^|[^\\w$."])${name}\\)?\\s+IS\\s+NOT\\s+NULL\\b`, 'i');
  return re.test(expression) && !/\bOR\b/i.test(expression);
}

/** The domain a column type names, if any: `amount` (in `public` or the table's schema) or `sales.amount`. */
export function domainOf(db: Database, schema: string, type: string): Domain | undefined {
  return findDomain(db, type, schema)?.domain;
}

/** The type with domains resolved to their base type. */
export function baseType(db: Database, schema: string, type: string): string {
  const info = resolveType(db, type, schema);
  return info.array ? `${info.base}[]` : info.base;
}

/** A column that cannot hold NULL: NOT NULL, in the primary key, a NOT NULL domain, or a validated CHECK (c IS NOT NULL). */
export function isEffectivelyNotNull(db: Database, schema: string, table: Table, column: Column): boolean {
  if (column.notNull || table.primaryKey?.columns.includes(column.name)) return true;
  if (domainOf(db, schema, column.type)?.notNull) return true;
  return table.checks.some((c) => !c.notValid && requiresNotNull(c.expression, column.name));
}

/** A default that is present and not the NULL constant (which PostgreSQL does not store, but a file may spell). */
export function hasDefault(column: Column): boolean {
  return column.default !== null && !/^\(?\s*NULL\s*\)?(::[\w ."]+)?$/i.test(column.default.trim());
}

/** Last name words of single-column keys that identify an entity (`email`, `product_code`) and are never "unknown". */
export const BUSINESS_KEY_WORDS = new Set(['email', 'username', 'login', 'handle', 'slug', 'sku', 'code', 'isbn', 'name']);

/** date, time and timestamp types, with or without precision or zone. */
export const isTemporalType = (type: string) => /^(date|timestamp(\(\d\))?( with(out)? time zone)?)$/.test(type);

const CREATE_WORDS = new Set(['created', 'inserted', 'creation', 'create', 'insert', 'insertion']);
const UPDATE_WORDS = new Set(['updated', 'modified', 'changed', 'update', 'modification', 'modify']);
const TIME_SUFFIX = new Set(['at', 'on', 'date', 'time', 'timestamp', 'ts', 'dt', 'datetime', 'utc']);

/** `created_at`, `inserted_at`, `created_on`, `creation_date`, `date_created`, `createdAt`, `created`. */
export function isCreatedName(name: string): boolean {
  return stampName(nameWords(name), CREATE_WORDS);
}

/** `updated_at`, `modified_on`, `last_update`, `last_modified_at`, `date_updated`. */
export function isUpdatedName(name: string): boolean {
  const w = nameWords(name);
  return stampName(w[0] === 'last' ? w.slice(1) : w, UPDATE_WORDS);
}

function stampName(w: string[], verbs: Set<string>): boolean {
  if (w.length === 1) return verbs.has(w[0]);
  if (w.length === 2) return (verbs.has(w[0]) && TIME_SUFFIX.has(w[1])) || ((w[0] === 'date' || w[0] === 'time') && verbs.has(w[1]));
  return false;
}

/**
 * The online SET NOT NULL (PostgreSQL 12+): a NOT VALID CHECK is added under a brief lock,
 * validated under SHARE UPDATE EXCLUSIVE (reads and writes go on), and SET NOT NULL then skips
 * its full-table scan because the validated CHECK proves there is no NULL. The check is not
 * named `{table}_{column}_not_null`: PostgreSQL 18 gives that name to the NOT NULL constraint.
 */
export function setNotNullSql(t: TableRef, column: string): string {
  const check = quoteIdent(fillPattern('{table}_{column}_nn_check', { table: t.table.name, column }));
  const col = quoteIdent(column);
  return [
    `-- Rows where ${column} IS NULL must be backfilled first, or VALIDATE fails.`,
    `ALTER TABLE ${t.sql} ADD CONSTRAINT ${check} CHECK (${col} IS NOT NULL) NOT VALID;`,
    `ALTER TABLE ${t.sql} VALIDATE CONSTRAINT ${check};`,
    `ALTER TABLE ${t.sql} ALTER COLUMN ${col} SET NOT NULL;`,
    `ALTER TABLE ${t.sql} DROP CONSTRAINT ${check};`,
  ].join('\n');
}

