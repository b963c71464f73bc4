/**
 * The DDL that re-creates a model on an empty PostgreSQL 15+ database
 * (`schemawise inspect --format sql`).
 *
 * Order: schemas, extensions, enums, routines, domains and composite types, sequences,
 * routines whose signature uses those types or whose body is SQL-standard, tables (parents
 * before partitions and inheritance children), views (read views first), routines bound to
 * tables or views, indexes, foreign keys (last, so cycles and self-references need no special
 * case), triggers, then COMMENT ON statements. Within a step, objects keep model order unless
 * one depends on another. Routines are created as pg_dump creates them, under
 * `SET check_function_bodies = false` (see `routineStages`).
 *
 * A partition is written as `PARTITION OF` with only what its parent does not explain:
 * PostgreSQL gives every partition the parent's columns, defaults, inherited CHECKs, keys,
 * foreign keys and index copies itself, so the model's copies of those are left out.
 */
import type {
  CheckConstraint,
  Column,
  CompositeType,
  Database,
  Domain,
  ExclusionConstraint,
  ForeignKey,
  Function as Routine,
  FunctionParameter,
  Index,
  IndexKey,
  PrimaryKey,
  QualifiedName,
  ReferentialAction,
  Schema,
  Table,
  Trigger,
  UniqueConstraint,
  View,
} from '../model/types.js';
import { qualifiedName, quoteIdent } from '../model/quote-ident.js';
import { collationSql } from '../model/collation.js';
import { boundToRelations, signatureTypes } from '../model/routine-binding.js';

export interface DDLOptions {
  /** Text written first, as `--` comment lines (e.g. where the model came from). */
  header?: string;
}

export interface Located<T> {
  schema: string;
  object: T;
}

const nameOf = <T extends { name: string }>(item: Located<T>) => qualifiedName(item.schema, item.object.name);

/**
 * The SQL script, one blank line between objects, ending with a newline. Types, defaults and
 * expressions are written as the model spells them, which leaves `public` objects unqualified,
 * so the script starts by setting the search_path they were spelled against.
 */
