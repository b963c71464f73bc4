import type { Database, Domain, Enum } from '../model/types.js';
import { typeNameParts } from './column-types.js';

/**
 * How PostgreSQL stores a value of a type in a heap row: `typlen` and `typalign` of
 * pg_type. Fixed-width values are aligned to their typalign; a variable-length (varlena)
 * value under 127 bytes has a 1-byte header and is stored unaligned, a longer one has a
 * 4-byte header and is aligned to its typalign.
 */
export interface TypeLayout {
  /** typlen in bytes, or null for a variable-length type. */
  length: number | null;
  /** typalign in bytes: c = 1, s = 2, i = 4, d = 8. */
  align: 1 | 2 | 4 | 8;
}

/** A column's type seen through domains: the base type, or an enum. */
export interface ResolvedType {
  /** The base type without typmod or array brackets: `character varying`, `timestamp with time zone`, `sales.status`. */
  base: string;
  /** The typmod's first number: 255 for `character varying(255)`. */
  typmod: number | null;
  array: boolean;
  kind: 'builtin' | 'enum' | 'composite' | 'other';
  enum?: Enum;
  /** The outermost domain, when the column's type is one. */
  domain?: Domain;
}

const FIXED: Record<string, TypeLayout> = {
  boolean: { length: 1, align: 1 },
  '"char"': { length: 1, align: 1 },
  smallint: { length: 2, align: 2 },
  integer: { length: 4, align: 4 },
  real: { length: 4, align: 4 },
  date: { length: 4, align: 4 },
  oid: { length: 4, align: 4 },
  regclass: { length: 4, align: 4 },
  regtype: { length: 4, align: 4 },
  regproc: { length: 4, align: 4 },
  regprocedure: { length: 4, align: 4 },
  regnamespace: { length: 4, align: 4 },
  regrole: { length: 4, align: 4 },
  regconfig: { length: 4, align: 4 },
  xid: { length: 4, align: 4 },
  cid: { length: 4, align: 4 },
  bigint: { length: 8, align: 8 },
  'double precision': { length: 8, align: 8 },
  money: { length: 8, align: 8 },
  'timestamp without time zone': { length: 8, align: 8 },
  'timestamp with time zone': { length: 8, align: 8 },
  'time without time zone': { length: 8, align: 8 },
  'time with time zone': { length: 12, align: 8 },
  interval: { length: 16, align: 8 },
  pg_lsn: { length: 8, align: 8 },
  xid8: { length: 8, align: 8 },
  uuid: { length: 16, align: 1 },
  macaddr: { length: 6, align: 4 },
  macaddr8: { length: 8, align: 4 },
  tid: { length: 6, align: 2 },
  name: { length: 64, align: 1 },
  point: { length: 16, align: 8 },
  line: { length: 24, align: 8 },
  lseg: { length: 32, align: 8 },
  box: { length: 32, align: 8 },
  circle: { length: 24, align: 8 },
};

/** Variable-length types whose typalign is d; every other varlena (text, numeric, jsonb, ...) is i. */
const VARLENA_DOUBLE = new Set(['path', 'polygon', 'int8range', 'tsrange', 'tstzrange', 'int8multirange', 'tsmultirange', 'tstzmultirange']);

/** `timestamp(3) with time zone` → `timestamp with time zone`; `character varying(255)` → `character varying`. */
export function baseTypeName(type: string): { base: string; typmod: number | null; array: boolean } {
  let parsed = baseTypeNames.get(type);
  if (!parsed) {
    if (baseTypeNames.size > 10_000) baseTypeNames.clear();
    baseTypeNames.set(type, (parsed = parseTypeName(type)));
  }
  return parsed;
}
const baseTypeNames = new Map<string, { base: string; typmod: number | null; array: boolean }>();

