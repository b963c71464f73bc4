import { byQualifiedName, sortModel } from '../model/sort-model.js';
import { routineFromStatement, triggerFromStatement } from '../load/fold-routines.js';
import { quoteIdent } from '../model/quote-ident.js';
import { collationFromNames, collationName } from '../model/collation.js';
import { emptyDatabase, emptySchema, emptyTable } from '../model/empty.js';
import type {
  Column,
  Database,
  Function as Routine,
  Index,
  IndexKey,
  IndexStats,
  QualifiedName,
  ReferentialAction,
  Schema,
  Table,
  TableStats,
  Trigger,
} from '../model/types.js';
import { loadModule, parseSync, type IndexElem, type Node } from 'libpg-query';
import type { Engine } from './engine.js';

export interface IntrospectOptions {
  /** Only these schemas (default: every user schema). */
  schemas?: string[];
}

/**
 * The model of the database behind `engine`, read from `pg_catalog` in one read-only
 * transaction that is rolled back. The same SQL serves PGlite (PostgreSQL 18) and servers
 * from PostgreSQL 15; version differences are guarded in the SQL. Schemas the role has no
 * USAGE on are skipped and named in `notes`. Call it outside a transaction.
 */
export async function introspect(engine: Engine, options: IntrospectOptions = {}): Promise<{ database: Database; notes: string[] }> {
  await loadModule();
  await engine.exec(
    // format_type, pg_get_expr and pg_get_viewdef qualify only what the search_path does
    // not reach: with this one, pg_catalog and public names print bare, as the model wants.
    // Constants (partition bounds, defaults) print in the session's TimeZone and DateStyle:
    // fixed, so two databases with the same DDL print the same text.
    `BEGIN READ ONLY; SET LOCAL statement_timeout = '30s'; SET LOCAL search_path = pg_catalog, public;
     SET LOCAL TimeZone = 'UTC'; SET LOCAL DateStyle = 'ISO, YMD'`,
  );
  try {
    return await readCatalog(engine, options);
  } finally {
    await engine.exec('ROLLBACK');
  }
}