export function toDDL(db: Database, options: DDLOptions = {}): string {
  const tables = new Map<string, Located<Table>>();
  for (const schema of db.schemas) for (const table of schema.tables) tables.set(qualifiedName(schema.name, table.name), { schema: schema.name, object: table });
  const tableAt = (qn: QualifiedName) => tables.get(qualifiedName(qn.schema, qn.name));
  const all = <T>(pick: (schema: Schema) => T[]): Located<T>[] => db.schemas.flatMap((schema) => pick(schema).map((object) => ({ schema: schema.name, object })));

  /** What a table gets its columns and inheritable CHECKs from: its partition parent, or its INHERITS parents. */
  const parentsOf = (table: Table): Located<Table>[] => {
    const names = table.partitionOf ? [table.partitionOf.parent] : table.inherits ?? [];
    return names.flatMap((qn) => tableAt(qn) ?? []);
  };
  const orderedTables = dependencyOrder([...tables.values()], nameOf, (t) => parentsOf(t.object).map(nameOf));
  const sequences = all((s) => s.sequences);
  const types = orderedTypes(all((s) => s.domains), all((s) => s.compositeTypes));
  const routines = routineStages(db, all((s) => s.functions), types);
  const createRoutine = (r: Located<Routine>) => createFunction(nameOf(r), r.object);

  const groups: string[] = [];
  if (options.header) groups.push(options.header.trimEnd().split('\n').map((line) => `-- ${line}`.trimEnd()).join('\n'));
  // A quoted body is not checked when its routine is created, as in pg_dump's output: it may
  // name tables, and routines, the script creates later.
  const writesRoutines = routines.beforeTypes.length + routines.beforeTables.length + routines.afterViews.length > 0;
  groups.push(['SET search_path TO public;', ...(writesRoutines ? [UNCHECKED_BODIES] : [])].join('\n'));

  for (const schema of db.schemas) if (schema.name !== 'public') groups.push(`CREATE SCHEMA ${quoteIdent(schema.name)};`);
  for (const ext of db.extensions) groups.push(`CREATE EXTENSION IF NOT EXISTS ${quoteIdent(ext.name)} WITH SCHEMA ${quoteIdent(ext.schema)};`);

  for (const e of all((s) => s.enums)) groups.push(`CREATE TYPE ${nameOf(e)} AS ENUM (${e.object.values.map(quoteLiteral).join(', ')});`);
  groups.push(...routines.beforeTypes.map(createRoutine));
  for (const t of types) {
    groups.push(isDomain(t.object) ? createDomain(nameOf(t), t.object) : createComposite(nameOf(t), t.object));
  }

  // Every sequence exists before the tables: a `nextval('s'::regclass)` default resolves `s`
  // when the table is created. (An identity column's sequence is its own, not in the model.)
  for (const q of sequences) groups.push(`CREATE SEQUENCE ${nameOf(q)} AS ${q.object.type};`);
  groups.push(...routines.beforeTables.map(createRoutine));

  for (const t of orderedTables) {
    const parents = parentsOf(t.object);
    const statements = [t.object.partitionOf && parents.length ? createPartition(t, parents[0]) : createTable(t, parents)];
    for (const check of ownChecks(t.object, parents.map((p) => p.object))) {
      // CREATE TABLE validates its CHECKs whatever they say; only ALTER TABLE keeps NOT VALID.
      if (check.notValid) statements.push(`ALTER TABLE ${nameOf(t)} ADD ${checkClause(check)} NOT VALID;`);
    }
    for (const q of sequences) {
      const owner = q.object.ownedBy;
      if (owner && owner.table.schema === t.schema && owner.table.name === t.object.name) {
        statements.push(`ALTER SEQUENCE ${nameOf(q)} OWNED BY ${nameOf(t)}.${quoteIdent(owner.column)};`);
      }
    }
    groups.push(statements.join('\n'));
  }

  const views = all((s) => s.views);
  for (const v of dependencyOrder(views, (v) => qualifiedName(v.schema, v.object.name), (v) => v.object.reads.map((qn) => qualifiedName(qn.schema, qn.name)))) {
    groups.push(`CREATE ${v.object.materialized ? 'MATERIALIZED VIEW' : 'VIEW'} ${nameOf(v)} AS\n${viewQuery(v.object)};`);
  }
  groups.push(...routines.afterViews.map(createRoutine));
  if (routines.listed.length) groups.push(routines.listed.map(routineComment).join('\n'));

  for (const t of orderedTables) {
    const parent = t.object.partitionOf && tableAt(t.object.partitionOf.parent);
    for (const index of t.object.indexes) {
      // Creating an index on a partitioned table creates one on every partition.
      if (parent?.object.indexes.some((p) => !p.only && sameIndexShape(p, index))) continue;
      groups.push(createIndex(nameOf(t), index));
    }
  }

  for (const t of orderedTables) {
    const parent = t.object.partitionOf && tableAt(t.object.partitionOf.parent);
    for (const fk of t.object.foreignKeys) {
      if (parent?.object.foreignKeys.some((p) => p.name === fk.name || sameForeignKeyShape(p, fk))) continue;
      // A filtered model (--table, --schema) may leave out the referenced table: the
      // script must still run, so the constraint is shown, not executed.
      if (!tableAt(fk.refTable)) {
        groups.push(`-- ${nameOf(t)}.${fk.name} references ${qualifiedName(fk.refTable.schema, fk.refTable.name)}, which is not in this output:\n-- ALTER TABLE ${nameOf(t)} ADD ${foreignKeyClause(fk)};`);
        continue;
      }
      groups.push(`ALTER TABLE ${nameOf(t)} ADD ${foreignKeyClause(fk)};`);
    }
  }

  for (const { object } of all((s) => s.triggers)) groups.push(triggerStatement(object, db));

  groups.push(...comments(db));
  return groups.join('\n\n') + '\n';
}

/**
 * Items after the items they depend on, otherwise in input order. A dependency outside
 * `items` is ignored; a cycle (impossible in a schema PostgreSQL accepted) is cut.
 */
