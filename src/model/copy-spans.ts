import type { Database, Schema, Span, Table } from './types.js';

type Named = { name: string; span?: Span };

/** `into` with the span of the same-named item of `from`, each item passed through `inner`. */
function byName<T extends Named>(into: T[], from: T[], inner: (item: T, source: T) => T = (item) => item): T[] {
  const sources = new Map(from.map((x) => [x.name, x]));
  return into.map((item) => {
    const source = sources.get(item.name);
    return source ? inner(source.span ? { ...item, span: source.span } : item, source) : item;
  });
}

const table = (t: Table, f: Table): Table => ({
  ...t,
  columns: byName(t.columns, f.columns),
  primaryKey: t.primaryKey && f.primaryKey?.name === t.primaryKey.name && f.primaryKey.span ? { ...t.primaryKey, span: f.primaryKey.span } : t.primaryKey,
  uniques: byName(t.uniques, f.uniques),
  checks: byName(t.checks, f.checks),
  foreignKeys: byName(t.foreignKeys, f.foreignKeys),
  exclusions: byName(t.exclusions, f.exclusions),
  indexes: byName(t.indexes, f.indexes),
});

const schema = (s: Schema, f: Schema): Schema => ({
  ...s,
  tables: byName(s.tables, f.tables, table),
  views: byName(s.views, f.views),
  enums: byName(s.enums, f.enums),
  domains: byName(s.domains, f.domains),
  compositeTypes: byName(s.compositeTypes, f.compositeTypes),
  sequences: byName(s.sequences, f.sequences),
  triggers: byName(s.triggers, f.triggers),
});

/**
 * `into` (a model PostgreSQL built, which has no source positions) with the spans of the
 * same-named objects in `from` (the static load of the same files): `review --exact`
 * findings then point at `file:line:col` too.
 */
export function copySpans(into: Database, from: Database): Database {
  return { ...into, schemas: byName(into.schemas, from.schemas, schema) };
}
