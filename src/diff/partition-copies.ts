import { chooseName, columnsAddition } from '../load/choose-name.js';
import { parseExpression } from '../load/fold-table.js';
import { indexNameParts } from '../load/index-keys.js';
import { sameExclusionShape, sameForeignKeyShape, sameIndexShape, sameUniqueShape } from '../report/ddl.js';
import type { Index, Table } from '../model/types.js';

/**
 * What PostgreSQL gives a partition of `parent` that `child` does not have an equivalent of:
 * clones of the parent's primary key, unique and exclusion constraints, indexes (not ON ONLY)
 * and foreign keys, named as PostgreSQL names them (`child_pkey`, `child_a_b_key`,
 * `child_lower_idx`; a foreign key keeps its parent's name), and the parent's CHECKs. ATTACH
 * PARTITION creates the clones (it adopts an equivalent the table has; the CHECKs the table must
 * have already); DETACH PARTITION leaves all of them behind as the table's own. The models list clones only on the parent: `taken` says which relation names a
 * new clone cannot take.
 */
export function partitionCopies(child: Table, parent: Table, taken: (name: string) => boolean): Pick<Table, 'primaryKey' | 'uniques' | 'exclusions' | 'indexes' | 'foreignKeys' | 'checks'> {
  const chosen = new Set<string>();
  const name = (parts: string[] | null, label: string) => {
    const n = chooseName(child.name, parts && columnsAddition(parts), label, (x) => taken(x) || chosen.has(x));
    chosen.add(n);
    return n;
  };
  const primaryKey = parent.primaryKey && !child.primaryKey ? { ...structuredClone(parent.primaryKey), name: name(null, 'pkey'), span: undefined } : null;
  const uniques = parent.uniques
    .filter((u) => !child.uniques.some((own) => sameUniqueShape(own, u)))
    .map((u) => ({ ...structuredClone(u), name: name([...u.columns, ...(u.include ?? [])], 'key'), span: undefined }));
  const exclusions = parent.exclusions
    .filter((x) => !child.exclusions.some((own) => sameExclusionShape(own, x)))
    .map((x) => ({ ...structuredClone(x), name: name(x.elements.map((e) => e.key), 'excl'), span: undefined }));
  const indexes = parent.indexes
    .filter((i) => !i.only && !child.indexes.some((own) => sameIndexShape(own, i)))
    .map((i) => ({ ...structuredClone(i), name: name([...keyNameParts(i.keys), ...i.include], 'idx'), span: undefined }));
  const foreignKeys = parent.foreignKeys.filter((fk) => !child.foreignKeys.some((own) => own.name === fk.name || sameForeignKeyShape(own, fk))).map((fk) => ({ ...structuredClone(fk), span: undefined }));
  const checks = parent.checks.filter((c) => !c.noInherit && !child.checks.some((own) => own.name === c.name)).map((c) => ({ ...structuredClone(c), span: undefined }));
  return { primaryKey, uniques, exclusions, indexes, foreignKeys, checks };
}

/** The name parts PostgreSQL would use for an index with these keys (`lower` for lower(email)). */
function keyNameParts(keys: Index['keys']): string[] {
  return indexNameParts(keys.map((k) => (k.column !== null ? { name: k.column } : { expr: parseExpression(k.expression ?? '') })));
}
