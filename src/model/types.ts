/**
 * The schema model: plain, JSON-serialisable data shared by every lens.
 *
 * Objects refer to each other by qualified name (`{ schema, name }`), never by pointer.
 * Types are spelled as PostgreSQL's `format_type()` spells them (`integer`,
 * `character varying(255)`, `timestamp with time zone`, `text[]`); a type outside
 * `pg_catalog` and `public` is schema-qualified (`sales.status`).
 * Expressions (defaults, CHECKs, index predicates) are SQL text; two models built from
 * different sources spell them differently, so comparisons go through `normalizeExpression`.
 * Every array is sorted by name when a model is finished (columns keep ordinal order), so a
 * snapshot is stable.
 */

export const SNAPSHOT_VERSION = 1 as const;

export interface Span {
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column, counted in characters (code points), not bytes. */
  column: number;
}

export interface QualifiedName {
  schema: string;
  name: string;
}

export type ReferentialAction = 'no action' | 'restrict' | 'cascade' | 'set null' | 'set default';

export interface Column {
  name: string;
  type: string;
  notNull: boolean;
  default: string | null;
  /** GENERATED { ALWAYS | BY DEFAULT } AS IDENTITY */
  identity?: 'always' | 'by default';
  /** GENERATED ALWAYS AS (expr) STORED|VIRTUAL: the expression. */
  generated?: string;
  collation?: string;
  comment?: string;
  span?: Span;
}

export interface PrimaryKey {
  name: string;
  columns: string[];
  /** INCLUDE columns of its index (PostgreSQL 11+), when there are any. */
  include?: string[];
  span?: Span;
}

export interface UniqueConstraint {
  name: string;
  columns: string[];
  /** INCLUDE columns of its index (PostgreSQL 11+), when there are any. */
  include?: string[];
  nullsNotDistinct: boolean;
  deferrable?: boolean;
  initiallyDeferred?: boolean;
  span?: Span;
}

export interface CheckConstraint {
  name: string;
  expression: string;
  notValid?: boolean;
  noInherit?: boolean;
  span?: Span;
}

export interface ForeignKey {
  name: string;
  columns: string[];
  refTable: QualifiedName;
  refColumns: string[];
  onDelete: ReferentialAction;
  onUpdate: ReferentialAction;
  match?: 'full' | 'partial' | 'simple';
  deferrable?: boolean;
  initiallyDeferred?: boolean;
  notValid?: boolean;
  span?: Span;
}

export interface ExclusionConstraint {
  name: string;
  method: string;
  /** `element WITH operator`, e.g. `room WITH =`, `during WITH &&`. */
  elements: { key: string; operator: string }[];
  where: string | null;
  span?: Span;
}

export interface IndexKey {
  /** The column name, or null for an expression key. */
  column: string | null;
  /** The expression, for an expression key. */
  expression: string | null;
  order?: 'desc';
  nulls?: 'first' | 'last';
  opclass?: string;
  collation?: string;
}

export interface Index {
  name: string;
  unique: boolean;
  method: string;
  /** One entry per key: the column name, or the expression text. */
  columns: string[];
  keys: IndexKey[];
  where: string | null;
  include: string[];
  nullsNotDistinct?: boolean;
  /** CREATE INDEX ... ON ONLY parent (partitioned tables). */
  only?: boolean;
  span?: Span;
  stats?: IndexStats;
}

export interface Partitioning {
  strategy: 'range' | 'list' | 'hash';
  /** Partition key elements: column names or expressions. */
  keys: string[];
}

export interface PartitionOf {
  parent: QualifiedName;
  /** `FOR VALUES ...` or `DEFAULT`. */
  bound: string;
}

export interface TableStats {
  rows?: number;
  bytes?: number;
  seqScan?: number;
  idxScan?: number;
  deadRows?: number;
  lastAnalyze?: string | null;
  lastVacuum?: string | null;
}

export interface IndexStats {
  bytes?: number;
  scans?: number;
  /** Left invalid by a failed CREATE INDEX CONCURRENTLY: writes maintain it, the planner never uses it. */
  invalid?: true;
}

export interface Table {
  name: string;
  columns: Column[];
  primaryKey: PrimaryKey | null;
  uniques: UniqueConstraint[];
  checks: CheckConstraint[];
  exclusions: ExclusionConstraint[];
  foreignKeys: ForeignKey[];
  indexes: Index[];
  partitioning?: Partitioning;
  partitionOf?: PartitionOf;
  inherits?: QualifiedName[];
  unlogged?: boolean;
  comment?: string;
  span?: Span;
  stats?: TableStats;
}

export interface Enum {
  name: string;
  values: string[];
  comment?: string;
  span?: Span;
}