async function readCatalog(engine: Engine, options: IntrospectOptions): Promise<{ database: Database; notes: string[] }> {
  const notes: string[] = [];
  const [{ version }] = await engine.query<{ version: number }>(`SELECT current_setting('server_version_num')::int4 AS version`);
  const schemaRows = await engine.query<SchemaRow>(SCHEMAS);
  const wanted = options.schemas ? new Set(options.schemas) : null;
  if (wanted) {
    const missing = [...wanted].filter((name) => !schemaRows.some((r) => r.name === name));
    if (missing.length > 0) notes.push(`schema ${missing.map((s) => `"${s}"`).join(', ')} not found`);
  }
  const selected = schemaRows.filter((r) => !wanted || wanted.has(r.name));
  const unreadable = selected.filter((r) => !r.usable).map((r) => r.name);
  if (unreadable.length > 0) {
    notes.push(
      `schema ${unreadable.map((s) => `"${s}"`).join(', ')} skipped: the role has no USAGE privilege on ${unreadable.length === 1 ? 'it' : 'them'}`,
    );
  }
  const readable = selected.filter((r) => r.usable);
  const database = emptyDatabase();
  const schemas = new Map<string, Schema>();
  for (const row of readable) {
    const schema = emptySchema(row.name);
    // initdb's comment on public says nothing about the user's design.
    if (row.comment !== null && !(row.name === 'public' && row.comment === 'standard public schema')) schema.comment = row.comment;
    schemas.set(row.name, schema);
    database.schemas.push(schema);
  }
  const params = [JSON.stringify(readable.map((r) => r.name))];
  const q = <T>(sql: string) => engine.query<T>(sql, params);

  const tables = new Map<string, Table>();
  for (const row of await q<TableRow>(TABLES)) {
    const table = tableFrom(row);
    tables.set(key(row.schema, row.name), table);
    schemas.get(row.schema)!.tables.push(table);
  }
  for (const row of await q<ColumnRow>(COLUMNS)) tables.get(key(row.schema, row.table))!.columns.push(columnFrom(row));
  for (const row of await q<ConstraintRow>(constraintsSql(version))) addConstraint(tables.get(key(row.schema, row.table))!, row);
  for (const row of await q<IndexRow>(indexesSql(version))) tables.get(key(row.schema, row.table))!.indexes.push(indexFrom(row, notes));

  for (const row of await q<EnumRow>(ENUMS)) {
    schemas.get(row.schema)!.enums.push({ name: row.name, values: row.values, ...(row.comment !== null && { comment: row.comment }) });
  }
  for (const row of await q<DomainRow>(DOMAINS)) {
    schemas.get(row.schema)!.domains.push({
      name: row.name,
      type: row.type,
      notNull: row.not_null,
      default: row.default_expr,
      checks: row.checks ?? [],
    });
  }
  for (const row of await q<CompositeRow>(COMPOSITES)) {
    schemas.get(row.schema)!.compositeTypes.push({ name: row.name, attributes: row.attributes });
  }
  for (const row of await q<SequenceRow>(SEQUENCES)) {
    schemas.get(row.schema)!.sequences.push({
      name: row.name,
      type: row.type,
      ...(row.owner_table !== null && {
        ownedBy: { table: { schema: row.owner_schema!, name: row.owner_table }, column: row.owner_column! },
      }),
    });
  }
  for (const row of await q<ViewRow>(VIEWS)) {
    schemas.get(row.schema)!.views.push({
      name: row.name,
      materialized: row.materialized,
      definition: row.definition,
      // Rebuilt: jsonb orders an object's keys its own way.
      reads: (row.reads ?? []).map((r) => ({ schema: r.schema, name: r.name })).sort(byQualifiedName),
      ...(row.comment !== null && { comment: row.comment }),
    });
  }
  for (const row of await q<FunctionRow>(FUNCTIONS)) schemas.get(row.schema)!.functions.push(functionFrom(row));
  for (const row of await q<TriggerRow>(TRIGGERS)) schemas.get(row.schema)!.triggers.push(triggerFrom(row));
  database.extensions = await engine.query<{ name: string; schema: string }>(EXTENSIONS);

  sortModel(database);
  return { database, notes };
}

// ---------------------------------------------------------------------------------------
// SQL. `$1` is a JSON array of the schemas to read.

const IN_SCHEMAS = `n.nspname IN (SELECT json_array_elements_text($1::json))`;

/** Objects created by an extension belong to it, not to the user's schema. */
function notFromExtension(catalog: string, oid: string): string {
  return `NOT EXISTS (SELECT FROM pg_depend e WHERE e.classid = '${catalog}'::regclass AND e.objid = ${oid} AND e.deptype = 'e')`;
}

interface SchemaRow {
  name: string;
  usable: boolean;
  comment: string | null;
}

// pg_toast*, pg_temp_* and pg_catalog all start with pg_, a prefix users cannot create.
const SCHEMAS = `
SELECT n.nspname AS name, has_schema_privilege(n.oid, 'USAGE') AS usable, obj_description(n.oid, 'pg_namespace') AS comment
FROM pg_namespace n
WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' AND ${notFromExtension('pg_namespace', 'n.oid')}`;

interface TableRow {
  schema: string;
  name: string;
  unlogged: boolean;
  comment: string | null;
  strategy: 'r' | 'l' | 'h' | null;
  partition_key: string | null;
  partition_columns: string[] | null;
  bound: string | null;
  parents: QualifiedName[] | null;
  is_partition: boolean;
  reltuples: number;
  bytes: number;
  has_stats: boolean;
  seq_scan: number | null;
  idx_scan: number | null;
  dead_rows: number | null;
  last_analyze: number | null;
  last_vacuum: number | null;
}

