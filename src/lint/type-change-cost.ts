import type { Database } from '../model/types.js';
import { findDomain, resolveType, type TypeInfo } from './column-types.js';

/**
 * What ALTER COLUMN TYPE costs, as PostgreSQL decides it (ATColumnChangeRequiresRewrite, and the
 * support functions that turn a typmod change into a no-op): `rewrite` every row, or not;
 * `indexes` rebuilt even without a rewrite (their operator class or collation changes).
 */
export interface TypeChangeCost {
  rewrite: 'yes' | 'no' | 'unless-utc';
  indexes: boolean;
}

const REWRITE: TypeChangeCost = { rewrite: 'yes', indexes: true };
const FREE: TypeChangeCost = { rewrite: 'no', indexes: false };

// Types whose typmod is a precision that PostgreSQL may raise without touching a row
// (timestamp_support, time_support, interval_support: a larger or unconstrained precision).
const TEMPORAL = new Set(['timestamp without time zone', 'timestamp with time zone', 'time without time zone', 'time with time zone', 'interval']);
const TIMESTAMPS = new Set(['timestamp without time zone', 'timestamp with time zone']);
/** Domains with a CHECK or NOT NULL make PostgreSQL check (and so rewrite) every row converted to them. */
function constrainedDomain(db: Database, t: TypeInfo, schema: string): boolean {
  return t.domainChecks.length > 0 || t.domains.some((d) => findDomain(db, d, schema)?.domain.notNull);
}

export function typeChangeCost(db: Database, schema: string, oldType: string, newType: string, pgVersion: number): TypeChangeCost {
  const o = resolveType(db, oldType, schema);
  const n = resolveType(db, newType, schema);
  if (constrainedDomain(db, n, schema)) return REWRITE;
  if (o.array !== n.array) return REWRITE;
  // A domain's typmod is not the column's: the length check cannot see it, so PostgreSQL redoes it.
  const old = o.domains.length ? [] : o.modifiers;
  const mods = n.modifiers;
  const same = old.length === mods.length && old.every((m, i) => m === mods[i]);
  // An array is coerced element by element, which always rewrites, unless only a typmod is dropped.
  if (o.array) return o.name === n.name && (same || mods.length === 0) ? FREE : REWRITE;
  if (o.name === n.name && same) return FREE;
  const raised = mods.length === 0 || (old.length > 0 && mods[0] >= old[0]);
  switch (`${o.name} → ${n.name}`) {
    case 'character varying → character varying':
    case 'bit varying → bit varying':
      return raised ? FREE : REWRITE;
    case 'character varying → text':
    case 'cidr → inet':
      return FREE;
    case 'text → character varying':
    case 'xml → text':
    case 'xml → character varying':
      return mods.length === 0 ? FREE : REWRITE;
    case 'numeric → numeric':
      return mods.length === 0 || (old.length === 2 && mods.length === 2 && mods[1] === old[1] && mods[0] >= old[0]) ? FREE : REWRITE;
    case 'bit → bit varying':
      return mods.length === 0 ? { rewrite: 'no', indexes: true } : REWRITE;
  }
  // 6 is the largest precision: asking for it is asking for none.
  const precisionKept = raised || mods[0] === 6;
  if (TIMESTAMPS.has(o.name) && TIMESTAMPS.has(n.name) && o.name !== n.name) return pgVersion >= 12 && precisionKept ? { rewrite: 'unless-utc', indexes: true } : REWRITE;
  if (TEMPORAL.has(o.name) && o.name === n.name) return precisionKept ? FREE : REWRITE;
  // An interval restricted to fields (`interval day`) loses the restriction for free.
  if (o.name.startsWith('interval') && n.name === 'interval' && mods.length === 0) return FREE;
  return REWRITE;
}
