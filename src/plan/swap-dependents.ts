import { mentionsColumn } from '../lint/sql-text.js';
import { findTable } from '../lint/model-walk.js';
import { qualifiedName, quoteIdent } from '../model/quote-ident.js';
import { signatureTypes } from '../model/routine-binding.js';
import type { Column, Database, Function as Routine, QualifiedName } from '../model/types.js';
import { checkClause, createFunction, createIndex, dropFunction, exclusionClause } from '../report/ddl.js';

/** An index or constraint a type swap must drop before and create again after. */
export interface SwapDependent {
  table: QualifiedName;
  /** `index` or `constraint`, and its name: what the diff may drop or add itself. */
  kind: 'index' | 'constraint';
  name: string;
  drop: string;
  create: string;
}

/**
 * The indexes, CHECKs and exclusion constraints whose expression or predicate reads a column
 * an enum swap converts. ALTER COLUMN TYPE rebuilds them from their stored text, whose
 * constants still have the old type (`status = 'paid'::order_status_old`): no operator
 * compares the new type with the old, and the ALTER fails. Plain key columns rebuild fine.
 * Read from `db` as they stand when the swap runs.
 */
export function swapDependents(db: Database, columns: readonly { table: QualifiedName; column: Column }[]): SwapDependent[] {
  const byTable = new Map<string, { table: QualifiedName; names: string[] }>();
  for (const { table, column } of columns) {
    const k = `${table.schema}.${table.name}`;
    if (!byTable.has(k)) byTable.set(k, { table, names: [] });
    byTable.get(k)!.names.push(column.name);
  }
  const out: SwapDependent[] = [];
  for (const { table: qn, names } of byTable.values()) {
    const table = findTable(db, qn);
    if (!table) continue;
    const reads = (sql: string | null | undefined) => !!sql && names.some((n) => mentionsColumn(sql, n));
    const t = qualifiedName(qn.schema, qn.name);
    const dropConstraint = (name: string) => `ALTER TABLE ${t} DROP CONSTRAINT ${quoteIdent(name)};`;
    for (const index of table.indexes) {
      if (!reads(index.where) && !index.keys.some((k) => k.column === null && reads(k.expression))) continue;
      out.push({ table: qn, kind: 'index', name: index.name, drop: `DROP INDEX ${qualifiedName(qn.schema, index.name)};`, create: createIndex(t, index) });
    }
    for (const check of table.checks) {
      if (!reads(check.expression)) continue;
      out.push({ table: qn, kind: 'constraint', name: check.name, drop: dropConstraint(check.name), create: `ALTER TABLE ${t} ADD ${checkClause(check)}${check.notValid ? ' NOT VALID' : ''};` });
    }
    for (const x of table.exclusions) {
      const isColumn = (key: string) => table.columns.some((c) => c.name === key);
      if (!reads(x.where) && !x.elements.some((e) => !isColumn(e.key) && reads(e.key))) continue;
      out.push({ table: qn, kind: 'constraint', name: x.name, drop: dropConstraint(x.name), create: `ALTER TABLE ${t} ADD ${exclusionClause(table, x)};` });
    }
  }
  return out;
}

/**
 * The routines whose signature (parameters or result, arrays included) uses a type, spelled as
 * the model spells it. A routine's signature refers to the type itself, not its name: one that
 * an enum swap renames aside, or a domain dropped and created again, stays in use by the routine
 * and cannot be dropped. Aggregates are left out (the model keeps their signatures only).
 */
export function routinesUsingType(db: Database, spelling: string): { schema: string; routine: Routine; drop: string; create: string }[] {
  return db.schemas.flatMap((s) =>
    s.functions
      .filter((f) => f.kind !== 'aggregate' && signatureTypes(f).includes(spelling))
      .map((routine) => {
        const qn = qualifiedName(s.name, routine.name);
        return { schema: s.name, routine, drop: dropFunction(qn, routine), create: createFunction(qn, routine) };
      }),
  );
}