// Numbers are cast to float8 and times to epochs: both drivers return those as JS numbers.
const TABLES = `
SELECT n.nspname AS schema, c.relname AS name, c.relpersistence = 'u' AS unlogged,
  obj_description(c.oid, 'pg_class') AS comment,
  pt.partstrat::text AS strategy,
  pg_get_partkeydef(c.oid) AS partition_key,
  CASE WHEN pt.partrelid IS NOT NULL THEN ARRAY(
    SELECT coalesce(a.attname::text, '') FROM unnest(pt.partattrs::int2[]) WITH ORDINALITY k(attnum, i)
    LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum ORDER BY k.i) END AS partition_columns,
  c.relispartition AS is_partition,
  CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid, true) END AS bound,
  (SELECT json_agg(json_build_object('schema', pn.nspname, 'name', p.relname) ORDER BY i.inhseqno)
     FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace
    WHERE i.inhrelid = c.oid) AS parents,
  c.reltuples::float8 AS reltuples,
  pg_total_relation_size(c.oid)::float8 AS bytes,
  s.relid IS NOT NULL AS has_stats,
  s.seq_scan::float8 AS seq_scan, s.idx_scan::float8 AS idx_scan, s.n_dead_tup::float8 AS dead_rows,
  extract(epoch FROM greatest(s.last_analyze, s.last_autoanalyze))::float8 AS last_analyze,
  extract(epoch FROM greatest(s.last_vacuum, s.last_autovacuum))::float8 AS last_vacuum
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_partitioned_table pt ON pt.partrelid = c.oid
LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid
WHERE c.relkind IN ('r', 'p') AND ${IN_SCHEMAS} AND ${notFromExtension('pg_class', 'c.oid')}`;

interface ColumnRow {
  schema: string;
  table: string;
  name: string;
  type: string;
  not_null: boolean;
  default_expr: string | null;
  identity: '' | 'a' | 'd';
  generated: '' | 's' | 'v';
  collation: string | null;
  collation_schema: string | null;
  comment: string | null;
}

const COLUMNS = `
SELECT n.nspname AS schema, c.relname AS table, a.attname AS name,
  format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
  pg_get_expr(d.adbin, d.adrelid, true) AS default_expr,
  a.attidentity::text AS identity, a.attgenerated::text AS generated,
  CASE WHEN a.attcollation <> t.typcollation THEN co.collname::text END AS collation, cn.nspname AS collation_schema,
  col_description(c.oid, a.attnum) AS comment
FROM pg_attribute a
JOIN pg_class c ON c.oid = a.attrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_collation co ON co.oid = a.attcollation
LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
WHERE c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND ${IN_SCHEMAS} AND ${notFromExtension('pg_class', 'c.oid')}
ORDER BY n.nspname, c.relname, a.attnum`;

interface ConstraintRow {
  schema: string;
  table: string;
  name: string;
  type: 'p' | 'u' | 'c' | 'f' | 'x';
  columns: string[];
  ref_schema: string | null;
  ref_table: string | null;
  ref_columns: string[];
  on_update: string;
  on_delete: string;
  match: 'f' | 'p' | 's';
  deferrable: boolean;
  deferred: boolean;
  validated: boolean;
  no_inherit: boolean;
  check_expr: string | null;
  nulls_not_distinct: boolean | null;
  method: string | null;
  index_where: string | null;
  include: string[];
  exclusion_keys: string[] | null;
  exclusion_operators: string[] | null;
}

/**
 * PostgreSQL 18 also records NOT NULL as constraints (contype 'n'): columns carry those.
 * A partition's copies of its parent's constraints (conparentid, or inherited CHECKs) and
 * the per-partition FKs made for a partitioned referenced table are the parent's, not its own.
 */
