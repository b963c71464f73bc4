import { findEnum, resolveType, typeNameParts, type TypeInfo } from '../lint/column-types.js';
import { nameWords } from '../lint/sql-text.js';
import type { Column, Database } from '../model/types.js';
import { quoteLiteral } from '../report/ddl.js';
import type { ColumnBounds } from './check-bounds.js';

/**
 * SQL expressions that compute a column's value for row number `g` (a bigint, 1..rows) inside
 * `INSERT ... SELECT ... FROM generate_series(...) AS g`. Values are functions of `g` and a
 * per-column salt only (hashint8extended, PostgreSQL 11+), so a seed is deterministic whatever
 * the batch size, and the work stays inside PostgreSQL.
 */
export interface ValueContext {
  db: Database;
  schema: string;
  /** Rows the table gets (the `N` of `g / N`). */
  rows: number;
  salt: number;
  /** Where timestamps end: an ISO date (its midnight) or an ISO timestamp; rows spread back over `horizonDays`, row 1 the oldest. */
  anchor: string;
  horizonDays: number;
  /** Whether the table has a timestamp column: enums then follow the row's age (old orders shipped, new ones pending). */
  dated: boolean;
  bounds: ColumnBounds;
  /** Distinct for every row (the column carries a unique key). */
  injective: boolean;
}

export type ValueResult = { sql: string; capacity?: number } | { error: string };

/** A uniform double in [0, 1) from `g` and a salt: 52 bits of PostgreSQL's 64-bit integer hash. */
export const uniform = (salt: number, row = 'g') => `((hashint8extended(${row}, ${salt}) & 4503599627370495)::float8 / 4503599627370496)`;

/** 0 for the oldest row, 1 for the newest (rows added after others by --force count as the newest). */
const position = (rows: number) => `least(g::float8 / ${Math.max(rows, 1)}, 1)`;

const TEXT = new Set(['text', 'character varying', 'character', 'bpchar', 'citext', 'name']);
const INTEGER: Record<string, number> = { smallint: 32767, integer: 2147483647, bigint: 9007199254740991 };

/** The value expression of one column, cast to its type (domains check their own constraints). */
export function valueExpression(column: Column, ctx: ValueContext): ValueResult {
  const type = resolveType(ctx.db, column.type, ctx.schema);
  const result = type.array ? arrayValue(column, type, ctx) : scalarValue(column, type, ctx, ctx.salt);
  if ('error' in result) return result;
  // Only a unique column limits the rows: a boolean that repeats is fine.
  return { sql: `(${result.sql})::${column.type}`, ...(ctx.injective && result.capacity !== undefined && { capacity: result.capacity }) };
}

function arrayValue(column: Column, type: TypeInfo, ctx: ValueContext): ValueResult {
  const element = { ...type, array: false };
  const first = scalarValue(column, element, { ...ctx, injective: false, bounds: {} }, ctx.salt);
  const second = scalarValue(column, element, { ...ctx, injective: false, bounds: {} }, ctx.salt + 1);
  if ('error' in first || 'error' in second) return { error: `arrays of ${type.base}` };
  // One or two elements: the second only for about half the rows.
  return { sql: `CASE WHEN ${uniform(ctx.salt + 2)} < 0.5 THEN ARRAY[${first.sql}] ELSE ARRAY[${first.sql}, ${second.sql}] END` };
}

function scalarValue(column: Column, type: TypeInfo, ctx: ValueContext, salt: number): ValueResult {
  const u = uniform(salt);
  const words = nameWords(column.name);
  const { bounds } = ctx;
  if (bounds.values?.length) return { sql: ctx.injective ? `(ARRAY[${bounds.values.map(quoteLiteral).join(', ')}])[g]` : pick(bounds.values.map(quoteLiteral), u), capacity: bounds.values.length };
  const enumValues = findEnum(ctx.db, typeNameParts(type.base))?.enum.values;
  if (enumValues) {
    if (ctx.injective) return { sql: `(enum_range(NULL::${type.base}))[g]`, capacity: enumValues.length };
    // Old rows lean to the later values of the enum, new ones to the first: statuses follow a row's life.
    const n = enumValues.length;
    const index = ctx.dated ? `least(${n}, 1 + floor(${n} * (0.6 * (1 - ${position(ctx.rows)}) + 0.4 * ${u})))::int` : `1 + floor(${n} * ${u})::int`;
    return { sql: `(enum_range(NULL::${type.base}))[${index}]` };
  }
  const name = type.name;
  if (name in INTEGER || name === 'numeric' || name === 'real' || name === 'double precision' || name === 'money') return numberValue(name, type, ctx, u);
  if (TEXT.has(name) || name.endsWith('.citext') || name === 'citext') return textValue(column.name, words, type, ctx, u);
  if (name === 'uuid') return { sql: `md5(${quoteLiteral(`${salt}:`)} || g)::uuid` };
  if (name === 'boolean') return { sql: ctx.injective ? 'g = 1' : `${u} < 0.5`, capacity: 2 };
  if (name === 'date' && words.includes('birth') && !ctx.injective) return { sql: `DATE ${quoteLiteral(ctx.anchor.slice(0, 10))} - floor(365.25 * (18 + 72 * ${u}))::int` };
  if (name === 'timestamp with time zone' || name === 'timestamp without time zone' || name === 'date') return timeValue(name, ctx, u);
  if (name === 'time without time zone' || name === 'time with time zone') return { sql: `TIME '00:00' + ${u} * INTERVAL '86399 seconds'` };
  if (name === 'interval') return { sql: ctx.injective ? 'make_interval(secs => g)' : `make_interval(secs => floor(${u} * 2592000))` };
  if (name === 'jsonb' || name === 'json') return { sql: `jsonb_build_object('n', g, 'kind', 'k' || floor(${u} * 5)::int, 'flag', ${uniform(salt + 1)} < 0.5)` };
  if (name === 'bytea') return { sql: `decode(md5(${quoteLiteral(`${salt}:`)} || g), 'hex')` };
  if (name === 'inet' || name === 'cidr') return { sql: `('10.' || ((g >> 16) & 255) || '.' || ((g >> 8) & 255) || '.' || (g & 255))::inet`, capacity: 16777216 };
  if (name === 'tsvector') return { sql: `to_tsvector('simple', 'word' || floor(${u} * 100)::int || ' term' || floor(${uniform(salt + 1)} * 50)::int)` };
  return { error: type.base };
}

