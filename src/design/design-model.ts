import { SchemawiseError } from '../errors.js';
import { pluralize, singularize } from '../lint/inflect.js';
import { byteLength, MAX_IDENTIFIER_BYTES } from '../lint/naming.js';
import { identifier } from './identifier.js';
import { emptyDatabase, emptySchema, emptyTable } from '../model/empty.js';
import { quoteIdent } from '../model/quote-ident.js';
import type { Column, Database, ForeignKey, Function as Routine, ReferentialAction, Table, Trigger } from '../model/types.js';
import type { Decision, DesignWarning } from './decision.js';
import { ageColumn } from './age-column.js';
import { columnTypeOf } from './field-types.js';
import { designOperations } from './operations.js';
import { planScaleOut } from './scale-out.js';
import { horizonRows } from './table-volume.js';
import { CHECK_ON_FIELD, fieldOf, type EntitySpec, type FieldSpec, type Spec } from './spec.js';

export interface DesignedTable {
  entity: string;
  table: Table;
  /** The primary key column's type. */
  keyType: 'bigint' | 'uuid';
}

export interface DesignModel {
  database: Database;
  decisions: Decision[];
  warnings: DesignWarning[];
  /** Entity name → its table. */
  tables: Map<string, DesignedTable>;
  /** ops/ files: pgbouncer.ini, roles.sql, partitions.sql, retention.sql. */
  ops: Map<string, string>;
  /** Rows the schema needs to work: a lookup table's values (INSERTed by schema.sql and the initial migration). */
  lookupRows: LookupRows[];
  /** Relationship index → its join table (many-to-many). */
  joinTables: Map<number, Table>;
  /** The triggers keeping each declared denormalisation (they read and write across tables). */
  denormalizations: { child: string; parent: string; triggers: string[] }[];
  /** Tables partitioned with the table they refer to: `column` copies the parent's partition key. */
  coPartitions: CoPartition[];
}

export interface CoPartition {
  child: string;
  parent: string;
  column: string;
}

export interface LookupRows {
  table: string;
  column: string;
  values: string[];
}

/** Enum values beyond this many are a lookup table's rows: a list that long changes. */
const MAX_ENUM_VALUES = 20;

/**
 * The schema the spec asks for, and every decision taken on the way: names by convention, a key
 * per table, types, NOT NULL / DEFAULT / CHECK / UNIQUE, foreign keys with their ON DELETE,
 * enums, join tables, tenancy, timestamps maintained by a trigger, declared denormalisations
 * kept in sync by triggers, and an index on every foreign key that no key already leads with.
 * Pure: the same spec gives the same model, decisions in the same order.
 */
