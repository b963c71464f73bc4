import type { Database, QualifiedName } from './types.js';

/** Code-unit order, so the snapshot order does not depend on a locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export const byName = (a: { name: string }, b: { name: string }) => compareText(a.name, b.name);

export const byQualifiedName = (a: QualifiedName, b: QualifiedName) => compareText(a.schema, b.schema) || compareText(a.name, b.name);

/**
 * Puts every list of a model in name order (columns and enum values keep their own order),
 * so two loads of the same schema serialise identically whatever their source.
 */
export function sortModel(db: Database): Database {
  db.schemas.sort(byName);
  db.extensions.sort(byName);
  for (const s of db.schemas) {
    for (const list of [s.tables, s.views, s.enums, s.domains, s.compositeTypes, s.sequences] as { name: string }[][]) list.sort(byName);
    for (const d of s.domains) d.checks.sort(byName);
    s.functions.sort((a, b) => byName(a, b) || compareText(a.arguments, b.arguments));
    s.triggers.sort((a, b) => byName(a, b) || byQualifiedName(a.table, b.table));
    for (const t of s.tables) {
      for (const list of [t.uniques, t.checks, t.exclusions, t.foreignKeys, t.indexes] as { name: string }[][]) list.sort(byName);
    }
  }
  return db;
}