const pick = (values: string[], u: string) => `(ARRAY[${values.join(', ')}])[1 + floor(${values.length} * ${u})::int]`;

function numberValue(name: string, type: TypeInfo, ctx: ValueContext, u: string): ValueResult {
  const { bounds } = ctx;
  const integer = name in INTEGER;
  const scale = name === 'numeric' ? (type.modifiers[1] ?? 2) : name === 'money' ? 2 : integer ? 0 : 3;
  const step = integer ? 1 : 10 ** -Math.max(scale, 0);
  // numeric(p, s) holds less than 10^(p-s).
  const typeMax = integer ? INTEGER[name] : name === 'numeric' && type.modifiers.length ? 10 ** (type.modifiers[0] - (type.modifiers[1] ?? 0)) - step : Number.MAX_SAFE_INTEGER;
  let lo = bounds.min !== undefined ? bounds.min + (bounds.minExclusive ? step : 0) : Math.min(ctx.injective ? 1 : 0, typeMax);
  // Without a bound, a unique column may go as far as its type; another stays within a thousand.
  let hi = bounds.max !== undefined ? bounds.max - (bounds.maxExclusive ? step : 0) : ctx.injective ? typeMax : Math.min(typeMax, Math.max(lo, 0) + 1000);
  if (integer) [lo, hi] = [Math.ceil(lo), Math.floor(hi)];
  if (hi < lo) return { error: `${name} between ${lo} and ${hi}` };
  if (ctx.injective) {
    const capacity = integer ? hi - lo + 1 : Math.floor((hi - lo) / step) + 1;
    return { sql: integer ? `${lo} + g - 1` : `${lo} + (g - 1) * ${step}`, capacity };
  }
  if (integer) return { sql: `${lo} + floor(${u} * ${hi - lo + 1})::bigint` };
  const value = `${lo} + ${u} * ${hi - lo}`;
  return { sql: name === 'real' || name === 'double precision' ? value : `round((${value})::numeric, ${scale})` };
}

function textValue(columnName: string, words: string[], type: TypeInfo, ctx: ValueContext, u: string): ValueResult {
  const declared = (type.name === 'character varying' || type.name === 'character' || type.name === 'bpchar') && type.modifiers.length ? type.modifiers[0] : Infinity;
  const max = Math.min(declared, ctx.bounds.maxLength ?? Infinity);
  const fit = (sql: string) => (Number.isFinite(max) ? `left(${sql}, ${max})` : sql);
  const digits = String(ctx.rows).length;
  if (words.includes('email') || words.includes('mail')) {
    const sql = ctx.injective ? `'user' || g || '@example.com'` : `'user' || (1 + floor(${u} * ${Math.max(ctx.rows, 1)})::bigint) || '@example.com'`;
    if (max >= digits + 16) return { sql };
  }
  if (ctx.injective) {
    // A prefix from the column's name when it fits beside the row number; the number alone otherwise.
    const prefix = columnName.replace(/[^A-Za-z0-9]/g, '').slice(0, 12).toLowerCase();
    if (max >= prefix.length + 1 + digits) return { sql: `${quoteLiteral(`${prefix}-`)} || g` };
    return { sql: 'g::text', capacity: Number.isFinite(max) ? 10 ** max - 1 : undefined };
  }
  // A vocabulary of a thousand values: text columns are rarely all distinct.
  const prefix = columnName.replace(/[^A-Za-z0-9]/g, '').slice(0, 10).toLowerCase() || 'v';
  return { sql: fit(`${quoteLiteral(`${prefix} `)} || (1 + floor(${u} * 1000))::int`) };
}

function timeValue(name: string, ctx: ValueContext, u: string): ValueResult {
  // Rows in insertion order over the horizon (row 1 the oldest), each jittered by up to a day.
  const daysAgo = ctx.injective ? `(${ctx.rows} - g) / 86400.0` : `${ctx.horizonDays} * (1 - ${position(ctx.rows)}) + ${u}`;
  if (name === 'date') return { sql: `DATE ${quoteLiteral(ctx.anchor.slice(0, 10))} - floor(${ctx.injective ? `${ctx.rows} - g` : daysAgo})::int`, ...(ctx.injective && { capacity: 1_000_000 }) };
  const anchor = `${name === 'timestamp with time zone' ? 'TIMESTAMPTZ' : 'TIMESTAMP'} ${quoteLiteral(ctx.anchor.length > 10 ? ctx.anchor : `${ctx.anchor} 00:00:00`)}`;
  return { sql: `${anchor} - (${daysAgo}) * INTERVAL '1 day'` };
}