function constraintsSql(version: number): string {
  return `
SELECT n.nspname AS schema, c.relname AS table, con.conname AS name, con.contype::text AS type,
  ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(attnum, i)
        JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.i) AS columns,
  rn.nspname AS ref_schema, rc.relname AS ref_table,
  ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(attnum, i)
        JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.i) AS ref_columns,
  con.confupdtype::text AS on_update, con.confdeltype::text AS on_delete, con.confmatchtype::text AS match,
  con.condeferrable AS deferrable, con.condeferred AS deferred, con.convalidated AS validated, con.connoinherit AS no_inherit,
  pg_get_expr(con.conbin, con.conrelid, true) AS check_expr,
  ${version >= 150000 ? 'ix.indnullsnotdistinct' : 'false'} AS nulls_not_distinct,
  am.amname AS method,
  pg_get_expr(ix.indpred, ix.indrelid, true) AS index_where,
  ARRAY(SELECT a.attname::text FROM unnest(ix.indkey::int2[]) WITH ORDINALITY k(attnum, i)
        JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum
        WHERE k.i > ix.indnkeyatts ORDER BY k.i) AS include,
  CASE WHEN con.contype = 'x' THEN ARRAY(
    SELECT pg_get_indexdef(con.conindid, k.i::int4, true) FROM unnest(con.conexclop) WITH ORDINALITY k(op, i) ORDER BY k.i) END AS exclusion_keys,
  CASE WHEN con.contype = 'x' THEN ARRAY(
    SELECT o.oprname::text FROM unnest(con.conexclop) WITH ORDINALITY k(op, i) JOIN pg_operator o ON o.oid = k.op ORDER BY k.i) END AS exclusion_operators
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_class rc ON rc.oid = con.confrelid
LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
LEFT JOIN pg_index ix ON ix.indexrelid = con.conindid AND con.contype IN ('p', 'u', 'x')
LEFT JOIN pg_class ic ON ic.oid = ix.indexrelid
LEFT JOIN pg_am am ON am.oid = ic.relam
WHERE con.contype IN ('p', 'u', 'c', 'f', 'x') AND con.conparentid = 0 AND con.conislocal
  AND c.relkind IN ('r', 'p') AND ${IN_SCHEMAS} AND ${notFromExtension('pg_class', 'c.oid')}`;
}

interface IndexKeyRow {
  column: string | null;
  definition: string;
  option: number | null;
  included: boolean;
}

interface IndexRow {
  schema: string;
  table: string;
  name: string;
  definition: string;
  unique: boolean;
  method: string;
  can_order: boolean;
  where_expr: string | null;
  nulls_not_distinct: boolean;
  only: boolean;
  invalid: boolean;
  keys: IndexKeyRow[];
  bytes: number;
  scans: number | null;
}

/**
 * Indexes that back a PRIMARY KEY, UNIQUE or EXCLUDE constraint are the constraint's
 * (an FK's conindid names the referenced table's index, hence the conrelid test).
 * An index attached to a partitioned parent's index is the parent's.
 * indoption covers key columns only: INCLUDE columns get NULL.
 */
function indexesSql(version: number): string {
  return `
SELECT n.nspname AS schema, c.relname AS table, ic.relname AS name, pg_get_indexdef(ix.indexrelid, 0, true) AS definition,
  ix.indisunique AS unique, am.amname AS method, pg_indexam_has_property(am.oid, 'can_order') AS can_order,
  pg_get_expr(ix.indpred, ix.indrelid, true) AS where_expr,
  ${version >= 150000 ? 'ix.indnullsnotdistinct' : 'false'} AS nulls_not_distinct,
  c.relkind = 'p' AND NOT ix.indisvalid AS only,
  c.relkind <> 'p' AND NOT ix.indisvalid AS invalid,
  (SELECT json_agg(json_build_object(
      'column', a.attname,
      'definition', pg_get_indexdef(ix.indexrelid, k.i::int4, true),
      'option', k.option,
      'included', k.i > ix.indnkeyatts) ORDER BY k.i)
     FROM unnest(ix.indkey::int2[], ix.indoption::int2[]) WITH ORDINALITY k(attnum, option, i)
     LEFT JOIN pg_attribute a ON a.attrelid = ix.indrelid AND a.attnum = k.attnum AND k.attnum <> 0) AS keys,
  pg_relation_size(ix.indexrelid)::float8 AS bytes,
  s.idx_scan::float8 AS scans
FROM pg_index ix
JOIN pg_class ic ON ic.oid = ix.indexrelid
JOIN pg_class c ON c.oid = ix.indrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_am am ON am.oid = ic.relam
LEFT JOIN pg_stat_user_indexes s ON s.indexrelid = ix.indexrelid
WHERE c.relkind IN ('r', 'p') AND NOT ic.relispartition
  AND NOT EXISTS (SELECT FROM pg_constraint con
                  WHERE con.conindid = ix.indexrelid AND con.conrelid = ix.indrelid AND con.contype IN ('p', 'u', 'x'))
  AND ${IN_SCHEMAS} AND ${notFromExtension('pg_class', 'c.oid')}`;
}