function parseTypeName(type: string): { base: string; typmod: number | null; array: boolean } {
  const array = /\[\]$/.test(type);
  let base = type.replace(/(\[\])+$/, '');
  const mod = /\((\d+)(?:\s*,\s*-?\d+)?\)/.exec(base);
  base = base.replace(/\(\d+(?:\s*,\s*-?\d+)?\)/g, '').replace(/\s+/g, ' ').trim();
  // interval's field restriction (`interval year to month`) does not change its storage.
  if (base.startsWith('interval ')) base = 'interval';
  return { base, typmod: mod ? Number(mod[1]) : null, array };
}


/** Finds a user type by the name a column spells: qualified, or unqualified meaning `public` (or the only schema holding it). */
function lookup<T extends { name: string }>(db: Database, type: string, pick: (s: Database['schemas'][number]) => T[]): T | undefined {
  const parts = typeNameParts(type);
  const name = parts[parts.length - 1];
  const schema = parts.length > 1 ? parts[0] : null;
  if (schema !== null) {
    const holder = db.schemas.find((s) => s.name === schema);
    return holder && pick(holder).find((t) => t.name === name);
  }
  const inPublic = db.schemas.find((s) => s.name === 'public');
  const found = inPublic && pick(inPublic).find((t) => t.name === name);
  if (found) return found;
  const all = db.schemas.flatMap((s) => pick(s).filter((t) => t.name === name));
  return all.length === 1 ? all[0] : undefined;
}

/** The type under its domains (a domain over a domain included), with its enum when it is one. */
export function resolveType(db: Database, type: string): ResolvedType {
  let domain: Domain | undefined;
  let current = type;
  let array = false;
  for (let depth = 0; depth < 10; depth++) {
    const parsed = baseTypeName(current);
    array ||= parsed.array;
    if (FIXED[parsed.base] || isBuiltinVarlena(parsed.base)) return { base: parsed.base, typmod: parsed.typmod, array, kind: 'builtin', ...(domain && { domain }) };
    const d = lookup(db, parsed.base, (s) => s.domains);
    if (d) {
      domain ??= d;
      current = d.type;
      continue;
    }
    const e = lookup(db, parsed.base, (s) => s.enums);
    if (e) return { base: parsed.base, typmod: null, array, kind: 'enum', enum: e, ...(domain && { domain }) };
    const c = lookup(db, parsed.base, (s) => s.compositeTypes);
    return { base: parsed.base, typmod: parsed.typmod, array, kind: c ? 'composite' : 'other', ...(domain && { domain }) };
  }
  return { base: current, typmod: null, array, kind: 'other' };
}

const BUILTIN_VARLENA = new Set([
  'text', 'character varying', 'character', 'bpchar', 'numeric', 'bytea', 'json', 'jsonb', 'xml', 'inet', 'cidr', 'bit', 'bit varying',
  'tsvector', 'tsquery', 'path', 'polygon', 'int4range', 'int8range', 'numrange', 'tsrange', 'tstzrange', 'daterange', 'int4multirange',
  'int8multirange', 'nummultirange', 'tsmultirange', 'tstzmultirange', 'datemultirange', 'jsonpath', 'txid_snapshot', 'pg_snapshot',
]);
const isBuiltinVarlena = (base: string) => BUILTIN_VARLENA.has(base);

/**
 * The storage layout of a column type. Enums are 4-byte oids (align i); arrays, composites and
 * unknown (extension) types are variable-length: most extension types (citext, hstore, ltree,
 * vector, geometry) are.
 */
export function typeLayout(db: Database, type: string): TypeLayout {
  const t = resolveType(db, type);
  if (t.array) {
    const element = t.kind === 'builtin' ? FIXED[t.base] : undefined;
    return { length: null, align: element?.align === 8 ? 8 : 4 };
  }
  if (t.kind === 'enum') return { length: 4, align: 4 };
  if (t.kind === 'composite') return { length: null, align: 8 };
  if (t.kind === 'builtin') return FIXED[t.base] ?? { length: null, align: VARLENA_DOUBLE.has(t.base) ? 8 : 4 };
  return { length: null, align: 4 };
}

