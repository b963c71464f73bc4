import type {
  CheckConstraint,
  Column,
  CompositeType,
  Database,
  Domain,
  Enum,
  ExclusionConstraint,
  Extension,
  ForeignKey,
  Function,
  Index,
  PrimaryKey,
  QualifiedName,
  Sequence,
  Table,
  Trigger,
  UniqueConstraint,
  View,
} from '../model/types.js';

/**
 * What differs between two models, as typed changes: pure data, no SQL. `plan/` turns them
 * into ordered statements. Objects carry their whole definition (from `to` when created, from
 * `from` when dropped) so a change can be planned — and reversed — without the models.
 */
export type Constraint =
  | { type: 'primary-key'; value: PrimaryKey }
  | { type: 'unique'; value: UniqueConstraint }
  | { type: 'check'; value: CheckConstraint }
  | { type: 'exclusion'; value: ExclusionConstraint }
  | { type: 'foreign-key'; value: ForeignKey };

export type ColumnAspect = 'type' | 'default' | 'notNull' | 'identity' | 'generated' | 'collation';

export type Change =
  | { kind: 'create-schema'; schema: string }
  | { kind: 'drop-schema'; schema: string }
  | { kind: 'create-extension'; extension: Extension }
  | { kind: 'drop-extension'; extension: Extension }
  | { kind: 'create-enum'; schema: string; enum: Enum }
  | { kind: 'drop-enum'; schema: string; enum: Enum }
  /**
   * ALTER TYPE … ADD VALUE, in place: the new value's neighbour keeps the order. PostgreSQL has
   * no DROP VALUE, so the way back is a type swap to `previous` over `columns`.
   */
  | { kind: 'add-enum-value'; schema: string; enum: string; value: string; before?: string; after?: string; previous: Enum; columns: { table: QualifiedName; column: Column }[] }
  /** Values removed or reordered: PostgreSQL cannot do that in place, the type is swapped. */
  | { kind: 'replace-enum'; schema: string; from: Enum; to: Enum; columns: { table: QualifiedName; column: Column }[]; fromColumns: { table: QualifiedName; column: Column }[] }
  | { kind: 'create-domain'; schema: string; domain: Domain }
  | { kind: 'drop-domain'; schema: string; domain: Domain }
  | { kind: 'alter-domain'; schema: string; from: Domain; to: Domain }
  | { kind: 'create-composite'; schema: string; type: CompositeType }
  | { kind: 'drop-composite'; schema: string; type: CompositeType }
  | { kind: 'create-sequence'; schema: string; sequence: Sequence }
  | { kind: 'drop-sequence'; schema: string; sequence: Sequence }
  | { kind: 'alter-sequence'; schema: string; from: Sequence; to: Sequence }
  | { kind: 'create-table'; schema: string; table: Table }
  | { kind: 'drop-table'; schema: string; table: Table }
  | { kind: 'rename-table'; schema: string; from: string; to: string }
  | { kind: 'set-unlogged'; table: QualifiedName; unlogged: boolean }
  | { kind: 'add-column'; table: QualifiedName; column: Column }
  | { kind: 'drop-column'; table: QualifiedName; column: Column }
  | { kind: 'alter-column'; table: QualifiedName; from: Column; to: Column; changed: ColumnAspect[] }
  | { kind: 'rename-column'; table: QualifiedName; from: string; to: string }
  | { kind: 'rename-constraint'; table: QualifiedName; constraintType: Constraint['type']; from: string; to: string }
  | { kind: 'add-constraint'; table: QualifiedName; constraint: Constraint }
  | { kind: 'drop-constraint'; table: QualifiedName; constraint: Constraint }
  | { kind: 'add-index'; table: QualifiedName; index: Index }
  | { kind: 'drop-index'; table: QualifiedName; index: Index }
  /**
   * `created`: the clones of the parent's keys, foreign keys and indexes ATTACH creates (it
   * adopts the table's equivalents); DETACH leaves them, so the way back drops them.
   */
  | { kind: 'attach-partition'; table: QualifiedName; parent: QualifiedName; bound: string; created?: { constraints: string[]; indexes: string[] } }
  | { kind: 'detach-partition'; table: QualifiedName; parent: QualifiedName; bound: string }
  | { kind: 'create-view'; schema: string; view: View }
  | { kind: 'drop-view'; schema: string; view: View }
  | { kind: 'create-function'; schema: string; function: Function }
  | { kind: 'drop-function'; schema: string; function: Function }
  /** CREATE OR REPLACE: the result, the parameters' names, modes and defaults and the kind are unchanged. */
  | { kind: 'replace-function'; schema: string; from: Function; to: Function }
  | { kind: 'create-trigger'; schema: string; trigger: Trigger }
  | { kind: 'drop-trigger'; schema: string; trigger: Trigger }
  | { kind: 'set-comment'; target: CommentTarget; from?: string; to?: string };

export type CommentTarget =
  | { type: 'schema'; schema: string }
  | { type: 'table'; table: QualifiedName }
  | { type: 'column'; table: QualifiedName; column: string }
  | { type: 'view'; view: QualifiedName; materialized: boolean }
  | { type: 'enum'; enum: QualifiedName };

/** A drop and an add that look like one object renamed: suggested, never applied silently. */
export interface RenameSuggestion {
  kind: 'table' | 'column';
  table?: QualifiedName;
  from: string;
  to: string;
  /** The `--rename` argument that applies it. */
  option: string;
}

export interface Renames {
  /** `schema.old` → new name (same schema). */
  tables: Map<string, string>;
  /** `schema.table.old` → new name; the table is named as in `to`. */
  columns: Map<string, string>;
}

export interface DiffResult {
  changes: Change[];
  suggestions: RenameSuggestion[];
  /** What the models hold that the diff does not turn into changes (aggregates, which the model keeps as signatures). */
  notes: string[];
  /** The models compared: normalised, `from` with the renames applied. The planner reads parents and owners there. */
  from: Database;
  to: Database;
}