export function designModel(spec: Spec): DesignModel {
  const db = emptyDatabase();
  const schema = emptySchema('public');
  db.schemas.push(schema);
  const decisions: Decision[] = [];
  const warnings: DesignWarning[] = [];
  const decide = (d: Decision) => decisions.push(d);
  const tables = new Map<string, DesignedTable>();
  const plural = spec.conventions.tables === 'plural';
  const tableName = (entity: string) => (plural ? pluralize(entity) : entity);
  decide({ topic: 'naming', subject: 'tables', choice: plural ? 'plural snake_case (`order_item` → `order_items`)' : 'singular snake_case, as the entities', reason: 'the spec\'s conventions.tables; one rule for every table, so a name is never a guess', from: ['conventions', 'tables'] });
  decide({ topic: 'naming', subject: 'columns', choice: 'snake_case; a reference `customer` is the column `customer_id`; indexes `idx_{table}_{columns}`, foreign keys `fk_{table}_{ref_table}`', reason: 'names that say what they join to, without quoting' });

  const tenant = spec.tenancy === 'none' ? undefined : spec.tenancy;
  const entities = Object.entries(spec.entities);
  const byTable = new Map<string, string>();
  for (const [entity, e] of entities) {
    const name = tableName(entity);
    if (byTable.has(name)) throw new SchemawiseError(`entities ${byTable.get(name)} and ${entity} would both be the table ${name}`);
    if (byteLength(name) > MAX_IDENTIFIER_BYTES) throw new SchemawiseError(`entities.${entity}: its table ${name} is longer than PostgreSQL's ${MAX_IDENTIFIER_BYTES} bytes: a shorter entity name`);
    for (const field of Object.keys(e.fields)) {
      if (byteLength(`${field}_id`) > MAX_IDENTIFIER_BYTES) throw new SchemawiseError(`entities.${entity}.fields.${field}: longer than PostgreSQL's ${MAX_IDENTIFIER_BYTES} bytes`);
    }
    byTable.set(name, entity);
  }
  /** Names of types (enums) and tables: one namespace in pg_type. */
  const typeNames = new Set(byTable.keys());
  const lookupRows: LookupRows[] = [];
  const joinTables = new Map<number, Table>();

  // Keys first: a reference column takes the type of the key it refers to.
  for (const [entity, e] of entities) {
    const table = emptyTable(tableName(entity));
    const keyType = keyTypeOf(spec, e);
    tables.set(entity, { entity, table, keyType });
    table.columns.push(keyColumn(spec, keyType));
    table.primaryKey = { name: identifier(`${table.name}_pkey`), columns: ['id'] };
    decide(keyDecision(spec, entity, e, table.name, keyType));
    if (e.comment) table.comment = e.comment;
  }

  const tenantTable = tenant?.entity ? tables.get(tenant.entity) : undefined;
  if (tenant) {
    decide({
      topic: 'keys',
      subject: 'tenancy',
      choice: `every table but ${tenantTable ? tenantTable.table.name : 'the tenants\''} has \`${tenant.column}\`, NOT NULL${tenantTable ? `, a foreign key to ${tenantTable.table.name}` : ''}; unique keys are unique per tenant`,
      reason: 'rows of one tenant are found, constrained and (later) partitioned or distributed by the tenant column; a unique business key only has to be unique within its tenant',
      tradeoff: 'one more column and key part per table; cross-tenant queries need an index without it',
      from: ['tenancy'],
    });
  }

  for (const [entity, e] of entities) {
    const { table } = tables.get(entity)!;
    if (tenant && tenantTable?.entity !== entity) {
      table.columns.push({ name: tenant.column, type: tenantTable?.keyType ?? 'bigint', notNull: true, default: null });
      if (tenantTable) table.foreignKeys.push(foreignKey(table, tenant.column, tenantTable.table, 'restrict'));
    }
    for (const [fieldName, raw] of Object.entries(e.fields)) {
      const f = fieldOf(raw);
      const path = ['entities', entity, 'fields', fieldName];
      if (f.type === 'ref') {
        const target = tables.get(f.ref!)!;
        const column = `${fieldName}_id`;
        table.columns.push({ name: column, type: target.keyType, notNull: !f.optional, default: null, ...(f.comment && { comment: f.comment }) });
        const onDelete = onDeleteOf(entity, f);
        table.foreignKeys.push(foreignKey(table, column, target.table, onDelete.action));
        decide({ topic: 'relationships', subject: `${table.name}.${column} → ${target.table.name}`, choice: `ON DELETE ${onDelete.action.toUpperCase()}`, reason: onDelete.reason, ...(onDelete.tradeoff && { tradeoff: onDelete.tradeoff }), from: path });
        if (f.unique) table.uniques.push(uniqueOf(table, tenant && tenantTable?.entity !== entity ? [tenant.column, column] : [column]));
        continue;
      }
      if (f.type === 'enum') {
        addEnumColumn(db, decide, typeNames, lookupRows, table, entity, fieldName, f, path);
      } else {
        const t = columnTypeOf(f);
        if (!t) throw new SchemawiseError(`entities.${entity}.fields.${fieldName}: unknown type "${f.type}"`);
        // A required json document with no default starts as an empty object, not a NULL the application must avoid.
        const fallback = t.type === 'jsonb' && !f.optional && f.default === undefined ? `'{}'::jsonb` : null;
        const column: Column = { name: fieldName, type: t.type, notNull: !f.optional, default: defaultSql(f) ?? fallback, ...(f.comment && { comment: f.comment }) };
        table.columns.push(column);
        for (const [i, check] of [...t.checks, ...(f.check ? [checkSql(f.check)] : [])].entries()) {
          table.checks.push({ name: identifier(`${table.name}_${fieldName}_check${i ? i + 1 : ''}`), expression: check.replaceAll('{col}', quoteIdent(fieldName)) });
        }
        if (t.type !== 'text' || f.type !== 'text' || f.max_length) decide({ topic: 'types', subject: `${table.name}.${fieldName}`, choice: t.type, reason: t.reason, ...(t.tradeoff && { tradeoff: t.tradeoff }), from: path });
      }
      if (f.unique) addUnique(decide, table, fieldName, f, tenant && tenantTable?.entity !== entity ? tenant.column : undefined, path);
    }
    addTimestamps(spec, table, e);
  }

  for (const [i, r] of spec.relationships.entries()) {
    if ('many' in r) joinTables.set(i, addJoinTable(schema.tables, { db, decide, tables, typeNames, lookupRows, plural, timestamps: spec.conventions.timestamps, ...(tenant && { tenant: { column: tenant.column, ...(tenantTable && { table: tenantTable }) } }) }, r, i));
    else {
      const owner = tables.get(r.one)!;
      const owned = tables.get(r.to_one)!;
      const column = `${r.one}_id`;
      if (!owned.table.columns.some((c) => c.name === column)) owned.table.columns.splice(1, 0, { name: column, type: owner.keyType, notNull: !r.optional, default: null });
      const action = r.on_delete ?? 'cascade';
      // A ref field `user` already made the column and its foreign key: the relationship makes it unique, and says its ON DELETE.
      const existing = owned.table.foreignKeys.find((k) => k.columns.length === 1 && k.columns[0] === column);
      if (existing) existing.onDelete = action;
      else owned.table.foreignKeys.push(foreignKey(owned.table, column, owner.table, action));
      if (!owned.table.uniques.some((u) => u.columns.length === 1 && u.columns[0] === column)) owned.table.uniques.push(uniqueOf(owned.table, [column]));
      decide({ topic: 'relationships', subject: `${owner.table.name} 1–1 ${owned.table.name}`, choice: `${owned.table.name}.${column} UNIQUE, ON DELETE ${action.toUpperCase()}`, reason: `one ${r.to_one} per ${r.one}: the foreign key on the dependent side, unique so there cannot be two`, from: ['relationships', i] });
    }
  }

  const denormalizations: DesignModel['denormalizations'] = [];
  for (const [i, d] of spec.denormalize.entries()) denormalizations.push(addDenormalization(schema, decide, tables, d, i));

  schema.tables.unshift(...[...tables.values()].map((t) => t.table));
  addUpdatedAtTrigger(schema, decide, spec);
  const coPartitions = addPartitioning(spec, tables, schema.tables, decide);
  addForeignKeyIndexes(schema.tables, decide);
  addDeclaredIndexes(spec, tables, decide);
  warnings.push(...normalFormWarnings(spec));
  if (spec.postgres < 18 && [...tables.values()].some((t) => t.keyType === 'uuid')) schema.functions.push(UUID_V7);
  const design: DesignModel = { database: db, decisions, warnings, tables, ops: new Map(), lookupRows, joinTables, denormalizations, coPartitions };
  design.ops = designOperations(spec, design);
  const scaleOut = planScaleOut(spec, design);
  decisions.push(...scaleOut.decisions);
  if ('sql' in scaleOut) design.ops.set('ops/citus.sql', scaleOut.sql);
  return design;
}