interface EnumRow {
  schema: string;
  name: string;
  values: string[];
  comment: string | null;
}

const ENUMS = `
SELECT n.nspname AS schema, t.typname AS name,
  ARRAY(SELECT e.enumlabel::text FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder) AS values,
  obj_description(t.oid, 'pg_type') AS comment
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'e' AND ${IN_SCHEMAS} AND ${notFromExtension('pg_type', 't.oid')}`;

interface DomainRow {
  schema: string;
  name: string;
  type: string;
  not_null: boolean;
  default_expr: string | null;
  checks: { name: string; expression: string }[] | null;
}

// PostgreSQL 17+ also records a domain's NOT NULL as a constraint (contype 'n'): typnotnull says it.
const DOMAINS = `
SELECT n.nspname AS schema, t.typname AS name, format_type(t.typbasetype, t.typtypmod) AS type,
  t.typnotnull AS not_null, pg_get_expr(t.typdefaultbin, 0, true) AS default_expr,
  (SELECT json_agg(json_build_object('name', con.conname, 'expression', pg_get_expr(con.conbin, 0, true)))
     FROM pg_constraint con WHERE con.contypid = t.oid AND con.contype = 'c') AS checks
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'd' AND ${IN_SCHEMAS} AND ${notFromExtension('pg_type', 't.oid')}`;

interface CompositeRow {
  schema: string;
  name: string;
  attributes: { name: string; type: string }[];
}

const COMPOSITES = `
SELECT n.nspname AS schema, t.typname AS name,
  (SELECT coalesce(json_agg(json_build_object('name', a.attname, 'type', format_type(a.atttypid, a.atttypmod)) ORDER BY a.attnum), '[]')
     FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS attributes
FROM pg_type t
JOIN pg_class c ON c.oid = t.typrelid AND c.relkind = 'c'
JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE t.typtype = 'c' AND ${IN_SCHEMAS} AND ${notFromExtension('pg_type', 't.oid')}`;

interface SequenceRow {
  schema: string;
  name: string;
  type: string;
  owner_schema: string | null;
  owner_table: string | null;
  owner_column: string | null;
}

/** An identity column's sequence is internal to it (deptype 'i'); serial and OWNED BY are 'a'. */
const SEQUENCES = `
SELECT n.nspname AS schema, c.relname AS name, format_type(s.seqtypid, NULL) AS type,
  owner.schema AS owner_schema, owner.table AS owner_table, owner.column AS owner_column
FROM pg_sequence s
JOIN pg_class c ON c.oid = s.seqrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN LATERAL (
  SELECT tn.nspname AS schema, t.relname AS table, a.attname AS column
  FROM pg_depend d
  JOIN pg_class t ON t.oid = d.refobjid
  JOIN pg_namespace tn ON tn.oid = t.relnamespace
  JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
  WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass
    AND d.deptype = 'a' AND d.refobjsubid > 0
  LIMIT 1) owner ON true
WHERE ${IN_SCHEMAS} AND ${notFromExtension('pg_class', 'c.oid')}
  AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'i')`;

interface ViewRow {
  schema: string;
  name: string;
  materialized: boolean;
  definition: string;
  reads: QualifiedName[] | null;
  comment: string | null;
}