function dependencyOrder<T>(items: T[], key: (item: T) => string, dependsOn: (item: T) => string[]): T[] {
  const byKey = new Map(items.map((item) => [key(item), item]));
  const seen = new Set<string>();
  const out: T[] = [];
  const visit = (item: T) => {
    const k = key(item);
    if (seen.has(k)) return;
    seen.add(k);
    for (const dep of dependsOn(item)) {
      const found = byKey.get(dep);
      if (found) visit(found);
    }
    out.push(item);
  };
  items.forEach(visit);
  return out;
}

/**
 * Domains and composite types, each after the domains and composites its type(s) name.
 * Enums need no ordering: they are written first and depend on nothing.
 */
function orderedTypes(domains: Located<Domain>[], composites: Located<CompositeType>[]): Located<Domain | CompositeType>[] {
  const baseType = (type: string) => type.replace(/(\[\])+$/, '');
  const types: Located<Domain | CompositeType>[] = [...domains, ...composites];
  return dependencyOrder(types, typeSpelling, (t) => (isDomain(t.object) ? [baseType(t.object.type)] : t.object.attributes.map((a) => baseType(a.type))));
}

/** The spelling format_type gives a type in the model: unqualified in public. */
const typeSpelling = (t: Located<{ name: string }>) => (t.schema === 'public' ? quoteIdent(t.object.name) : nameOf(t));

const isDomain = (t: Domain | CompositeType): t is Domain => 'checks' in t;

export function createDomain(name: string, d: Domain): string {
  const clauses = [`CREATE DOMAIN ${name} AS ${d.type}`];
  if (d.default !== null) clauses.push(`DEFAULT ${d.default}`);
  if (d.notNull) clauses.push('NOT NULL');
  for (const c of d.checks) clauses.push(`CONSTRAINT ${quoteIdent(c.name)} CHECK (${c.expression})`);
  return clauses.join('\n    ') + ';';
}

export function createComposite(name: string, c: CompositeType): string {
  return `CREATE TYPE ${name} AS (${block(c.attributes.map((a) => `${quoteIdent(a.name)} ${a.type}`))});`;
}

/** `(` items on their own indented lines `)`, or `()` for none. */
function block(items: string[]): string {
  return items.length ? `\n    ${items.join(',\n    ')}\n` : '';
}

export function createTable(t: Located<Table>, parents: Located<Table>[]): string {
  const table = t.object;
  // An INHERITS child gets the parents' columns (defaults, NOT NULL, generation) and
  // inheritable CHECKs; a column is written only where the child adds to it.
  const columns = table.columns.filter((c) => !parents.some((p) => p.object.columns.some((pc) => sameColumn(pc, c))));
  const items = [
    ...columns.map(columnDefinition),
    ...tableConstraints(table, ownChecks(table, parents.map((p) => p.object))),
  ];
  // A parent missing from the model (a filtered model) cannot be inherited from: the table
  // is written with all its columns instead.
  const inherits = parents.length ? ` INHERITS (${parents.map(nameOf).join(', ')})` : '';
  return `CREATE ${table.unlogged ? 'UNLOGGED ' : ''}TABLE ${nameOf(t)} (${block(items)})${inherits}${partitionBy(table)};`;
}

/**
 * A partition: only the constraints and keys its parent does not give it, then an ALTER
 * TABLE for each column default or NOT NULL of its own (rather than `col WITH OPTIONS`, which
 * the static loader does not read).
 */
export function createPartition(t: Located<Table>, located: Located<Table>): string {
  const table = t.object;
  const parent = located.object;
  const alters = table.columns.flatMap((c) => {
    const inherited = parent.columns.find((pc) => pc.name === c.name);
    const column = `ALTER TABLE ${nameOf(t)} ALTER COLUMN ${quoteIdent(c.name)}`;
    return [
      ...(c.default !== null && c.default !== inherited?.default ? [`${column} SET DEFAULT ${c.default};`] : []),
      ...(c.notNull && !inherited?.notNull ? [`${column} SET NOT NULL;`] : []),
    ];
  });
  const own: Table = {
    ...table,
    primaryKey: parent.primaryKey ? null : table.primaryKey,
    uniques: table.uniques.filter((u) => !parent.uniques.some((p) => sameUniqueShape(p, u))),
    exclusions: table.exclusions.filter((x) => !parent.exclusions.some((p) => sameExclusionShape(p, x))),
  };
  const constraints = tableConstraints(own, ownChecks(table, [parent]));
  const items = constraints.length ? ` (${block(constraints)})` : '';
  return [`CREATE TABLE ${nameOf(t)} PARTITION OF ${nameOf(located)}${items} ${table.partitionOf!.bound}${partitionBy(table)};`, ...alters].join('\n');
}