/**
 * A version 7 uuid before PostgreSQL 18: a random (v4) uuid whose first 48 bits become the Unix
 * time in milliseconds and whose version nibble becomes 7 (bits 52 and 53 of the bytes, counted
 * from each byte's low bit, turn 0100 into 0111; the variant bits stay those of v4).
 */
const UUID_V7: Routine = {
  name: 'uuid_v7',
  arguments: '',
  returns: 'uuid',
  language: 'sql',
  kind: 'function',
  parameters: [],
  body: `
  SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
    PLACING substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3) FROM 1 FOR 6), 52, 1), 53, 1), 'hex')::uuid
`,
};

const article = (word: string) => (/^[aeiou]/i.test(word) ? 'an' : 'a');

function keyTypeOf(spec: Spec, e: EntitySpec): 'bigint' | 'uuid' {
  if (spec.conventions.primary_keys !== 'auto') return spec.conventions.primary_keys;
  return e.ids && e.ids !== 'internal' ? 'uuid' : 'bigint';
}

function keyColumn(spec: Spec, keyType: 'bigint' | 'uuid'): Column {
  if (keyType === 'bigint') return { name: 'id', type: 'bigint', notNull: true, default: null, identity: 'always' };
  return { name: 'id', type: 'uuid', notNull: true, default: spec.postgres >= 18 ? 'uuidv7()' : 'uuid_v7()' };
}

function keyDecision(spec: Spec, entity: string, e: EntitySpec, table: string, keyType: 'bigint' | 'uuid'): Decision {
  const from = e.ids ? ['entities', entity, 'ids'] : ['conventions', 'primary_keys'];
  if (keyType === 'bigint') {
    return { topic: 'keys', subject: table, choice: '`id bigint GENERATED ALWAYS AS IDENTITY`', reason: 'ids are internal: 8 bytes, ordered (inserts append to the key\'s index), never exhausted; ALWAYS so no one writes ids by hand and desynchronises the sequence', tradeoff: 'ids are guessable and reveal volume: not for URLs or APIs (ids: exposed gives uuid)', from };
  }
  const why = e.ids === 'client-generated' ? 'clients create ids before the row exists' : e.ids === 'merged' ? 'rows are merged across systems without collisions' : e.ids === 'exposed' ? 'ids appear in URLs and APIs: not guessable, not revealing volume' : 'the spec asks for uuid keys';
  return spec.postgres >= 18
    ? { topic: 'keys', subject: table, choice: '`id uuid DEFAULT uuidv7()`', reason: `${why}; version 7 is time-ordered, so inserts stay local in the key's index (PostgreSQL 18's uuidv7())`, tradeoff: '16 bytes per key and per reference instead of 8', from }
    : { topic: 'keys', subject: table, choice: '`id uuid DEFAULT uuid_v7()`', reason: `${why}; version 7 is time-ordered, so inserts stay local in the key's index: uuid_v7() is a SQL function of the design doing what PostgreSQL 18's uuidv7() does (the spec targets ${spec.postgres}), not gen_random_uuid()'s random version 4`, tradeoff: '16 bytes per key and per reference instead of 8; a v7 id reveals when the row was created', from };
}

/**
 * ON DELETE: as the spec says, else SET NULL for an optional reference, CASCADE for a part of
 * its parent (`order_item.order`: the entity is named after the parent), RESTRICT otherwise.
 */
function onDeleteOf(entity: string, f: FieldSpec): { action: ReferentialAction; reason: string; tradeoff?: string } {
  if (f.on_delete) return { action: f.on_delete as ReferentialAction, reason: 'as the spec says' };
  if (f.optional) return { action: 'set null', reason: `the reference is optional: the ${entity} outlives its ${f.ref}` };
  if (entity.startsWith(`${f.ref}_`)) return { action: 'cascade', reason: `${article(entity)} ${entity} is part of its ${f.ref}: it goes with it`, tradeoff: 'a delete of the parent deletes every part in the same transaction (an index on the reference keeps that fast)' };
  return { action: 'restrict', reason: `a ${f.ref} with ${pluralize(entity)} cannot be deleted by accident: the application decides what happens to them first`, tradeoff: 'deleting it takes an explicit step' };
}

function foreignKey(table: Table, column: string, ref: Table, onDelete: ReferentialAction) {
  const sameTarget = table.foreignKeys.filter((k) => k.refTable.name === ref.name).length;
  const name = identifier(`fk_${table.name}_${ref.name}${sameTarget ? `_${column.replace(/_id$/, '')}` : ''}`);
  return { name, columns: [column], refTable: { schema: 'public', name: ref.name }, refColumns: ['id'], onDelete, onUpdate: 'no action' as ReferentialAction };
}

function uniqueOf(table: Table, columns: string[]) {
  return { name: identifier(`${table.name}_${columns.join('_')}_key`), columns, nullsNotDistinct: false };
}

function addUnique(decide: (d: Decision) => void, table: Table, field: string, f: FieldSpec, tenantColumn: string | undefined, path: (string | number)[]): void {
  const columns = tenantColumn ? [tenantColumn, field] : [field];
  if (f.type === 'email') {
    // Two spellings of one address are one customer: unique on lower(email).
    table.indexes.push({ name: identifier(`idx_${table.name}_${tenantColumn ? `${tenantColumn}_` : ''}lower_${field}`), unique: true, method: 'btree', columns: [...(tenantColumn ? [tenantColumn] : []), `lower(${quoteIdent(field)})`], keys: [...(tenantColumn ? [{ column: tenantColumn, expression: null }] : []), { column: null, expression: `lower(${quoteIdent(field)})` }], where: null, include: [] });
    decide({ topic: 'integrity', subject: `${table.name}.${field}`, choice: `UNIQUE (${tenantColumn ? `${tenantColumn}, ` : ''}lower(${field}))`, reason: 'addresses differ only in case are the same mailbox in practice: unique regardless of case, and the index serves lookups by lower(email)', tradeoff: 'queries must compare lower(email) to use it', from: path });
    return;
  }
  table.uniques.push(uniqueOf(table, columns));
  decide({ topic: 'integrity', subject: `${table.name}.${field}`, choice: `UNIQUE (${columns.join(', ')})`, reason: tenantColumn ? 'a business key, unique within its tenant' : 'a business key: the database, not the application, keeps it unique (two concurrent inserts cannot both pass a check in the application)', from: path });
}

