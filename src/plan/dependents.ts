import type { Change } from '../diff/changes.js';
import { mentionsColumn } from '../lint/sql-text.js';
import { findTable } from '../lint/model-walk.js';
import { qualifiedName, quoteIdent } from '../model/quote-ident.js';
import type { Database, QualifiedName, Trigger } from '../model/types.js';
import { checkClause, createIndex, createTrigger, exclusionClause, foreignKeyClause, primaryKeyClause, uniqueClause } from '../report/ddl.js';

/**
 * An object PostgreSQL drops along with a column (indexes and table constraints) or refuses to
 * drop it for (foreign keys of other tables, triggers naming it), as the statements that drop
 * and re-create it. `rank` orders the drops (lowest first; re-creation runs in the opposite
 * order): foreign keys go before the keys they reference, constraints before their indexes.
 */
export interface Dependent {
  /** Identifies the object across two models and against the changes of a plan. */
  key: string;
  drop: string;
  create: string;
  /** The table the statements lock. */
  table: QualifiedName;
  rank: number;
}

const tableKey = (qn: QualifiedName) => `${qn.schema}.${qn.name}`;
const constraintKey = (qn: QualifiedName, name: string) => `constraint:${tableKey(qn)}.${name}`;
const indexKey = (qn: QualifiedName, name: string) => `index:${qn.schema}.${name}`;
const triggerKey = (t: Trigger) => `trigger:${tableKey(t.table)}.${t.name}`;

/** The dependents of `table.column` in `db`. */
export function columnDependents(db: Database, qn: QualifiedName, column: string): Dependent[] {
  const table = findTable(db, qn);
  if (!table) return [];
  const t = qualifiedName(qn.schema, qn.name);
  const names = (cols: readonly string[] | undefined) => (cols ?? []).includes(column);
  const mentions = (sql: string | null | undefined) => sql !== null && sql !== undefined && mentionsColumn(sql, column);
  const out: Dependent[] = [];
  const constraint = (name: string, clause: string, rank: number) =>
    out.push({ key: constraintKey(qn, name), drop: `ALTER TABLE ${t} DROP CONSTRAINT ${quoteIdent(name)};`, create: `ALTER TABLE ${t} ADD ${clause};`, table: qn, rank });

  for (const s of db.schemas) {
    for (const other of s.tables) {
      const at = { schema: s.name, name: other.name };
      for (const fk of other.foreignKeys) {
        if (tableKey(fk.refTable) !== tableKey(qn) || !names(fk.refColumns) || (tableKey(at) === tableKey(qn) && names(fk.columns))) continue;
        out.push({ key: constraintKey(at, fk.name), drop: `ALTER TABLE ${qualifiedName(s.name, other.name)} DROP CONSTRAINT ${quoteIdent(fk.name)};`, create: `ALTER TABLE ${qualifiedName(s.name, other.name)} ADD ${foreignKeyClause(fk)};`, table: at, rank: 0 });
      }
    }
    for (const trigger of s.triggers) {
      if (tableKey(trigger.table) !== tableKey(qn) || !(names(trigger.columns) || mentionsTriggerColumn(trigger.when, column))) continue;
      out.push({ key: triggerKey(trigger), drop: `DROP TRIGGER ${quoteIdent(trigger.name)} ON ${t};`, create: createTrigger(trigger), table: qn, rank: 1 });
    }
  }
  for (const fk of table.foreignKeys) if (names(fk.columns)) constraint(fk.name, foreignKeyClause(fk), 2);
  for (const c of table.checks) if (mentions(c.expression)) constraint(c.name, `${checkClause(c)}${c.notValid ? ' NOT VALID' : ''}`, 3);
  for (const x of table.exclusions) if (x.elements.some((e) => mentions(e.key)) || mentions(x.where)) constraint(x.name, exclusionClause(table, x), 3);
  for (const u of table.uniques) if (names(u.columns) || names(u.include)) constraint(u.name, uniqueClause(u), 4);
  if (table.primaryKey && (names(table.primaryKey.columns) || names(table.primaryKey.include))) constraint(table.primaryKey.name, primaryKeyClause(table.primaryKey), 5);
  for (const index of table.indexes) {
    if (!index.keys.some((k) => k.column === column || mentions(k.expression)) && !names(index.include) && !mentions(index.where)) continue;
    out.push({ key: indexKey(qn, index.name), drop: `DROP INDEX ${qualifiedName(qn.schema, index.name)};`, create: createIndex(t, index), table: qn, rank: 6 });
  }
  return out;
}

/** A trigger's WHEN names columns as `OLD.x` and `NEW.x`. */
function mentionsTriggerColumn(when: string | undefined, column: string): boolean {
  if (when === undefined) return false;
  return mentionsColumn(when.replace(/\b(old|new)\s*\.\s*/gi, ' '), column);
}

/** The objects a plan drops, adds or renames itself: their statements are planned there, not around a dependency. */
export function touchedByChanges(changes: readonly Change[]): Set<string> {
  const keys = new Set<string>();
  for (const c of changes) {
    if (c.kind === 'add-index' || c.kind === 'drop-index') keys.add(indexKey(c.table, c.index.name));
    if (c.kind === 'add-constraint' || c.kind === 'drop-constraint') keys.add(constraintKey(c.table, c.constraint.value.name));
    if (c.kind === 'rename-constraint') keys.add(constraintKey(c.table, c.from)).add(constraintKey(c.table, c.to));
    if (c.kind === 'create-trigger' || c.kind === 'drop-trigger') keys.add(triggerKey(c.trigger));
    if (c.kind === 'drop-table') for (const fk of c.table.foreignKeys) keys.add(constraintKey({ schema: c.schema, name: c.table.name }, fk.name));
  }
  return keys;
}

/**
 * The dependents that stay as they are across a plan: in both models, not planned by a change
 * of their own. Each with `from`'s statements (dropped before, re-created by the down file) and
 * `to`'s (re-created after, dropped by the down file), drops in order.
 */
export function unchangedDependents(before: Dependent[], after: Dependent[], touched: ReadonlySet<string>): { from: Dependent; to: Dependent }[] {
  const now = new Map(after.map((d) => [d.key, d]));
  return before
    .filter((d) => now.has(d.key) && !touched.has(d.key))
    .sort((a, b) => a.rank - b.rank)
    .map((d) => ({ from: d, to: now.get(d.key)! }));
}