/** The CHECKs a table does not inherit (by name) from its parents. */
export function ownChecks(table: Table, parents: Table[]): CheckConstraint[] {
  return table.checks.filter((c) => !parents.some((p) => p.checks.some((pc) => !pc.noInherit && pc.name === c.name)));
}

function partitionBy(table: Table): string {
  if (!table.partitioning) return '';
  const keys = table.partitioning.keys.map((k) => columnOrExpression(table, k));
  return ` PARTITION BY ${table.partitioning.strategy.toUpperCase()} (${keys.join(', ')})`;
}

/** A key that names a column is that column; anything else is an expression, parenthesised. */
function columnOrExpression(table: Table, key: string): string {
  return table.columns.some((c) => c.name === key) ? quoteIdent(key) : `(${key})`;
}

export function columnDefinition(c: Column): string {
  const parts = [quoteIdent(c.name), c.type];
  if (c.collation) parts.push(`COLLATE ${collationSql(c.collation)}`);
  if (c.identity) parts.push(`GENERATED ${c.identity.toUpperCase()} AS IDENTITY`);
  // PostgreSQL 18's VIRTUAL generated columns are not told apart in the model; STORED is
  // the only kind PostgreSQL 15-17 have.
  if (c.generated !== undefined) parts.push(`GENERATED ALWAYS AS (${c.generated}) STORED`);
  if (c.default !== null) parts.push(`DEFAULT ${c.default}`);
  if (c.notNull) parts.push('NOT NULL');
  return parts.join(' ');
}

/** Whether an inherited column already is `column`, so the child need not declare it. */
function sameColumn(inherited: Column, column: Column): boolean {
  return (
    inherited.name === column.name &&
    inherited.type === column.type &&
    inherited.default === column.default &&
    (inherited.notNull || !column.notNull) &&
    inherited.generated === column.generated &&
    inherited.collation === column.collation
  );
}

/** PRIMARY KEY, UNIQUE, the given CHECKs (those not NOT VALID) and EXCLUDE, as table constraints. */
export function tableConstraints(table: Table, checks: CheckConstraint[]): string[] {
  const items: string[] = [];
  if (table.primaryKey) items.push(primaryKeyClause(table.primaryKey));
  for (const u of table.uniques) items.push(uniqueClause(u));
  for (const c of checks) if (!c.notValid) items.push(checkClause(c));
  for (const x of table.exclusions) items.push(exclusionClause(table, x));
  return items;
}

const columnList = (names: string[]) => names.map(quoteIdent).join(', ');
const includeClause = (c: { include?: string[] }) => (c.include?.length ? ` INCLUDE (${columnList(c.include)})` : '');

export function primaryKeyClause(pk: PrimaryKey): string {
  return `CONSTRAINT ${quoteIdent(pk.name)} PRIMARY KEY (${columnList(pk.columns)})${includeClause(pk)}`;
}

export function uniqueClause(u: UniqueConstraint): string {
  return `CONSTRAINT ${quoteIdent(u.name)} UNIQUE${u.nullsNotDistinct ? ' NULLS NOT DISTINCT' : ''} (${columnList(u.columns)})${includeClause(u)}${deferral(u)}`;
}

export function checkClause(c: CheckConstraint): string {
  return `CONSTRAINT ${quoteIdent(c.name)} CHECK (${c.expression})${c.noInherit ? ' NO INHERIT' : ''}`;
}

export function exclusionClause(table: Table, x: ExclusionConstraint): string {
  // A schema-qualified operator is only accepted in OPERATOR() syntax.
  const operator = (op: string) => (op.includes('.') ? `OPERATOR(${op})` : op);
  const elements = x.elements.map((e) => `${columnOrExpression(table, e.key)} WITH ${operator(e.operator)}`);
  const where = x.where === null ? '' : ` WHERE (${x.where})`;
  return `CONSTRAINT ${quoteIdent(x.name)} EXCLUDE USING ${x.method} (${elements.join(', ')})${where}`;
}