function addEnumColumn(db: Database, decide: (d: Decision) => void, typeNames: Set<string>, lookupRows: LookupRows[], table: Table, entity: string, field: string, f: FieldSpec, path: (string | number)[]): void {
  const values = f.enum ?? [];
  const schema = db.schemas[0];
  if (values.length <= MAX_ENUM_VALUES) {
    // `order.item_status` and `order_item.status` would both be order_item_status: the table's name then, or a number.
    let typeName = identifier(`${entity}_${field}`);
    if (typeNames.has(typeName)) typeName = identifier(`${table.name}_${field}`);
    for (let n = 2; typeNames.has(typeName); n++) typeName = identifier(`${table.name}_${field}_${n}`);
    typeNames.add(typeName);
    schema.enums.push({ name: typeName, values });
    table.columns.push({ name: field, type: quoteIdent(typeName), notNull: !f.optional, default: f.default !== undefined ? `'${String(f.default).replace(/'/g, "''")}'::${quoteIdent(typeName)}` : null, ...(f.comment && { comment: f.comment }) });
    decide({ topic: 'enums', subject: `${table.name}.${field}`, choice: `enum ${typeName} (${values.join(', ')})`, reason: `${values.length} stable values: 4 bytes per row, ordered as declared, invalid values refused`, tradeoff: 'adding a value is a quick ALTER TYPE … ADD VALUE, but removing or renaming one needs a new type and a rewrite: a lookup table suits a list users edit', from: path });
    return;
  }
  const lookup = identifier(`${table.name}_${field}_values`);
  typeNames.add(lookup);
  const lookupTable = emptyTable(lookup);
  lookupTable.columns.push({ name: 'value', type: 'text', notNull: true, default: null });
  lookupTable.primaryKey = { name: `${lookup}_pkey`, columns: ['value'] };
  schema.tables.push(lookupTable);
  table.columns.push({ name: field, type: 'text', notNull: !f.optional, default: f.default !== undefined ? `'${String(f.default).replace(/'/g, "''")}'` : null, ...(f.comment && { comment: f.comment }) });
  lookupRows.push({ table: lookup, column: 'value', values });
  table.foreignKeys.push({ name: identifier(`fk_${table.name}_${lookup}`), columns: [field], refTable: { schema: 'public', name: lookup }, refColumns: ['value'], onDelete: 'restrict', onUpdate: 'cascade' });
  decide({ topic: 'enums', subject: `${table.name}.${field}`, choice: `lookup table ${lookup} (text key), filled with the ${values.length} values`, reason: `${values.length} values: a list that long is data, edited without a schema change`, tradeoff: 'a foreign key check per write; the values are rows (inserted by schema.sql and the initial migration), not the type', from: path });
}

function defaultSql(f: FieldSpec): string | null {
  if (f.default === undefined) return null;
  const v = f.default;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (f.type === 'timestamp' || f.type === 'date') {
    if (/^(now(\(\))?|current_timestamp)$/i.test(v)) return f.type === 'date' ? 'CURRENT_DATE' : 'now()';
    if (/^(today|current_date)$/i.test(v)) return 'CURRENT_DATE';
  }
  return `'${v.replace(/'/g, "''")}'`;
}

/** `> 0`, `between 1 and 5`, `in ('a', 'b')` apply to the column; anything else is a whole expression. */
function checkSql(check: string): string {
  return CHECK_ON_FIELD.test(check) ? `{col} ${check.trim()}` : check.trim();
}

function addTimestamps(spec: Spec, table: Table, e: EntitySpec): void {
  if (e.soft_delete) table.columns.push({ name: 'deleted_at', type: 'timestamp with time zone', notNull: false, default: null });
  if (!spec.conventions.timestamps) return;
  if (!table.columns.some((c) => c.name === 'created_at')) table.columns.push({ name: 'created_at', type: 'timestamp with time zone', notNull: true, default: 'now()' });
  if (!e.append_only && !table.columns.some((c) => c.name === 'updated_at')) table.columns.push({ name: 'updated_at', type: 'timestamp with time zone', notNull: true, default: 'now()' });
}

/** One `set_updated_at()` trigger function; a BEFORE UPDATE trigger on each table with `updated_at`. */
function addUpdatedAtTrigger(schema: Database['schemas'][number], decide: (d: Decision) => void, spec: Spec): void {
  const tables = schema.tables.filter((t) => t.columns.some((c) => c.name === 'updated_at'));
  if (!tables.length) return;
  const fn: Routine = { name: 'set_updated_at', arguments: '', returns: 'trigger', language: 'plpgsql', kind: 'function', parameters: [], body: '\nBEGIN\n  NEW.updated_at := now();\n  RETURN NEW;\nEND;\n' };
  schema.functions.push(fn);
  for (const t of tables) {
    schema.triggers.push({ name: identifier(`trg_${t.name}_updated_at`), table: { schema: 'public', name: t.name }, function: { schema: 'public', name: 'set_updated_at' }, timing: 'before', events: ['update'], forEach: 'row' } satisfies Trigger);
  }
  decide({ topic: 'integrity', subject: 'created_at, updated_at', choice: '`created_at timestamptz NOT NULL DEFAULT now()`; `updated_at` kept by a BEFORE UPDATE trigger (`set_updated_at()`)', reason: 'every writer gets them right, including ad-hoc SQL and other services; append-only entities have no updated_at', tradeoff: 'a trigger call per updated row (microseconds)', from: spec.conventions.timestamps ? ['conventions', 'timestamps'] : undefined });
}