/** What a view reads: the relations its rewrite rule depends on (minus the view itself). */
const VIEWS = `
SELECT n.nspname AS schema, c.relname AS name, c.relkind = 'm' AS materialized,
  pg_get_viewdef(c.oid, true) AS definition,
  (SELECT json_agg(DISTINCT jsonb_build_object('schema', rn.nspname, 'name', rc.relname))
     FROM pg_rewrite r
     JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid AND d.refclassid = 'pg_class'::regclass
     JOIN pg_class rc ON rc.oid = d.refobjid
     JOIN pg_namespace rn ON rn.oid = rc.relnamespace
    WHERE r.ev_class = c.oid AND d.refobjid <> c.oid AND rc.relkind IN ('r', 'p', 'v', 'm', 'f')) AS reads,
  obj_description(c.oid, 'pg_class') AS comment
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v', 'm') AND ${IN_SCHEMAS} AND ${notFromExtension('pg_class', 'c.oid')}`;

interface FunctionRow {
  schema: string;
  name: string;
  arguments: string;
  returns: string | null;
  /** pg_get_functiondef; null for an aggregate, which it refuses. */
  definition: string | null;
}

// oidvectortypes prints the identity argument types through format_type, without names.
const FUNCTIONS = `
SELECT n.nspname AS schema, p.proname AS name, oidvectortypes(p.proargtypes) AS arguments,
  pg_get_function_result(p.oid) AS returns,
  CASE WHEN p.prokind <> 'a' THEN pg_get_functiondef(p.oid) END AS definition
FROM pg_proc p
JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE p.prokind IN ('f', 'p', 'a', 'w') AND ${IN_SCHEMAS} AND ${notFromExtension('pg_proc', 'p.oid')}`;

interface TriggerRow {
  schema: string;
  table: string;
  name: string;
  function_schema: string;
  function_name: string;
  definition: string;
}

/** Internal triggers implement FKs; a partition's clones (tgparentid) are the parent's trigger. */
const TRIGGERS = `
SELECT n.nspname AS schema, c.relname AS table, t.tgname AS name,
  fn.nspname AS function_schema, f.proname AS function_name, pg_get_triggerdef(t.oid) AS definition
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_proc f ON f.oid = t.tgfoid
JOIN pg_namespace fn ON fn.oid = f.pronamespace
WHERE NOT t.tgisinternal AND t.tgparentid = 0 AND ${IN_SCHEMAS} AND ${notFromExtension('pg_class', 'c.oid')}`;

// plpgsql is created by initdb in every database: not a design decision.
const EXTENSIONS = `
SELECT e.extname AS name, n.nspname AS schema
FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname <> 'plpgsql'`;

// ---------------------------------------------------------------------------------------
// Rows to model.

function key(schema: string, name: string): string {
  return JSON.stringify([schema, name]);
}

const STRATEGIES = { r: 'range', l: 'list', h: 'hash' } as const;

function tableFrom(row: TableRow): Table {
  const table = emptyTable(row.name);
  if (row.unlogged) table.unlogged = true;
  if (row.comment !== null) table.comment = row.comment;
  if (row.strategy !== null) {
    const expressions = partitionKeyElements(row.partition_key!);
    table.partitioning = {
      strategy: STRATEGIES[row.strategy],
      keys: row.partition_columns!.map((column, i) => column || unwrapped(expressions[i])),
    };
  }
  if (row.is_partition) table.partitionOf = { parent: row.parents![0], bound: row.bound! };
  else if (row.parents) table.inherits = row.parents;
  const stats = tableStats(row);
  if (Object.keys(stats).length > 0) table.stats = stats;
  return table;
}

/** `RANGE (a, lower(b))` → [`a`, `lower(b)`]: the top-level elements between the outer parentheses. */
function partitionKeyElements(definition: string): string[] {
  const inner = definition.slice(definition.indexOf('(') + 1, definition.lastIndexOf(')'));
  const elements: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i];
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      elements.push(inner.slice(start, i).trim());
      start = i + 1;
    }
  }
  elements.push(inner.slice(start).trim());
  return elements;
}

/**
 * pg_get_partkeydef prints without pretty-printing: an operator expression comes in its own
 * parentheses, inside the pair it adds around any expression that is not a function call.
 */
function unwrapped(expression: string): string {
  if (!expression.startsWith('(') || !expression.endsWith(')')) return expression;
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < expression.length - 1; i++) {
    const ch = expression[i];
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    // The opening parenthesis closes before the end: `(a) + (b)` is not wrapped.
    if (depth === 0) return expression;
  }
  return unwrapped(expression.slice(1, -1));
}

