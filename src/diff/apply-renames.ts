import type { Database, QualifiedName, Table } from '../model/types.js';
import { renameColumnInExpression } from './rename-references.js';
import type { Renames } from './changes.js';

/**
 * `from` with the asked renames applied (it is a private copy: mutated in place), so the
 * diff compares like with like and a renamed object shows no other change. References by
 * name follow: foreign keys, partition parents, key and index columns, view reads, and the
 * texts PostgreSQL prints with the new name (see rename-references.ts).
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
          renameInExpressions(table, from, to);
        }
        for (const fk of table.foreignKeys) if (isTable(fk.refTable)) fk.refColumns = rename(fk.refColumns);
      }
      for (const seq of schema.sequences) if (seq.ownedBy && isTable(seq.ownedBy.table) && seq.ownedBy.column === from) seq.ownedBy.column = to;
      for (const trigger of schema.triggers) {
        if (!isTable(trigger.table)) continue;
        if (trigger.columns) trigger.columns = rename(trigger.columns);
        if (trigger.when !== undefined) trigger.when = renameColumnInExpression(trigger.when, from, to, ['old', 'new']);
      }
    }
  }
  return db;
}

/** The expressions of a table that name its renamed column: CHECKs, exclusions, index keys and predicates, defaults, generation, partition keys. */
function renameInExpressions(table: Table, from: string, to: string): void {
  const rename = (sql: string) => renameColumnInExpression(sql, from, to, [table.name]);
  for (const c of table.checks) c.expression = rename(c.expression);
  for (const x of table.exclusions) {
    for (const e of x.elements) e.key = rename(e.key);
    if (x.where !== null) x.where = rename(x.where);
  }
  for (const index of table.indexes) {
    for (const k of index.keys) if (k.expression !== null) k.expression = rename(k.expression);
    index.columns = index.keys.map((k) => k.column ?? k.expression ?? '');
    if (index.where !== null) index.where = rename(index.where);
  }
  for (const c of table.columns) {
    if (c.default !== null) c.default = rename(c.default);
    if (c.generated !== undefined) c.generated = rename(c.generated);
  }
  if (table.partitioning) table.partitioning.keys = table.partitioning.keys.map((k) => (k === from ? to : rename(k)));
}