interface JoinContext {
  db: Database;
  decide: (d: Decision) => void;
  tables: Map<string, DesignedTable>;
  typeNames: Set<string>;
  lookupRows: LookupRows[];
  plural: boolean;
  timestamps: boolean;
  /** The tenant column, and the tenants' table when the spec names the entity. */
  tenant?: { column: string; table?: DesignedTable };
}

function addJoinTable(tablesOut: Table[], ctx: JoinContext, r: { many: string; to_many: string; through?: string; fields?: Record<string, string | FieldSpec> }, i: number): Table {
  const { decide, tables, plural, tenant } = ctx;
  const [a, b] = [tables.get(r.many)!, tables.get(r.to_many)!];
  const name = r.through ? (plural ? pluralize(r.through) : r.through) : `${r.many}_${plural ? pluralize(r.to_many) : r.to_many}`;
  if (ctx.typeNames.has(name)) throw new SchemawiseError(`relationships[${i}]: its join table would be ${name}, already the name of ${[...tables.values()].find((t) => t.table.name === name)?.entity ? `the table of entity ${[...tables.values()].find((t) => t.table.name === name)!.entity}` : 'another table or type'}: give it another name with through:, or declare the pair as that entity's ref fields instead`);
  ctx.typeNames.add(name);
  const table = emptyTable(name);
  // A relationship of an entity with itself (follows): the second side is the "related" one.
  const [ca, cb] = [`${r.many}_id`, r.many === r.to_many ? `related_${r.to_many}_id` : `${r.to_many}_id`];
  if (tenant) table.columns.push({ name: tenant.column, type: tenant.table?.keyType ?? 'bigint', notNull: true, default: null });
  table.columns.push({ name: ca, type: a.keyType, notNull: true, default: null }, { name: cb, type: b.keyType, notNull: true, default: null });
  // The pair's own facts (`role`, `position`): typed columns on the join table.
  for (const [field, raw] of Object.entries(r.fields ?? {})) {
    const f = fieldOf(raw);
    const path = ['relationships', i, 'fields', field];
    if (table.columns.some((c) => c.name === field) || field === 'created_at') throw new SchemawiseError(`relationships[${i}].fields.${field}: the join table has that column already`);
    if (f.type === 'enum') {
      addEnumColumn(ctx.db, decide, ctx.typeNames, ctx.lookupRows, table, singularOf(name, plural), field, f, path);
      continue;
    }
    const t = columnTypeOf(f);
    if (!t) throw new SchemawiseError(`relationships[${i}].fields.${field}: a join table's field has a value type, not ${f.type}`);
    table.columns.push({ name: field, type: t.type, notNull: !f.optional, default: defaultSql(f) });
    for (const [k, check] of [...t.checks, ...(f.check ? [checkSql(f.check)] : [])].entries()) table.checks.push({ name: identifier(`${table.name}_${field}_check${k ? k + 1 : ''}`), expression: check.replaceAll('{col}', quoteIdent(field)) });
  }
  if (ctx.timestamps) table.columns.push({ name: 'created_at', type: 'timestamp with time zone', notNull: true, default: 'now()' });
  table.primaryKey = { name: identifier(`${name}_pkey`), columns: [ca, cb] };
  if (tenant?.table) table.foreignKeys.push(foreignKey(table, tenant.column, tenant.table.table, 'restrict'));
  // One at a time: the second name depends on the first (two keys to one table are told apart by column).
  table.foreignKeys.push(foreignKey(table, ca, a.table, 'cascade'));
  table.foreignKeys.push(foreignKey(table, cb, b.table, 'cascade'));
  tablesOut.push(table);
  decide({ topic: 'relationships', subject: `${a.table.name} ↔ ${b.table.name}`, choice: `join table ${name} (${ca}, ${cb}) with that primary key; both foreign keys ON DELETE CASCADE`, reason: 'many-to-many: a pair is a row; the key is the pair (no surrogate id: nothing refers to a pair), and serves lookups from the first side; the second side gets its own index', from: ['relationships', i] });
  return table;
}

const singularOf = (table: string, plural: boolean) => (plural ? singularize(table) : table);

/**
 * A declared denormalisation: the copied column, filled on insert and when the reference
 * changes, and updated in every child when the source changes — triggers, so no writer can
 * forget it.
 */
