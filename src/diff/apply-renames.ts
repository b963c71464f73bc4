import type { Database, QualifiedName } from '../model/types.js';
import type { Renames } from './changes.js';

/**
 * `from` with the asked renames applied (it is a private copy: mutated in place), so the
 * diff compares like with like and a renamed object shows no other change. References by
 * name follow: foreign keys, partition parents, key and index columns, view reads.
 */
export function applyRenames(db: Database, renames: Renames): Database {
  if (!renames.tables.size && !renames.columns.size) return db;
  const renameRef = (qn: QualifiedName) => {
    const name = renames.tables.get(`${qn.schema}.${qn.name}`);
    if (name !== undefined) qn.name = name;
  };
  for (const schema of db.schemas) {
    for (const table of schema.tables) {
      const name = renames.tables.get(`${schema.name}.${table.name}`);
      if (name !== undefined) table.name = name;
    }
  }
  for (const schema of db.schemas) {
    for (const table of schema.tables) {
      for (const fk of table.foreignKeys) renameRef(fk.refTable);
      if (table.partitionOf) renameRef(table.partitionOf.parent);
      for (const parent of table.inherits ?? []) renameRef(parent);
    }
    for (const view of schema.views) view.reads.forEach(renameRef);
    for (const trigger of schema.triggers) renameRef(trigger.table);
    for (const seq of schema.sequences) if (seq.ownedBy) renameRef(seq.ownedBy.table);
  }
  for (const [path, to] of renames.columns) {
    const [schemaName, tableName, from] = path.split('.');
    const rename = (names: string[]) => names.map((n) => (n === from ? to : n));
    const isTable = (qn: QualifiedName) => qn.schema === schemaName && qn.name === tableName;
    for (const schema of db.schemas) {
      for (const table of schema.tables) {
        if (schema.name === schemaName && table.name === tableName) {
          for (const c of table.columns) if (c.name === from) c.name = to;
          if (table.primaryKey) table.primaryKey.columns = rename(table.primaryKey.columns);
          for (const u of table.uniques) u.columns = rename(u.columns);
          for (const fk of table.foreignKeys) fk.columns = rename(fk.columns);
          for (const index of table.indexes) {
            for (const k of index.keys) if (k.column === from) k.column = to;
            index.columns = rename(index.columns);
            index.include = rename(index.include);
          }
        }
        for (const fk of table.foreignKeys) if (isTable(fk.refTable)) fk.refColumns = rename(fk.refColumns);
      }
      for (const seq of schema.sequences) if (seq.ownedBy && isTable(seq.ownedBy.table) && seq.ownedBy.column === from) seq.ownedBy.column = to;
    }
  }
  return db;
}
