import { qualifiedName, quoteIdent } from '../model/quote-ident.js';
import type { Database } from '../model/types.js';

/**
 * How many domains and composite types a domain or composite type is built on, through its
 * base type or attribute types: PostgreSQL resolves them when the type is created and refuses
 * to drop one still used. Creations go in increasing depth, drops in decreasing depth.
 */
export function typeDepth(db: Database, schema: string, name: string): number {
  // The spelling format_type gives a type in the model: unqualified in public.
  const spelling = (s: string, n: string) => (s === 'public' ? quoteIdent(n) : qualifiedName(s, n));
  const uses = new Map<string, string[]>();
  const base = (type: string) => type.replace(/(\[\])+$/, '');
  for (const s of db.schemas) {
    for (const d of s.domains) uses.set(spelling(s.name, d.name), [base(d.type)]);
    for (const c of s.compositeTypes) uses.set(spelling(s.name, c.name), c.attributes.map((a) => base(a.type)));
  }
  const depths = new Map<string, number>();
  const walk = (type: string): number => {
    const deps = uses.get(type);
    if (!deps) return 0;
    if (!depths.has(type)) {
      depths.set(type, 1); // a cycle (PostgreSQL allows none) must not recurse forever
      depths.set(type, 1 + Math.max(0, ...deps.map((d) => walk(d))));
    }
    return depths.get(type)!;
  };
  return Math.min(walk(spelling(schema, name)) - 1, 19);
}