function tableStats(row: TableRow): TableStats {
  const stats: TableStats = {};
  // reltuples is -1 until the first VACUUM or ANALYZE (PostgreSQL 14+).
  if (row.reltuples >= 0) stats.rows = row.reltuples;
  stats.bytes = row.bytes;
  if (row.has_stats) {
    if (row.seq_scan !== null) stats.seqScan = row.seq_scan;
    if (row.idx_scan !== null) stats.idxScan = row.idx_scan;
    if (row.dead_rows !== null) stats.deadRows = row.dead_rows;
    stats.lastAnalyze = isoTime(row.last_analyze);
    stats.lastVacuum = isoTime(row.last_vacuum);
  }
  return stats;
}

function isoTime(epoch: number | null): string | null {
  return epoch === null ? null : new Date(epoch * 1000).toISOString();
}

function columnFrom(row: ColumnRow): Column {
  const generated = row.generated !== '';
  const column: Column = {
    name: row.name,
    type: row.type,
    notNull: row.not_null,
    default: generated ? null : row.default_expr,
  };
  if (row.identity === 'a') column.identity = 'always';
  if (row.identity === 'd') column.identity = 'by default';
  if (generated) column.generated = row.default_expr!;
  if (row.collation !== null) column.collation = collationName(row.collation_schema ?? undefined, row.collation);
  if (row.comment !== null) column.comment = row.comment;
  return column;
}

const ACTIONS: Record<string, ReferentialAction> = {
  a: 'no action',
  r: 'restrict',
  c: 'cascade',
  n: 'set null',
  d: 'set default',
};

const MATCHES = { f: 'full', p: 'partial', s: 'simple' } as const;

/** Optional flags are written only when they differ from PostgreSQL's default. */
function addConstraint(table: Table, row: ConstraintRow): void {
  const deferral = {
    ...(row.deferrable && { deferrable: true }),
    ...(row.deferred && { initiallyDeferred: true }),
  };
  switch (row.type) {
    case 'p':
      table.primaryKey = { name: row.name, columns: row.columns, ...(row.include.length && { include: row.include }) };
      break;
    case 'u':
      table.uniques.push({ name: row.name, columns: row.columns, ...(row.include.length && { include: row.include }), nullsNotDistinct: row.nulls_not_distinct === true, ...deferral });
      break;
    case 'c':
      table.checks.push({
        name: row.name,
        expression: row.check_expr!,
        ...(!row.validated && { notValid: true }),
        ...(row.no_inherit && { noInherit: true }),
      });
      break;
    case 'f':
      table.foreignKeys.push({
        name: row.name,
        columns: row.columns,
        refTable: { schema: row.ref_schema!, name: row.ref_table! },
        refColumns: row.ref_columns,
        onDelete: ACTIONS[row.on_delete],
        onUpdate: ACTIONS[row.on_update],
        ...(row.match !== 's' && { match: MATCHES[row.match] }),
        ...deferral,
        ...(!row.validated && { notValid: true }),
      });
      break;
    case 'x':
      table.exclusions.push({
        name: row.name,
        method: row.method!,
        elements: row.exclusion_keys!.map((k, i) => ({ key: k, operator: row.exclusion_operators![i] })),
        where: row.index_where,
      });
      break;
  }
}

// pg_index.indoption bits (catalog/pg_index.h).
const INDOPTION_DESC = 1;
const INDOPTION_NULLS_FIRST = 2;