function addDenormalization(schema: Database['schemas'][number], decide: (d: Decision) => void, tables: Map<string, DesignedTable>, d: { entity: string; field: string; from: string; reason: string }, i: number): DesignModel['denormalizations'][number] {
  const child = tables.get(d.entity)!;
  const [sourceEntity, sourceField] = d.from.split('.');
  const parent = tables.get(sourceEntity)!;
  const source = parent.table.columns.find((c) => c.name === sourceField)!;
  const refs = child.table.foreignKeys.filter((k) => k.refTable.name === parent.table.name && k.columns.length === 1);
  if (!refs.length) throw new SchemawiseError(`denormalize[${i}]: ${d.entity} has no reference to ${sourceEntity} to copy ${d.from} through`);
  if (refs.length > 1) throw new SchemawiseError(`denormalize[${i}]: ${d.entity} refers to ${sourceEntity} ${refs.length} times (${refs.map((k) => k.columns[0]).join(', ')}): which one ${d.field} copies through is ambiguous`);
  const ref = refs[0];
  const via = ref.columns[0];
  const nullable = !source.notNull || !child.table.columns.find((c) => c.name === via)!.notNull;
  child.table.columns.push({ name: d.field, type: source.type, notNull: !nullable, default: null });
  const fill = identifier(`${child.table.name}_fill_${d.field}`);
  // One spread function per copy: two copies of one source each follow it.
  const spread = identifier(`${parent.table.name}_spread_${sourceField}_to_${child.table.name}`);
  const [c, p, col, s, v] = [quoteIdent(child.table.name), quoteIdent(parent.table.name), quoteIdent(d.field), quoteIdent(sourceField), quoteIdent(via)];
  schema.functions.push(
    { name: fill, arguments: '', returns: 'trigger', language: 'plpgsql', kind: 'function', parameters: [], body: `\nBEGIN\n  SELECT ${s} INTO NEW.${col} FROM ${p} WHERE id = NEW.${v};\n  RETURN NEW;\nEND;\n` },
    { name: spread, arguments: '', returns: 'trigger', language: 'plpgsql', kind: 'function', parameters: [], body: `\nBEGIN\n  UPDATE ${c} SET ${col} = NEW.${s} WHERE ${v} = NEW.id;\n  RETURN NULL;\nEND;\n` },
  );
  schema.triggers.push(
    { name: identifier(`trg_${fill}`), table: { schema: 'public', name: child.table.name }, function: { schema: 'public', name: fill }, timing: 'before', events: ['insert', 'update'], forEach: 'row', columns: [via] },
    { name: identifier(`trg_${spread}`), table: { schema: 'public', name: parent.table.name }, function: { schema: 'public', name: spread }, timing: 'after', events: ['update'], forEach: 'row', columns: [sourceField], when: `OLD.${s} IS DISTINCT FROM NEW.${s}` },
  );
  decide({
    topic: 'denormalization',
    subject: `${child.table.name}.${d.field}`,
    choice: `a copy of ${parent.table.name}.${sourceField}, through ${via}; filled by ${fill}() on insert and when ${via} changes, spread by ${spread}() when ${sourceField} changes`,
    reason: d.reason,
    tradeoff: `an update of ${parent.table.name}.${sourceField} rewrites that value in every ${child.entity} row of the ${sourceEntity} (in the same transaction); ${source.type} stored twice`,
    from: ['denormalize', i],
  });
  return { child: child.table.name, parent: parent.table.name, triggers: [identifier(`trg_${fill}`), identifier(`trg_${spread}`)] };
}

/** Tables to partition: with a retention and 10M rows at their horizon (old data leaves by DROP, not DELETE), or 500M rows in any case. */
const PARTITION_WITH_RETENTION = 10_000_000;
const PARTITION_ALWAYS = 500_000_000;
/** Hash partitions by tenant: each a sixteenth of the table, its indexes and its vacuum. */
const HASH_PARTITIONS = 16;

/**
 * Range partitioning by month on the entity's first timestamp field (else created_at), with a
 * DEFAULT partition so rows always have a home; ops/partitions.sql creates months ahead and
 * detaches and drops those past retention. The key must be part of every unique constraint of a
 * partitioned table, so the primary key becomes (id, key) — and a table other tables refer to
 * is not partitioned: their foreign keys would have to carry the key too (co-partitioning).
 * A multi-tenant table with no retention is hash-partitioned by its tenant column instead:
 * nothing leaves by age, and a tenant's queries read one partition.
 */