export interface Domain {
  name: string;
  type: string;
  notNull: boolean;
  default: string | null;
  checks: { name: string; expression: string }[];
  span?: Span;
}

export interface CompositeType {
  name: string;
  attributes: { name: string; type: string }[];
  span?: Span;
}

export interface Sequence {
  name: string;
  /** `smallint` | `integer` | `bigint` */
  type: string;
  /** The column that owns it (serial, OWNED BY), if any. */
  ownedBy?: { table: QualifiedName; column: string };
  span?: Span;
}

export interface View {
  name: string;
  materialized: boolean;
  definition: string;
  /** Tables and views the definition reads, qualified. */
  reads: QualifiedName[];
  comment?: string;
  span?: Span;
}

/** A parameter of a function or procedure, as declared. */
export interface FunctionParameter {
  /** Absent for an unnamed parameter. */
  name?: string;
  /** Absent for IN, the default. */
  mode?: 'out' | 'inout' | 'variadic';
  /** The type as `format_type` spells it; PostgreSQL drops a parameter type's modifiers (`varchar(20)` is `character varying`). */
  type: string;
  /** The DEFAULT expression. */
  default?: string;
}

/**
 * A function, procedure or aggregate. `name` and `arguments` identify it (overloads differ by
 * argument types). Functions and procedures also carry what re-creating and comparing them
 * needs; those fields are absent for aggregates (listed, never planned) and in snapshots
 * written before they existed. Flags equal to PostgreSQL's defaults are left out, as
 * `pg_get_functiondef` leaves them out.
 */
export interface Function {
  name: string;
  /** Argument types as `format_type` spells them, comma-separated: `integer, text`. */
  arguments: string;
  /** The result type: `integer`, `SETOF orders`, `TABLE(id integer, total numeric)`, `''` for a procedure. */
  returns: string;
  language: string;
  kind: 'function' | 'procedure' | 'aggregate';
  /** Every parameter but the columns of RETURNS TABLE (those are in `returns`). */
  parameters?: FunctionParameter[];
  /**
   * The body: the text between the quotes of `AS '...'` (pg_proc.prosrc), a C function's link
   * symbol, or a SQL-standard body (`RETURN ...`, `BEGIN ATOMIC ... END`) as SQL.
   */
  body?: string;
  /** The body is SQL-standard: PostgreSQL parses it and binds the objects it names when the function is created. */
  sqlStandardBody?: boolean;
  /** A C function's object file (`AS 'obj_file', 'link_symbol'`). */
  library?: string;
  /** VOLATILE is the default. */
  volatility?: 'immutable' | 'stable';
  strict?: boolean;
  securityDefiner?: boolean;
  leakproof?: boolean;
  /** PARALLEL UNSAFE is the default. */
  parallel?: 'safe' | 'restricted';
  window?: boolean;
  /** COST, when not the default (1 for C and internal functions, 100 for others). */
  cost?: number;
  /** ROWS of a set-returning function, when not the default 1000. */
  rows?: number;
  /** SET clauses in order, each as `name TO 'value', ...`. */
  config?: string[];
  span?: Span;
}

export interface Trigger {
  name: string;
  table: QualifiedName;
  function: QualifiedName;
  timing: 'before' | 'after' | 'instead of';
  events: ('insert' | 'update' | 'delete' | 'truncate')[];
  forEach: 'row' | 'statement';
  /** `UPDATE OF` columns, when given. */
  columns?: string[];
  /** The WHEN condition. */
  when?: string;
  /** The arguments passed to the function (TG_ARGV): PostgreSQL keeps them as strings. */
  arguments?: string[];
  /** REFERENCING OLD TABLE AS ...: the transition table's name. */
  oldTable?: string;
  /** REFERENCING NEW TABLE AS ... */
  newTable?: string;
  /** CREATE CONSTRAINT TRIGGER. */
  constraint?: boolean;
  deferrable?: boolean;
  initiallyDeferred?: boolean;
  /** A constraint trigger's FROM table (the other table of the constraint it implements). */
  from?: QualifiedName;
  span?: Span;
}

export interface Schema {
  name: string;
  tables: Table[];
  views: View[];
  enums: Enum[];
  domains: Domain[];
  compositeTypes: CompositeType[];
  sequences: Sequence[];
  functions: Function[];
  triggers: Trigger[];
  comment?: string;
}

export interface Extension {
  name: string;
  schema: string;
}

/** The model, also the versioned JSON snapshot (`schemawise inspect --format json`). */
export interface Database {
  version: typeof SNAPSHOT_VERSION;
  schemas: Schema[];
  extensions: Extension[];
}
