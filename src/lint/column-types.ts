/**
 * What the type rules share: a column's type resolved through domains to the base type and
 * sorted into families, a column name split into words, CHECK constraints that restrict a
 * column to a list of literals, and serial detection.
 */
import { globToRegExp } from '../model/filter-model.js';
import type { Column, Database, Domain, Enum, Schema, Sequence, Table } from '../model/types.js';
import { indexesOf, type TableRef } from './model-walk.js';
import { escapeRegExp, mentionsColumn } from './sql-text.js';

export interface TypeInfo {
  /** The base type as format_type spells it, typmod kept, array suffix removed: `character(3)`. */
  base: string;
  /** The base type without typmod: `character`, `numeric`, `timestamp without time zone`. */
  name: string;
  /** The typmod: `[3]` for `character(3)`, `[12, 2]` for `numeric(12,2)`. */
  modifiers: number[];
  array: boolean;
  /** The domains passed through, outermost first, as the model spells them. */
  domains: string[];
  /** The CHECK expressions of those domains (they name the value `VALUE`). */
  domainChecks: string[];
  /** The default a column inherits from its domains: the outermost domain's that has one. */
  domainDefault: string | null;
}

/** Splits a type name as the model spells it (`sales.status`, `"Name"`, `s."a.b"`) into unquoted parts. */
export function typeNameParts(type: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < type.length; i++) {
    const ch = type[i];
    if (ch === '"') {
      for (i++; i < type.length; i++) {
        if (type[i] === '"' && type[i + 1] === '"') (current += '"'), i++;
        else if (type[i] === '"') break;
        else current += type[i];
      }
    } else if (ch === '.') {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

/** The enum a name list refers to: qualified, or bare (`public` first, then any schema: the model keeps no search_path for types). */
export function findEnum(db: Database, names: string[]): { schema: string; enum: Enum } | undefined {
  const name = names[names.length - 1];
  const schemas = names.length > 1 ? db.schemas.filter((s) => s.name === names[names.length - 2]) : [...db.schemas].sort((a, b) => Number(b.name === 'public') - Number(a.name === 'public'));
  for (const schema of schemas) {
    const found = schema.enums.find((e) => e.name === name);
    if (found) return { schema: schema.name, enum: found };
  }
  return undefined;
}

export function findDomain(db: Database, type: string, fromSchema: string): { schema: Schema; domain: Domain } | undefined {
  // A type without schema is in pg_catalog or public (the model's spelling); the column's own
  // schema is a fallback for loaders that keep a name bare on the search_path.
  const parts = typeNameParts(type);
  const candidates = parts.length === 2 ? [parts[0]] : parts.length === 1 ? ['public', fromSchema] : [];
  const name = parts[parts.length - 1];
  for (const schemaName of candidates) {
    const schema = db.schemas.find((s) => s.name === schemaName);
    const domain = schema?.domains.find((d) => d.name === name);
    if (schema && domain) return { schema, domain };
  }
  return undefined;
}

const TYPMOD = /\(\s*(-?\d+)\s*(?:,\s*(-?\d+)\s*)?\)/;

const resolved = new WeakMap<Database, Map<string, TypeInfo>>();

/** The type behind `type` (a column's), through any chain of domains. Shared: do not modify the result. */
export function resolveType(db: Database, type: string, fromSchema = 'public'): TypeInfo {
  let cache = resolved.get(db);
  if (!cache) resolved.set(db, (cache = new Map()));
  const key = `${fromSchema}\u0000${type}`;
  let info = cache.get(key);
  if (!info) cache.set(key, (info = resolveUncached(db, type, fromSchema)));
  return info;
}

function resolveUncached(db: Database, type: string, fromSchema: string): TypeInfo {
  const domains: string[] = [];
  const domainChecks: string[] = [];
  let domainDefault: string | null = null;
  let array = false;
  let current = type.trim();
  let schema = fromSchema;
  for (let depth = 0; depth < 20; depth++) {
    if (current.endsWith('[]')) {
      array = true;
      current = current.replace(/(\[\])+$/, '');
    }
    const found = findDomain(db, current, schema);
    if (!found) break;
    domains.push(current);
    domainChecks.push(...found.domain.checks.map((c) => c.expression));
    domainDefault ??= found.domain.default;
    current = found.domain.type.trim();
    schema = found.schema.name;
  }
  const typmod = TYPMOD.exec(current);
  const modifiers = typmod ? [typmod[1], typmod[2]].filter((m) => m !== undefined).map(Number) : [];
  const name = (current.startsWith('"') ? current : current.replace(TYPMOD, '')).replace(/\s+/g, ' ').trim();
  return { base: current, name, modifiers, array, domains, domainChecks, domainDefault };
}

/** A column's resolved type; `t` gives the schema bare domain names are looked up from. */
export function columnType(db: Database, t: TableRef, column: Column): TypeInfo {
  // Keyed by the column object itself: cheaper than resolveType's string keys, and every rule asks.
  let info = columnTypes.get(column);
  if (!info) columnTypes.set(column, (info = resolveType(db, column.type, t.schema.name)));
  return info;
}
const columnTypes = new WeakMap<Column, TypeInfo>();

const lastPart = (name: string) => typeNameParts(name).pop() ?? name;

export const isTextual = (t: TypeInfo) => ['text', 'character varying', 'character', 'bpchar'].includes(t.name) || lastPart(t.name) === 'citext';
export const isInteger = (t: TypeInfo) => ['smallint', 'integer', 'bigint'].includes(t.name);
export const isFloat = (t: TypeInfo) => t.name === 'real' || t.name === 'double precision';

/** A column's type for messages: `integer`, or `money_amt (domain over numeric(12,2))`. */
export const describeType = (column: Column, t: TypeInfo) => (t.domains.length ? `${column.type} (domain over ${t.base}${t.array ? '[]' : ''})` : column.type);

/** Does a word equal one of `words`, or end with one of at least 5 letters after a 3+ letter prefix (`listprice`, `subtotal`)? */
export function wordMatches(word: string, words: readonly string[]): boolean {
  return words.map((w) => w.toLowerCase()).some((w) => word === w || (w.length >= 5 && word.length >= w.length + 3 && word.endsWith(w)));
}

/** A literal of a CHECK list, unquoted: `'Y'` → `Y`, `1` → `1`. */
export type Literal = string;

const IDENT = (name: string) => (/^[a-z_][a-z0-9_$]*$/.test(name) ? `(?:"${escapeRegExp(name)}"|${escapeRegExp(name)})` : `"${escapeRegExp(name.replace(/"/g, '""'))}"`);

/** Removes `::type` casts (`'a'::character varying`, `(x)::text[]`): static and introspected CHECKs differ in them. */
function stripCasts(sql: string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i];
    if (ch === "'") {
      const end = stringEnd(sql, i);
      out += sql.slice(i, end);
      i = end;
    } else if (ch === ':' && sql[i + 1] === ':') {
      const m = /^::\s*(?:"(?:[^"]|"")*"|[a-z_][a-z0-9_]*)(?:\s*\.\s*(?:"(?:[^"]|"")*"|[a-z_][a-z0-9_]*))?(?:\s+(?:varying|precision|with(?:out)?\s+time\s+zone))?(?:\s*\([\d\s,]*\))?(?:\s*\[\])*/i.exec(sql.slice(i));
      i += m ? m[0].length : 2;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

function stringEnd(sql: string, start: number): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === "'" && sql[i + 1] === "'") i += 2;
    else if (sql[i] === "'") return i + 1;
    else i++;
  }
  return i;
}