export function deferral(c: { deferrable?: boolean; initiallyDeferred?: boolean }): string {
  return (c.deferrable || c.initiallyDeferred ? ' DEFERRABLE' : '') + (c.initiallyDeferred ? ' INITIALLY DEFERRED' : '');
}

export function sameUniqueShape(a: UniqueConstraint, b: UniqueConstraint): boolean {
  return a.columns.join('\0') === b.columns.join('\0') && a.nullsNotDistinct === b.nullsNotDistinct;
}

export function sameExclusionShape(a: ExclusionConstraint, b: ExclusionConstraint): boolean {
  return JSON.stringify([a.method, a.elements, a.where]) === JSON.stringify([b.method, b.elements, b.where]);
}

export function sameIndexShape(a: Index, b: Index): boolean {
  return JSON.stringify([a.unique, a.method, a.keys, a.where, a.include, !!a.nullsNotDistinct]) === JSON.stringify([b.unique, b.method, b.keys, b.where, b.include, !!b.nullsNotDistinct]);
}

export function sameForeignKeyShape(a: ForeignKey, b: ForeignKey): boolean {
  return JSON.stringify([a.columns, a.refTable, a.refColumns]) === JSON.stringify([b.columns, b.refTable, b.refColumns]);
}

/** pg_get_viewdef's text ends with `;`; the statement adds its own. */
export function viewQuery(v: View): string {
  return v.definition.trim().replace(/;\s*$/, '');
}

export function createIndex(table: string, index: Index): string {
  const keys = index.keys.map(indexKey).join(', ');
  const include = index.include.length ? ` INCLUDE (${index.include.map(quoteIdent).join(', ')})` : '';
  const nulls = index.nullsNotDistinct ? ' NULLS NOT DISTINCT' : '';
  const where = index.where === null ? '' : ` WHERE (${index.where})`;
  const head = `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX ${quoteIdent(index.name)} ON ${index.only ? 'ONLY ' : ''}${table}`;
  return `${head} USING ${index.method} (${keys})${include}${nulls}${where};`;
}

function indexKey(k: IndexKey): string {
  const parts = [k.column !== null ? quoteIdent(k.column) : `(${k.expression})`];
  if (k.collation) parts.push(`COLLATE ${collationSql(k.collation)}`);
  if (k.opclass) parts.push(k.opclass);
  if (k.order === 'desc') parts.push('DESC');
  if (k.nulls) parts.push(`NULLS ${k.nulls.toUpperCase()}`);
  return parts.join(' ');
}

export function foreignKeyClause(fk: ForeignKey): string {
  const cols = (names: string[]) => names.map(quoteIdent).join(', ');
  const action = (event: string, a: ReferentialAction) => (a === 'no action' ? '' : ` ON ${event} ${a.toUpperCase()}`);
  // Without a column list REFERENCES means the referenced table's primary key.
  const refColumns = fk.refColumns.length ? ` (${cols(fk.refColumns)})` : '';
  return (
    `CONSTRAINT ${quoteIdent(fk.name)} FOREIGN KEY (${cols(fk.columns)}) REFERENCES ${qualifiedName(fk.refTable.schema, fk.refTable.name)}${refColumns}` +
    (fk.match === 'full' ? ' MATCH FULL' : '') +
    action('DELETE', fk.onDelete) +
    action('UPDATE', fk.onUpdate) +
    deferral(fk) +
    (fk.notValid ? ' NOT VALID' : '')
  );
}

/**
 * CREATE OR REPLACE FUNCTION / PROCEDURE from the model, laid out as pg_get_functiondef lays
 * it out. Not for aggregates, which the model keeps as signatures only.
 */