function addPartitioning(spec: Spec, tables: Map<string, DesignedTable>, all: Table[], decide: (d: Decision) => void): CoPartition[] {
  const coPartitions: CoPartition[] = [];
  // Tables others refer to first: whether they are partitioned decides their referrers' partitioning (spec order must not).
  const referenced = (entity: string) => all.some((t) => t.foreignKeys.some((k) => k.refTable.name === tables.get(entity)!.table.name));
  const ordered = Object.entries(spec.entities).sort(([a], [b]) => Number(referenced(b)) - Number(referenced(a)));
  const entityOf = new Map([...tables.values()].map((t) => [t.table.name, spec.entities[t.entity]]));
  for (const [entity, e] of ordered) {
    const { now, horizon, months } = horizonRows(e);
    const wanted = (e.retention && horizon >= PARTITION_WITH_RETENTION) || horizon >= PARTITION_ALWAYS;
    const { table } = tables.get(entity)!;
    // Already partitioned with a table it refers to.
    if (table.partitioning) continue;
    const key = ageColumn(e, table);
    if (e.retention && !key) throw new SchemawiseError(`entities.${entity}.retention: a row's age needs a timestamp field (or conventions.timestamps for created_at)`);
    const size = `${compact(now)} rows now, ${compact(horizon)} after ${Math.round(months)} months${e.retention ? ` (its retention, ${e.retention})` : ''}`;
    if (!wanted) {
      if (e.retention) decide({ topic: 'partitioning', subject: table.name, choice: 'not partitioned', reason: `${size}: below the partitioning thresholds (10M rows at the horizon with a retention), so old rows leave by batched DELETE (ops/retention.sql, by ${key})`, from: ['entities', entity, 'retention'] });
      continue;
    }
    // A self-reference counts: its foreign key would need the partition key as much as another table's.
    const referrers = all.filter((t) => t.foreignKeys.some((k) => k.refTable.name === table.name)).map((t) => (t === table ? 'itself' : t.name));
    const tenantColumn = spec.tenancy !== 'none' && !e.retention && table.columns.some((c) => c.name === (spec.tenancy as { column: string }).column) ? (spec.tenancy as { column: string }).column : undefined;
    const uniqueKeys = [...table.uniques.map((u) => u.columns), ...table.indexes.filter((x) => x.unique).map((x) => x.keys.map((k) => k.column ?? ''))];
    if (tenantColumn && !referrers.length && uniqueKeys.every((cols) => cols.includes(tenantColumn))) {
      table.partitioning = { strategy: 'hash', keys: [tenantColumn] };
      table.primaryKey = { name: table.primaryKey!.name, columns: ['id', tenantColumn] };
      for (let r = 0; r < HASH_PARTITIONS; r++) {
        const partition = emptyTable(identifier(`${table.name}_p${String(r).padStart(2, '0')}`));
        partition.partitionOf = { parent: { schema: 'public', name: table.name }, bound: `FOR VALUES WITH (MODULUS ${HASH_PARTITIONS}, REMAINDER ${r})` };
        all.push(partition);
      }
      decide({ topic: 'partitioning', subject: table.name, choice: `PARTITION BY HASH (${tenantColumn}), ${HASH_PARTITIONS} partitions; primary key (id, ${tenantColumn})`, reason: `${size}, a tenant's rows and no retention: a query for one tenant reads one partition, and each partition's indexes and vacuum are a sixteenth of the table's`, tradeoff: `lookups by id alone visit all ${HASH_PARTITIONS} partitions (give ${tenantColumn} too); the partition count is fixed (changing it rewrites the table)`, from: ['entities', entity] });
      continue;
    }
    // Before PostgreSQL 15 an UPDATE moving a row to another partition fires the references' ON DELETE: co-partitioned children would be deleted.
    const children = key && spec.postgres >= 15 ? coPartitionable(table, all, entityOf) : undefined;
    if (!key || (referrers.length && !children) || table.uniques.length || table.indexes.some((x) => x.unique)) {
      const why = !key ? 'it has no timestamp to partition by' : referrers.length && !children ? `${referrers.join(', ') === 'itself' ? 'it refers to itself' : `${referrers.join(', ')} refer${referrers.length === 1 ? 's' : ''} to it`}: the foreign keys would have to include the partition key, and ${referrers.includes('itself') ? 'a table cannot be partitioned with itself' : spec.postgres < 15 ? `before PostgreSQL 15 (the spec targets ${spec.postgres}) moving a row to another month's partition fires the reference's ON DELETE on its children` : 'only a table that refers to it once, by a required reference, with no unique key, no retention of its own and nothing referring to it, is partitioned along with it'}` : `its unique keys would have to include ${key}`;
      decide({ topic: 'partitioning', subject: table.name, choice: 'not partitioned', reason: `${size}, but ${why}`, tradeoff: e.retention ? `old rows leave by batched DELETE (ops/retention.sql), which costs vacuum work that dropping a partition would not` : 'one large table: vacuum and index maintenance grow with it', from: ['entities', entity] });
      continue;
    }
    table.partitioning = { strategy: 'range', keys: [key] };
    table.primaryKey = { name: table.primaryKey!.name, columns: ['id', key] };
    const column = table.columns.find((c) => c.name === key)!;
    column.notNull = true;
    const partition = emptyTable(identifier(`${table.name}_default`));
    partition.partitionOf = { parent: { schema: 'public', name: table.name }, bound: 'DEFAULT' };
    all.push(partition);
    decide({ topic: 'partitioning', subject: table.name, choice: `PARTITION BY RANGE (${key}), a partition per month, and a DEFAULT partition; primary key (id, ${key})`, reason: `${size}: ${e.retention ? 'past its retention a month leaves with DETACH + DROP (instant, no vacuum), and ' : ''}queries on recent ${key} read only the recent partitions`, tradeoff: `every unique key must include ${key}, lookups by id alone visit every partition's index (give ${key} when you can), and partitions must be created ahead: ops/partitions.sql`, from: ['entities', entity] });
    for (const { child, fk } of children ?? []) coPartitions.push(coPartition(table, key, column.type, child, fk, all, decide, e.retention));
  }
  return coPartitions;
}

/**
 * The tables that can be partitioned along with `table` (co-partitioning): each refers to it
 * once, by a required single-column reference, has no unique key but its primary key (which
 * gains the copied key), has no retention of its own, is not partitioned, and nothing refers
 * to it. Undefined when any
 * referrer cannot: the table then stays whole.
 */
function coPartitionable(table: Table, all: Table[], entityOf: Map<string, EntitySpec>): { child: Table; fk: ForeignKey }[] | undefined {
  const out: { child: Table; fk: ForeignKey }[] = [];
  for (const t of all) {
    const fks = t.foreignKeys.filter((k) => k.refTable.name === table.name);
    if (!fks.length) continue;
    const [fk] = fks;
    const required = fks.length === 1 && fk.columns.length === 1 && t.columns.find((c) => c.name === fk.columns[0])?.notNull;
    const referenced = all.some((o) => o.foreignKeys.some((k) => k.refTable.name === t.name));
    // A retention of its own would drop its months on another schedule than the parent's (a parent month cannot leave while children refer to it).
    if (t === table || !required || referenced || t.partitioning || t.partitionOf || t.uniques.length || t.indexes.some((x) => x.unique) || entityOf.get(t.name)?.retention) return undefined;
    out.push({ child: t, fk });
  }
  return out.length ? out : undefined;
}

/**
 * A referrer partitioned with its parent: the parent's partition key copied in (written by the
 * application with each row: a BEFORE trigger cannot set a partition key, the row is routed
 * first), the reference made (ref, copy) → (id, key) so the copy cannot be wrong, and the same
 * monthly partitions — a month of both leaves together, the children's first.
 */
