import type { Database } from './types.js';

export interface ModelFilter {
  /** Keep only these schemas. */
  schemas?: string[];
  /** Keep only tables (and views) whose name or `schema.name` matches one of these globs (`*`, `?`). */
  tables?: string[];
}

export function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/** A copy of `db` restricted to the schemas and tables asked for. */
export function filterModel(db: Database, filter: ModelFilter): Database {
  const tableRes = filter.tables?.map(globToRegExp);
  const keep = (schema: string, name: string) => !tableRes || tableRes.some((re) => re.test(name) || re.test(`${schema}.${name}`));
  const schemas = db.schemas
    .filter((s) => !filter.schemas || filter.schemas.includes(s.name))
    .map((s) => ({
      ...s,
      tables: s.tables.filter((t) => keep(s.name, t.name)),
      views: s.views.filter((v) => keep(s.name, v.name)),
      triggers: s.triggers.filter((t) => keep(t.table.schema, t.table.name)),
      sequences: s.sequences.filter((q) => !tableRes || !q.ownedBy || keep(q.ownedBy.table.schema, q.ownedBy.table.name)),
    }));
  return { ...db, schemas };
}
