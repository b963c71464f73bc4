import { didYouMean } from '../did-you-mean.js';
import { SchemawiseError } from '../errors.js';
import { findTable } from '../lint/model-walk.js';
import type { Database, Table } from '../model/types.js';
import type { Renames } from './changes.js';

const table = (db: Database, schema: string, name: string): Table | undefined => findTable(db, { schema, name });

const tableNames = (db: Database, schema: string) => db.schemas.find((s) => s.name === schema)?.tables.map((t) => t.name) ?? [];

/**
 * Each asked rename must name what `from` has and `to` has instead: a misspelt name would
 * otherwise plan a drop and an add (data lost) or rename nothing. A column's table is named as
 * in `to`. Throws with the first that does not fit, and the closest name.
 */
export function checkRenames(renames: Renames, from: Database, to: Database): void {
  const oldTableName = new Map<string, string>();
  for (const [old, name] of renames.tables) {
    const [schema, oldName] = [old.slice(0, old.indexOf('.')), old.slice(old.indexOf('.') + 1)];
    const option = `--rename table:${old}=${name}`;
    if (!table(from, schema, oldName)) throw new SchemawiseError(`${option}: <from> has no table ${old}${didYouMean(oldName, tableNames(from, schema))}`);
    if (!table(to, schema, name)) throw new SchemawiseError(`${option}: <to> has no table ${schema}.${name}${didYouMean(name, tableNames(to, schema))}`);
    if (table(from, schema, name)) throw new SchemawiseError(`${option}: <from> already has a table ${schema}.${name}`);
    if (table(to, schema, oldName)) throw new SchemawiseError(`${option}: <to> still has a table ${old}`);
    oldTableName.set(`${schema}.${name}`, oldName);
  }
  for (const [path, name] of renames.columns) {
    const [schema, tableName, oldName] = path.split('.');
    const option = `--rename column:${path}=${name}`;
    const before = table(from, schema, oldTableName.get(`${schema}.${tableName}`) ?? tableName);
    const after = table(to, schema, tableName);
    if (!after) throw new SchemawiseError(`${option}: <to> has no table ${schema}.${tableName} (name the table as <to> does)${didYouMean(tableName, tableNames(to, schema))}`);
    if (!before) throw new SchemawiseError(`${option}: <from> has no table ${schema}.${tableName}; if the table is renamed too, add --rename table:${schema}.<old>=${tableName}`);
    const columns = (t: Table) => t.columns.map((c) => c.name);
    if (!columns(before).includes(oldName)) throw new SchemawiseError(`${option}: the table in <from> has no column ${oldName}${didYouMean(oldName, columns(before))}`);
    if (!columns(after).includes(name)) throw new SchemawiseError(`${option}: ${schema}.${tableName} in <to> has no column ${name}${didYouMean(name, columns(after))}`);
    if (columns(before).includes(name)) throw new SchemawiseError(`${option}: the table in <from> already has a column ${name}`);
    if (columns(after).includes(oldName)) throw new SchemawiseError(`${option}: ${schema}.${tableName} in <to> still has a column ${oldName}`);
  }
}