function coPartition(parent: Table, key: string, type: string, child: Table, fk: ForeignKey, all: Table[], decide: (d: Decision) => void, retention: string | undefined): CoPartition {
  const via = fk.columns[0];
  let column = identifier(`${via.replace(/_id$/, '')}_${key}`);
  for (let n = 2; child.columns.some((c) => c.name === column); n++) column = identifier(`${via.replace(/_id$/, '')}_${key}_${n}`);
  child.columns.splice(child.columns.findIndex((c) => c.name === via) + 1, 0, { name: column, type, notNull: true, default: null });
  fk.columns = [via, column];
  fk.refColumns = ['id', key];
  // A corrected parent timestamp moves its children with it (their partition too).
  fk.onUpdate = 'cascade';
  child.partitioning = { strategy: 'range', keys: [column] };
  child.primaryKey = { name: child.primaryKey!.name, columns: [...child.primaryKey!.columns, column] };
  const partition = emptyTable(identifier(`${child.name}_default`));
  partition.partitionOf = { parent: { schema: 'public', name: child.name }, bound: 'DEFAULT' };
  all.push(partition);
  decide({
    topic: 'partitioning',
    subject: child.name,
    choice: `PARTITION BY RANGE (${column}), the months of ${parent.name}; ${column} copies ${parent.name}.${key}; foreign key (${via}, ${column}) → ${parent.name} (id, ${key}) ON UPDATE CASCADE`,
    reason: `${parent.name} is partitioned and ${child.name} refers to it: a reference to a partitioned table must name its whole key; partitioned alike, ${retention ? `a month of both leaves together past the retention of ${parent.name} (${retention}), the month of ${child.name} first` : `the rows of ${parent.name} and their ${child.name} sit in partitions of the same month`}`,
    tradeoff: `the application writes ${column} with each row (the ${parent.name.replace(/s$/, '')}'s ${key}; the foreign key refuses a wrong one) — a trigger cannot: PostgreSQL routes a row to its partition before BEFORE triggers run`,
  });
  return { child: child.name, parent: parent.name, column };
}

const compact = (n: number) => (n >= 1e9 ? `${+(n / 1e9).toPrecision(3)}B` : n >= 1e6 ? `${+(n / 1e6).toPrecision(3)}M` : n >= 1e3 ? `${+(n / 1e3).toPrecision(3)}k` : String(Math.round(n)));

/** `indexed: true` on a field: an index on it (unless a key already leads with it), said as asked. */
function addDeclaredIndexes(spec: Spec, tables: Map<string, DesignedTable>, decide: (d: Decision) => void): void {
  for (const [entity, e] of Object.entries(spec.entities)) {
    const { table } = tables.get(entity)!;
    for (const [field, raw] of Object.entries(e.fields)) {
      const f = fieldOf(raw);
      if (!f.indexed) continue;
      const column = f.type === 'ref' ? `${field}_id` : field;
      const leading = [table.primaryKey?.columns, ...table.uniques.map((u) => u.columns), ...table.indexes.map((x) => x.columns)];
      if (leading.some((cols) => cols?.[0] === column)) continue;
      const name = identifier(`idx_${table.name}_${column}`);
      table.indexes.push({ name, unique: false, method: 'btree', columns: [column], keys: [{ column, expression: null }], where: null, include: [] });
      decide({ topic: 'indexes', subject: `${table.name} (${column})`, choice: name, reason: 'the spec says the field is searched often (indexed: true)', from: ['entities', entity, 'fields', field] });
    }
  }
}

/** An index on each foreign key no primary key, unique key or index leads with: deletes of the parent and joins from it. */
function addForeignKeyIndexes(tables: Table[], decide: (d: Decision) => void): void {
  const added: string[] = [];
  for (const t of tables) {
    const leading = [t.primaryKey?.columns, ...t.uniques.map((u) => u.columns), ...t.indexes.map((x) => x.keys.map((k) => k.column ?? ''))].filter((cols): cols is string[] => !!cols);
    for (const fk of t.foreignKeys) {
      if (leading.some((cols) => fk.columns.every((c, i) => cols[i] === c))) continue;
      const name = identifier(`idx_${t.name}_${fk.columns.join('_')}`);
      t.indexes.push({ name, unique: false, method: 'btree', columns: [...fk.columns], keys: fk.columns.map((column) => ({ column, expression: null })), where: null, include: [] });
      leading.push(fk.columns);
      added.push(`${t.name} (${fk.columns.join(', ')})`);
    }
  }
  if (added.length) decide({ topic: 'indexes', subject: 'foreign keys', choice: added.join('; '), reason: 'a delete or key update of the parent looks up its children by the referencing column: without an index that is a scan of the child table per parent row, under lock; joins from parent to children use it too' });
}

/** Smells in the requirements a reviewer would point out: repeating groups, a field of another entity, a list in a text field. */
function normalFormWarnings(spec: Spec): DesignWarning[] {
  const out: DesignWarning[] = [];
  const fieldsOf = new Map(Object.entries(spec.entities).map(([name, e]) => [name, new Set(Object.keys(e.fields))]));
  const denormalized = new Set(spec.denormalize.map((d) => `${d.entity}.${d.field}`));
  for (const [entity, e] of Object.entries(spec.entities)) {
    const groups = new Map<string, string[]>();
    for (const field of Object.keys(e.fields)) {
      const m = /^(.*?)_?(\d+)$/.exec(field);
      if (m) groups.set(m[1], [...(groups.get(m[1]) ?? []), field]);
    }
    for (const [stem, fields] of groups) {
      if (fields.length >= 2) out.push({ subject: `${entity}.${fields.join(', ')}`, message: `a repeating group (${fields.join(', ')}): one row per ${stem} in a table of its own, or an array, instead of numbered fields (first normal form)`, from: ['entities', entity, 'fields', fields[0]] });
    }
    for (const [field, raw] of Object.entries(e.fields)) {
      const f = fieldOf(raw);
      for (const [other, fields] of fieldsOf) {
        if (other === entity || !field.startsWith(`${other}_`) || denormalized.has(`${entity}.${field}`)) continue;
        const rest = field.slice(other.length + 1);
        if (fields.has(rest)) out.push({ subject: `${entity}.${field}`, message: `looks like ${other}.${rest} stored again (third normal form): refer to the ${other}, or declare it under denormalize with the reason`, from: ['entities', entity, 'fields', field] });
      }
      if ((f.type === 'text' || f.type === undefined) && /(s|_list|_ids)$/.test(field) && !/(status|address|class|alias|bus|news)$/.test(field)) {
        out.push({ subject: `${entity}.${field}`, message: `a plural name on a text field: if it holds a list, use text[] or a table of its own (first normal form)`, from: ['entities', entity, 'fields', field] });
      }
    }
  }
  return out;
}