export function createFunction(name: string, fn: Routine): string {
  const lines = [`CREATE OR REPLACE ${fn.kind === 'procedure' ? 'PROCEDURE' : 'FUNCTION'} ${name}(${(fn.parameters ?? []).map(parameterClause).join(', ')})`];
  if (fn.kind !== 'procedure') lines.push(` RETURNS ${fn.returns}`);
  lines.push(` LANGUAGE ${quoteIdent(fn.language)}`);
  const options = [
    fn.window && 'WINDOW',
    fn.volatility?.toUpperCase(),
    fn.parallel && `PARALLEL ${fn.parallel.toUpperCase()}`,
    fn.strict && 'STRICT',
    fn.securityDefiner && 'SECURITY DEFINER',
    fn.leakproof && 'LEAKPROOF',
    fn.cost !== undefined && `COST ${fn.cost}`,
    fn.rows !== undefined && `ROWS ${fn.rows}`,
  ].filter(Boolean);
  if (options.length) lines.push(` ${options.join(' ')}`);
  for (const setting of fn.config ?? []) lines.push(` SET ${setting}`);
  lines.push(routineBody(fn));
  return `${lines.join('\n')};`;
}

/** `DROP FUNCTION name(argument types)`: the identity names one overload. */
export function dropFunction(name: string, fn: Routine): string {
  return `DROP ${fn.kind === 'procedure' ? 'PROCEDURE' : 'FUNCTION'} ${name}(${fn.arguments});`;
}

function parameterClause(p: FunctionParameter): string {
  return [p.mode?.toUpperCase(), p.name !== undefined && quoteIdent(p.name), p.type, p.default !== undefined && `DEFAULT ${p.default}`].filter(Boolean).join(' ');
}

function routineBody(fn: Routine): string {
  const body = fn.body ?? '';
  if (fn.sqlStandardBody) return body;
  if (fn.library !== undefined) return `AS ${quoteLiteral(fn.library)}, ${quoteLiteral(body)}`;
  return `AS ${dollarQuoted(body, fn.kind === 'procedure' ? 'procedure' : 'function')}`;
}

/** The text between `$tag$` quotes, with a tag that does not occur in it: the quote ends at the first closing tag. */
function dollarQuoted(text: string, word: string): string {
  let tag = `$${word}$`;
  for (let i = 1; (text + tag).indexOf(tag) !== text.length; i++) tag = `$${word}${i}$`;
  return `${tag}${text}${tag}`;
}

/** CREATE [CONSTRAINT] TRIGGER from the model, every name qualified. */
export function createTrigger(t: Trigger): string {
  const events = t.events.map((e) => (e === 'update' && t.columns?.length ? `UPDATE OF ${t.columns.map(quoteIdent).join(', ')}` : e.toUpperCase()));
  const referencing = [t.oldTable !== undefined && `OLD TABLE AS ${quoteIdent(t.oldTable)}`, t.newTable !== undefined && `NEW TABLE AS ${quoteIdent(t.newTable)}`].filter(Boolean);
  const parts = [
    `CREATE ${t.constraint ? 'CONSTRAINT ' : ''}TRIGGER ${quoteIdent(t.name)} ${t.timing.toUpperCase()} ${events.join(' OR ')} ON ${qualifiedName(t.table.schema, t.table.name)}`,
    t.from && `FROM ${qualifiedName(t.from.schema, t.from.name)}`,
    t.constraint && (deferral(t).trim() || 'NOT DEFERRABLE'),
    referencing.length && `REFERENCING ${referencing.join(' ')}`,
    `FOR EACH ${t.forEach.toUpperCase()}`,
    t.when !== undefined && `WHEN (${t.when})`,
    `EXECUTE FUNCTION ${qualifiedName(t.function.schema, t.function.name)}(${(t.arguments ?? []).map(quoteLiteral).join(', ')})`,
  ];
  return `${parts.filter(Boolean).join(' ')};`;
}

const UNCHECKED_BODIES = 'SET check_function_bodies = false;';

/** Where `toDDL` creates each routine. */
interface RoutineStages {
  /** Quoted bodies whose signatures use no domain or composite type: a domain's CHECK or DEFAULT may call them. */
  beforeTypes: Located<Routine>[];
  /** The others not bound to relations: table defaults, CHECKs, generated columns and indexes may call them. */
  beforeTables: Located<Routine>[];
  /** Those PostgreSQL binds to tables or views when they are created (see `boundToRelations`). */
  afterViews: Located<Routine>[];
  /** Aggregates (the model keeps their signatures only) and routines of a snapshot written before bodies were: listed as comments. */
  listed: Located<Routine>[];
}