/** Point-in-time types: what a RANGE partition key or a retention policy is made of. */
export function isTimeType(db: Database, type: string): boolean {
  const t = resolveType(db, type);
  return !t.array && t.kind === 'builtin' && /^(timestamp with(out)? time zone|date)$/.test(t.base);
}

/** Unbounded character and binary types: values can be any length up to 1 GB. */
export function isUnboundedVarlena(db: Database, type: string): boolean {
  const t = resolveType(db, type);
  if (t.array || t.kind === 'composite') return true;
  if (t.kind !== 'builtin') return false;
  if (t.base === 'character varying' || t.base === 'bit varying') return t.typmod === null;
  return ['text', 'bytea', 'json', 'jsonb', 'xml', 'tsvector'].includes(t.base);
}

/**
 * The most bytes a value of the type can take in an index tuple, when bounded: fixed-width
 * types, and `varchar(n)`/`char(n)` counted at one byte per character (multi-byte characters
 * take up to four in UTF-8, so this is a lower bound of the true maximum). Null when unbounded.
 */
export function maxValueBytes(db: Database, type: string): number | null {
  const t = resolveType(db, type);
  if (t.array) return null;
  if (t.kind === 'enum') return 4;
  if (t.kind !== 'builtin') return null;
  const fixed = FIXED[t.base];
  if (fixed) return fixed.length;
  if ((t.base === 'character varying' || t.base === 'character') && t.typmod !== null) return t.typmod + 4;
  // numeric(p, s): two bytes per four decimal digits plus a header; unbounded numeric up to 1000 digits.
  if (t.base === 'numeric') return t.typmod !== null ? Math.ceil(t.typmod / 4) * 2 + 8 : null;
  if (t.base === 'inet' || t.base === 'cidr') return 22;
  return null;
}

/**
 * Expected bytes a row's data takes for columns in `order`, padding included. The data
 * starts MAXALIGNed (8) after the tuple header and the row is MAXALIGNed at the end. A
 * variable-length value's length is unknown, so after one the offset is taken as uniformly
 * distributed over the 8 residues and padding as its expectation; variable-length values are
 * counted as their short (1-byte header, unaligned) form with no payload, so only padding and
 * fixed widths are in the total. NULLs (which take no space) are not modelled.
 */
export function expectedRowBytes(layouts: TypeLayout[]): { bytes: number; padding: number } {
  // Probability of each offset residue modulo 8.
  let residues = [1, 0, 0, 0, 0, 0, 0, 0];
  let bytes = 0;
  let padding = 0;
  const uniform = () => residues.map(() => 1 / 8);
  for (const layout of layouts) {
    if (layout.length === null) {
      residues = uniform();
      continue;
    }
    const next = new Array<number>(8).fill(0);
    residues.forEach((p, r) => {
      if (!p) return;
      const pad = (layout.align - (r % layout.align)) % layout.align;
      padding += p * pad;
      next[(r + pad + layout.length!) % 8] += p;
    });
    residues = next;
    bytes += layout.length;
  }
  residues.forEach((p, r) => (padding += p * ((8 - r) % 8)));
  return { bytes: bytes + padding, padding };
}

/**
 * The order that wastes least: fixed-width columns by alignment, widest first (d, i, s, c;
 * within an alignment, lengths that are a multiple of it first), then the
 * variable-length ones, whose short form needs no alignment. Stable otherwise.
 */
export function compactOrder<T extends { layout: TypeLayout }>(columns: T[]): T[] {
  const rank = (c: T) => (c.layout.length === null ? [0, 0] : [c.layout.align, c.layout.length % c.layout.align === 0 ? 1 : 0]);
  return columns
    .map((c, i) => ({ c, i, r: rank(c) }))
    .sort((a, b) => {
      if (a.c.layout.length === null || b.c.layout.length === null) return (a.c.layout.length === null ? 1 : 0) - (b.c.layout.length === null ? 1 : 0) || a.i - b.i;
      return b.r[0] - a.r[0] || b.r[1] - a.r[1] || a.i - b.i;
    })
    .map((x) => x.c);
}
