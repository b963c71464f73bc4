import { sameExclusionShape, sameForeignKeyShape, sameIndexShape, sameUniqueShape } from '../report/ddl.js';
import type { Table } from '../model/types.js';

/**
 * What a table declares itself, without what its parents give it: a partition gets its
 * parent's columns, keys, foreign keys and index copies; an INHERITS child its parents'
 * columns and inheritable CHECKs. Those are changed on the parent, never on the child.
 */
export function ownParts(table: Table, parents: Table[]): Pick<Table, 'columns' | 'primaryKey' | 'uniques' | 'checks' | 'exclusions' | 'foreignKeys' | 'indexes'> {
  const fromParents = <T>(pick: (t: Table) => T[]) => parents.flatMap(pick);
  const inheritedChecks = fromParents((p) => p.checks.filter((c) => !c.noInherit).map((c) => c.name));
  const checks = table.checks.filter((c) => !inheritedChecks.includes(c.name));
  if (!table.partitionOf || !parents.length) {
    const parentColumns = fromParents((p) => p.columns.map((c) => c.name));
    return { ...table, columns: table.columns.filter((c) => !parentColumns.includes(c.name)), checks };
  }
  const [parent] = parents;
  return {
    columns: [],
    primaryKey: parent.primaryKey ? null : table.primaryKey,
    uniques: table.uniques.filter((u) => !parent.uniques.some((p) => sameUniqueShape(p, u))),
    checks,
    exclusions: table.exclusions.filter((x) => !parent.exclusions.some((p) => sameExclusionShape(p, x))),
    foreignKeys: table.foreignKeys.filter((fk) => !parent.foreignKeys.some((p) => p.name === fk.name || sameForeignKeyShape(p, fk))),
    indexes: table.indexes.filter((i) => !parent.indexes.some((p) => !p.only && sameIndexShape(p, i))),
  };
}