/**
 * With check_function_bodies off a quoted body binds nothing when it is created, so only its
 * signature's types must exist. A SQL-standard body (`RETURN`, `BEGIN ATOMIC`) is parsed and
 * bound at once whatever the setting: it comes after the quoted routines it may call, the
 * sequences it may name, and, when it reads a relation, after the tables and views.
 */
function routineStages(db: Database, routines: Located<Routine>[], types: Located<Domain | CompositeType>[]): RoutineStages {
  const typeNames = new Set(types.map(typeSpelling));
  const stages: RoutineStages = { beforeTypes: [], beforeTables: [], afterViews: [], listed: [] };
  const quotedFirst = [...routines.filter((r) => !r.object.sqlStandardBody), ...routines.filter((r) => r.object.sqlStandardBody)];
  for (const r of quotedFirst) {
    const fn = r.object;
    if (!recreatable(fn)) stages.listed.push(r);
    else if (boundToRelations(fn, db)) stages.afterViews.push(r);
    else if (fn.sqlStandardBody || signatureTypes(fn).some((t) => typeNames.has(t))) stages.beforeTables.push(r);
    else stages.beforeTypes.push(r);
  }
  return stages;
}

const recreatable = (fn: Routine) => fn.kind !== 'aggregate' && fn.body !== undefined;

function routineComment({ schema, object: f }: Located<Routine>): string {
  const returns = f.kind === 'procedure' ? '' : ` returns ${f.returns}`;
  const why = f.kind === 'aggregate' ? "the model keeps an aggregate's signature only" : 'this model has no body for it';
  return `-- ${f.kind} ${qualifiedName(schema, f.name)}(${f.arguments})${returns} (not re-created: ${why})`;
}

/**
 * CREATE TRIGGER, or, when its function is known not to be in the script (a schema left out
 * with --schema, an old snapshot without bodies), the statement shown as a comment so that the
 * script still runs.
 */
function triggerStatement(t: Trigger, db: Database): string {
  if (!triggerFunctionMissing(t, db)) return createTrigger(t);
  const fn = qualifiedName(t.function.schema, t.function.name);
  return `-- ${quoteIdent(t.name)} on ${qualifiedName(t.table.schema, t.table.name)} calls ${fn}(), which is not in this output:\n-- ${createTrigger(t)}`;
}

function triggerFunctionMissing(t: Trigger, db: Database): boolean {
  const { schema, name } = t.function;
  const inModel = db.schemas.find((s) => s.name === schema);
  // A schema outside the model holds built-in or extension functions, or was filtered out.
  if (!inModel) return schema !== 'pg_catalog' && !db.extensions.some((e) => e.schema === schema);
  // Absent from a schema in the model: an extension's function, which the extension creates.
  const fn = inModel.functions.find((f) => f.name === name && f.arguments === '');
  return fn !== undefined && !recreatable(fn);
}

function comments(db: Database): string[] {
  const groups: string[] = [];
  const on = (what: string, text: string | undefined) => (text === undefined ? [] : [`COMMENT ON ${what} IS ${quoteLiteral(text)};`]);
  for (const s of db.schemas) {
    groups.push(...on(`SCHEMA ${quoteIdent(s.name)}`, s.comment));
    for (const e of s.enums) groups.push(...on(`TYPE ${qualifiedName(s.name, e.name)}`, e.comment));
    for (const t of s.tables) {
      const name = qualifiedName(s.name, t.name);
      const lines = [...on(`TABLE ${name}`, t.comment), ...t.columns.flatMap((c) => on(`COLUMN ${name}.${quoteIdent(c.name)}`, c.comment))];
      if (lines.length) groups.push(lines.join('\n'));
    }
    for (const v of s.views) groups.push(...on(`${v.materialized ? 'MATERIALIZED VIEW' : 'VIEW'} ${qualifiedName(s.name, v.name)}`, v.comment));
  }
  return groups;
}

/**
 * A string constant that means the same whatever `standard_conforming_strings` says: with a
 * backslash in it, an escape string (E'...') where the backslash is doubled.
 */
export function quoteLiteral(text: string): string {
  const body = text.replace(/'/g, "''");
  return text.includes('\\') ? `E'${body.replace(/\\/g, '\\\\')}'` : `'${body}'`;
}