function indexFrom(row: IndexRow, notes: string[]): Index {
  const keyRows = row.keys.filter((k) => !k.included);
  const options = keyOptions(row.definition);
  if (options === null) notes.push(`index "${row.schema}"."${row.name}": operator classes and collations not read from: ${row.definition}`);
  const keys = keyRows.map((k, i): IndexKey => {
    const key: IndexKey = { column: k.column, expression: k.column === null ? k.definition : null };
    if (row.can_order && k.option !== null) {
      const desc = (k.option & INDOPTION_DESC) !== 0;
      const nullsFirst = (k.option & INDOPTION_NULLS_FIRST) !== 0;
      if (desc) key.order = 'desc';
      // NULLS LAST is the default for ASC, NULLS FIRST for DESC.
      if (nullsFirst !== desc) key.nulls = nullsFirst ? 'first' : 'last';
    }
    return { ...key, ...options?.[i] };
  });
  const index: Index = {
    name: row.name,
    unique: row.unique,
    method: row.method,
    columns: keys.map((k) => k.column ?? k.expression!),
    keys,
    where: row.where_expr,
    include: row.keys.filter((k) => k.included).map((k) => k.column!),
  };
  if (row.nulls_not_distinct) index.nullsNotDistinct = true;
  // An index made ON ONLY a partitioned table stays invalid until every partition has one attached.
  if (row.only) index.only = true;
  const stats: IndexStats = { bytes: row.bytes };
  if (row.scans !== null) stats.scans = row.scans;
  if (row.invalid) stats.invalid = true;
  index.stats = stats;
  return index;
}

/**
 * Each key's operator class and collation as pg_get_indexdef prints them: PostgreSQL
 * leaves out the defaults (the type's default opclass, allowing binary-coercible types;
 * the column's or expression's own collation), which the catalog alone cannot tell for
 * expressions. Names are bare unless outside the search_path. Null if it does not parse.
 */
function keyOptions(definition: string): Pick<IndexKey, 'opclass' | 'collation'>[] | null {
  let statement: { IndexStmt?: { indexParams?: { IndexElem?: IndexElem }[] } } | undefined;
  try {
    statement = parseSync(definition).stmts?.[0]?.stmt as typeof statement;
  } catch {
    return null;
  }
  return (statement?.IndexStmt?.indexParams ?? []).map(({ IndexElem: elem }) => ({
    ...(elem?.opclass && { opclass: dotted(elem.opclass) }),
    ...(elem?.collation && { collation: collationFromNames(elem.collation.map((n) => (n as { String: { sval: string } }).String.sval))! }),
  }));
}

function dotted(names: Node[]): string {
  return names.map((n) => (n as { String: { sval: string } }).String.sval).join('.');
}

/**
 * Types as format_type prints them under introspection's search_path: bare in pg_catalog and
 * public, qualified elsewhere — the model's spelling.
 */
function catalogType(names: string[]): string {
  const [schema, name] = names.length >= 2 ? names.slice(-2) : [undefined, names[0]];
  return schema === undefined || schema === 'public' || schema === 'pg_catalog' ? quoteIdent(name) : `${quoteIdent(schema)}.${quoteIdent(name)}`;
}

/**
 * A function or procedure from its pg_get_functiondef text, read by the static loader's
 * code so both describe a routine alike. An aggregate keeps its signature only.
 */
function functionFrom(row: FunctionRow): Routine {
  if (row.definition === null) return { name: row.name, arguments: row.arguments, returns: row.returns ?? '', language: 'internal', kind: 'aggregate' };
  return routineFromStatement(parsedStatement(row.definition, 'CreateFunctionStmt'), row.name, catalogType);
}

/** A trigger from its pg_get_triggerdef text, read like a CREATE TRIGGER in a file. */
function triggerFrom(row: TriggerRow): Trigger {
  return triggerFromStatement(parsedStatement(row.definition, 'CreateTrigStmt'), {
    table: { schema: row.schema, name: row.table },
    function: { schema: row.function_schema, name: row.function_name },
    // pg_get_triggerdef leaves a relation on the search_path (public) unqualified.
    relation: (rv: { schemaname?: string; relname: string }) => ({ schema: rv.schemaname ?? 'public', name: rv.relname }),
  });
}

/** The one statement of a definition PostgreSQL printed: it parses, or the parser is wrong. */
function parsedStatement(definition: string, type: string): any {
  const statement = (parseSync(definition).stmts?.[0]?.stmt as Record<string, unknown> | undefined)?.[type];
  if (!statement) throw new Error(`introspection: not a ${type}: ${definition.slice(0, 200)}`);
  return statement;
}
