import { SNAPSHOT_VERSION, type Database, type Schema, type Table } from './types.js';

export function emptyDatabase(): Database {
  return { version: SNAPSHOT_VERSION, schemas: [], extensions: [] };
}

export function emptySchema(name: string): Schema {
  return { name, tables: [], views: [], enums: [], domains: [], compositeTypes: [], sequences: [], functions: [], triggers: [] };
}

export function emptyTable(name: string): Table {
  return { name, columns: [], primaryKey: null, uniques: [], checks: [], exclusions: [], foreignKeys: [], indexes: [] };
}
