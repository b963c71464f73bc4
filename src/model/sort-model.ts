import type { Database } from './types.js';

const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/**
 * Puts every list of a model in name order (columns and enum values keep their own order),
 * so two loads of the same schema serialise identically whatever their source.
 */
export function sortModel(db: Database): Database {
  db.schemas.sort(byName);
  db.extensions.sort(byName);
  for (const s of db.schemas) {
    for (const list of [s.tables, s.views, s.enums, s.domains, s.compositeTypes, s.sequences, s.triggers] as { name: string }[][]) list.sort(byName);
    s.functions.sort((a, b) => byName(a, b) || (a.arguments < b.arguments ? -1 : a.arguments > b.arguments ? 1 : 0));
    s.triggers.sort((a, b) => byName(a, b) || byName(a.table, b.table));
    for (const t of s.tables) {
      for (const list of [t.uniques, t.checks, t.exclusions, t.foreignKeys, t.indexes] as { name: string }[][]) list.sort(byName);
    }
  }
  return db;
}