function parseLiterals(list: string): Literal[] | null {
  const out: Literal[] = [];
  let i = 0;
  const text = list.trim();
  if (!text) return null;
  while (i < text.length) {
    while (/[\s(]/.test(text[i] ?? '')) i++;
    if (text[i] === "'") {
      const end = stringEnd(text, i);
      out.push(text.slice(i + 1, end - 1).replace(/''/g, "'"));
      i = end;
    } else {
      const m = /^(?:[-+]?\d+(?:\.\d+)?|true|false|null)/i.exec(text.slice(i));
      if (!m) return null;
      out.push(m[0].toLowerCase());
      i += m[0].length;
    }
    while (/[\s)]/.test(text[i] ?? '')) i++;
    if (i < text.length && text[i] !== ',') return null;
    i++;
  }
  return out;
}

/**
 * The literals a CHECK expression restricts `column` to, from `col IN (...)` or
 * `col = ANY (ARRAY[...])` (how PostgreSQL prints it back) anywhere in the expression;
 * null when there is no such list. Use `VALUE` as the column for a domain's CHECK.
 */
export function inList(expression: string, column: string): Literal[] | null {
  const key = `${column}\u0000${expression}`;
  let list = inLists.get(key);
  if (list === undefined) {
    if (inLists.size > 50_000) inLists.clear();
    inLists.set(key, (list = inListUncached(expression, column)));
  }
  return list;
}
const inLists = new Map<string, Literal[] | null>();

function inListUncached(expression: string, column: string): Literal[] | null {
  const sql = stripCasts(expression);
  const col = column === 'VALUE' ? '(?:value|VALUE|Value)' : IDENT(column);
  // upper(col)/lower(col) IN (...) restricts the column as well, up to case.
  const ref = `(?:(?:upper|lower|btrim|trim)\\s*\\(\\s*\\(*${col}\\)*\\s*\\)|${col})`;
  const re = new RegExp(`(?:^|[^\\w"$])\\(*\\s*${ref}\\s*\\)*\\s*(?:in\\s*\\(((?:[^()']|'(?:[^']|'')*')*)\\)|=\\s*any\\s*\\(\\s*\\(*\\s*array\\s*\\[((?:[^\\]']|'(?:[^']|'')*')*)\\])`, 'gi');
  const values: Literal[] = [];
  let found = false;
  for (const m of sql.matchAll(re)) {
    const literals = parseLiterals(m[1] ?? m[2] ?? '');
    if (!literals) continue;
    found = true;
    values.push(...literals);
  }
  return found ? [...new Set(values)] : null;
}


/** The values a column is restricted to by its table's CHECKs or its domains', or null. */
export function allowedValues(table: Table, column: Column, type: TypeInfo): Literal[] | null {
  const lists = [
    ...table.checks.map((c) => inList(c.expression, column.name)),
    ...type.domainChecks.map((c) => inList(c, 'VALUE')),
  ].filter((l): l is Literal[] => l !== null);
  if (!lists.length) return null;
  // Several lists are ANDed (or ORed with other conditions): the smallest one is the tightest guess.
  return lists.reduce((a, b) => (b.length < a.length ? b : a)).filter((v) => v !== 'null');
}

/** Is the column restricted by any CHECK (its table's mentioning it, or a domain's)? */
export const hasCheck = (table: Table, column: Column, type: TypeInfo) =>
  type.domainChecks.length > 0 || table.checks.some((c) => mentionsColumn(c.expression, column.name));

export const isForeignKeyColumn = (table: Table, column: string) => table.foreignKeys.some((fk) => fk.columns.includes(column));

/**
 * The sequence name inside a nextval() default, as unquoted parts; null when the default is not one.
 * Spellings differ by source: `nextval('s'::regclass)`, `nextval(CAST('s' AS regclass))`, `nextval(('s'::text)::regclass)`.
 */
export function nextvalSequence(defaultSql: string | null): string[] | null {
  const m = defaultSql && /^\s*(?:pg_catalog\s*\.\s*)?nextval\s*\(\s*(?:cast\s*\(\s*|\(\s*)*'((?:[^']|'')*)'(?:\s*::\s*(?:text|regclass)|\s+as\s+(?:text|regclass)|\s*\))*\s*\)\s*$/i.exec(defaultSql);
  return m ? typeNameParts(m[1].replace(/''/g, "'")) : null;
}

/** The sequence a nextval() name refers to: qualified, or bare (public, then the column's schema). */
function findSequence(db: Database, parts: string[], fromSchema: string): { schema: Schema; sequence: Sequence } | undefined {
  const name = parts[parts.length - 1];
  for (const schemaName of parts.length === 2 ? [parts[0]] : ['public', fromSchema]) {
    const schema = db.schemas.find((s) => s.name === schemaName);
    const sequence = schema?.sequences.find((q) => q.name === name);
    if (schema && sequence) return { schema, sequence };
  }
  return undefined;
}

/**
 * The sequence behind a serial-like column: the default is nextval() of a sequence OWNED BY the
 * column (what `serial` creates), or of one owned by nothing that no other column's default uses
 * (what many dumps of old serials look like). A sequence shared by several columns is a
 * deliberate global counter, not a serial.
 */
export function serialSequence(db: Database, t: TableRef, column: Column): { schema: Schema; sequence: Sequence; owned: boolean } | undefined {
  const parts = nextvalSequence(column.default);
  if (!parts || column.identity) return undefined;
  const found = findSequence(db, parts, t.schema.name);
  if (!found) return undefined;
  const owner = found.sequence.ownedBy;
  if (owner) {
    const owned = owner.table.schema === t.schema.name && owner.table.name === t.table.name && owner.column === column.name;
    return owned ? { ...found, owned: true } : undefined;
  }
  for (const schema of db.schemas) {
    for (const table of schema.tables) {
      if (table.partitionOf) continue;
      for (const other of table.columns) {
        if (table === t.table && other === column) continue;
        const p = nextvalSequence(other.default);
        const seq = p && findSequence(db, p, schema.name);
        if (seq && seq.sequence === found.sequence) return undefined;
      }
    }
  }
  return { ...found, owned: false };
}

/** Identity, serial, or a nextval() default: the database hands out the values. */
export const isGeneratedKey = (column: Column) => Boolean(column.identity) || nextvalSequence(column.default) !== null;

/** `schema.table.column` of every foreign key column that references `column` of `t`. */
export function referencingColumns(db: Database, t: TableRef, column: string): string[] {
  const out: string[] = [];
  for (const schema of db.schemas) {
    for (const table of schema.tables) {
      if (table.partitionOf) continue;
      for (const fk of table.foreignKeys) {
        if (fk.refTable.schema !== t.schema.name || fk.refTable.name !== t.table.name) continue;
        fk.refColumns.forEach((rc, i) => {
          if (rc === column) out.push(`${schema.name}.${table.name}.${fk.columns[i]}`);
        });
      }
    }
  }
  return [...new Set(out)];
}

/** Glob on `name` or `schema.name` (`*`, `?`), as `ignoreTables` matches. */
export const tableMatches = (globs: readonly string[], t: TableRef) => globs.map(globToRegExp).some((re) => re.test(t.table.name) || re.test(t.name));

/** Is the column by itself a primary key or unique (a natural key, not a reference to something else)? */
export const isUniqueColumn = (table: Table, column: string) =>
  indexesOf(table).some((ix) => ix.unique && !ix.where && ix.columns.length === 1 && ix.columns[0] === column && ix.plain[0]);
