import type { Engine } from '../engine/engine.js';

/** Rows given to each empty table: enough for duplicates and a NULL, few enough to stay instant. */
export const ROWS_PER_TABLE = 3;

export interface FillResult {
  /** Tables that were empty and got rows, as `schema.table`. */
  filled: string[];
  /** Tables left empty, with PostgreSQL's reason (a CHECK the generated values miss, a type without a generator). */
  failed: { table: string; reason: string }[];
}

interface TableRow {
  oid: number;
  /** Quoted and schema-qualified, ready for SQL. */
  sql: string;
  /** `schema.table`, for people. */
  label: string;
}

interface ColumnRow {
  table: number;
  attnum: number;
  name: string;
  /** As `format_type` spells it in this session: the cast target. */
  type: string;
  not_null: boolean;
  /** The column gets a value without being named: a default (its own or its domain's), identity or generated. */
  has_default: boolean;
  /** Identity, generated, or a default that yields a new value each row (nextval, uuid, random): never given a value. */
  self_valued: boolean;
  /** The type (or the domain's base type): `typcategory`, `typname`, and the same for an array's element. */
  category: string;
  typname: string;
  base_type: string;
  element_category: string | null;
  element_typname: string | null;
  element_type: string | null;
}

interface ForeignKeyRow {
  table: number;
  parent: number;
  parent_sql: string;
  columns: string[];
  parent_columns: string[];
}

const TABLES = `
  SELECT c.oid::int8 AS oid,
         quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS sql,
         n.nspname || '.' || c.relname AS label
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
    AND n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%'
    -- An extension's own tables hold its configuration, not the user's data.
    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
  ORDER BY n.nspname, c.relname`;

const COLUMNS = `
  SELECT a.attrelid::int8 AS table, a.attnum::int4 AS attnum, quote_ident(a.attname) AS name,
         format_type(a.atttypid, a.atttypmod) AS type,
         a.attnotnull OR t.typnotnull AS not_null,
         a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> '' OR t.typdefault IS NOT NULL AS has_default,
         a.attidentity <> '' OR a.attgenerated <> ''
           OR coalesce(pg_get_expr(d.adbin, d.adrelid) ~* '(nextval|uuid|random)[a-z_0-9]*\\(', false) AS self_valued,
         b.typcategory::text AS category, b.typname::text AS typname, format_type(b.oid, NULL) AS base_type,
         e.typcategory::text AS element_category, e.typname::text AS element_typname,
         format_type(e.oid, NULL) AS element_type
  FROM pg_attribute a
  JOIN pg_type t ON t.oid = a.atttypid
  JOIN pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
  LEFT JOIN pg_type e ON e.oid = b.typelem AND b.typcategory = 'A'
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  WHERE a.attrelid = ANY ($1::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
  ORDER BY a.attrelid, a.attnum`;

/** Key columns of unique indexes and exclusion constraints, and the columns their expressions read. */
const UNIQUE_COLUMNS = `
  SELECT i.indrelid::int8 AS table, k.attnum::int4 AS attnum
  FROM pg_index i, unnest(i.indkey::int2[]) AS k(attnum)
  WHERE (i.indisunique OR i.indisexclusion) AND k.attnum > 0 AND i.indrelid = ANY ($1::oid[])
  UNION
  SELECT i.indrelid::int8, d.refobjsubid::int4
  FROM pg_index i JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = i.indexrelid
    AND d.refclassid = 'pg_class'::regclass AND d.refobjid = i.indrelid AND d.refobjsubid > 0
  WHERE (i.indisunique OR i.indisexclusion) AND i.indrelid = ANY ($1::oid[])`;

const FOREIGN_KEYS = `
  SELECT con.conrelid::int8 AS table, con.confrelid::int8 AS parent,
         quote_ident(pn.nspname) || '.' || quote_ident(pc.relname) AS parent_sql,
         ARRAY(SELECT quote_ident(attname) FROM unnest(con.conkey) WITH ORDINALITY k(n, o)
               JOIN pg_attribute ON attrelid = con.conrelid AND attnum = k.n ORDER BY k.o) AS columns,
         ARRAY(SELECT quote_ident(attname) FROM unnest(con.confkey) WITH ORDINALITY k(n, o)
               JOIN pg_attribute ON attrelid = con.confrelid AND attnum = k.n ORDER BY k.o) AS parent_columns
  FROM pg_constraint con
  JOIN pg_class pc ON pc.oid = con.confrelid JOIN pg_namespace pn ON pn.oid = pc.relnamespace
  WHERE con.contype = 'f' AND con.conrelid = ANY ($1::oid[])
  ORDER BY con.conrelid, con.conname`;

/**
 * Gives every empty user table `ROWS_PER_TABLE` generated rows, so migrations meet data as on
 * a real database: a NOT NULL column added without a default, a unique index over values
 * that repeat, a SET NOT NULL over NULLs all fail as they would in production.
 *
 * Values are deterministic and honour types (through each type's text input), NOT NULL,
 * enums, domains and unique keys; foreign keys take their parent's rows, parents filled
 * first. Columns outside unique keys repeat a value (rows 1 and 2) and, when nullable, hold
 * a NULL (row 3) — as real data does. Columns with a default get it. CHECK constraints are
 * not read: a table whose generated rows fail one is left empty and reported in `failed`.
 * Each table is filled under a savepoint, so one failure leaves the others filled.
 */
export async function fillTables(engine: Engine): Promise<FillResult> {
  const tables = await engine.query<TableRow>(TABLES);
  const result: FillResult = { filled: [], failed: [] };
  if (tables.length === 0) return result;
  const oids = [`{${tables.map((t) => t.oid).join(',')}}`];
  const columns = await engine.query<ColumnRow>(COLUMNS, oids);
  const unique = new Set((await engine.query<{ table: number; attnum: number }>(UNIQUE_COLUMNS, oids)).map((r) => `${r.table}:${r.attnum}`));
  const foreignKeys = await engine.query<ForeignKeyRow>(FOREIGN_KEYS, oids);

  await engine.exec('BEGIN');
  try {
    for (const table of parentsFirst(tables, foreignKeys)) {
      const own = columns.filter((c) => c.table === table.oid);
      const insert = insertStatement(table, own, foreignKeys.filter((fk) => fk.table === table.oid), (c) => unique.has(`${table.oid}:${c.attnum}`));
      if (typeof insert !== 'string') {
        result.failed.push({ table: table.label, reason: insert.reason });
        continue;
      }
      await engine.exec('SAVEPOINT schemawise_fill');
      try {
        const [{ count }] = await engine.query<{ count: number }>(`WITH inserted AS (${insert} RETURNING 1) SELECT count(*)::int4 AS count FROM inserted`);
        if (count > 0) result.filled.push(table.label);
        await engine.exec('RELEASE SAVEPOINT schemawise_fill');
      } catch (error) {
        await engine.exec('ROLLBACK TO SAVEPOINT schemawise_fill');
        const e = error as { message?: string; detail?: string };
        result.failed.push({ table: table.label, reason: `PostgreSQL: ${e.message ?? String(error)}${e.detail ? ` (${e.detail})` : ''}` });
      }
    }
    await engine.exec('COMMIT');
  } catch (error) {
    await engine.exec('ROLLBACK').catch(() => {});
    throw error;
  }
  return result;
}

/** Empties every user table `fillTables` would fill, so a step can be retried on empty tables. */
export async function emptyTables(engine: Engine): Promise<void> {
  const tables = await engine.query<TableRow>(TABLES);
  if (tables.length > 0) await engine.exec(`TRUNCATE ${tables.map((t) => t.sql).join(', ')} CASCADE`);
}

/** Parents before the tables that reference them; tables in a reference cycle last, by name. */
function parentsFirst(tables: TableRow[], foreignKeys: ForeignKeyRow[]): TableRow[] {
  const ordered: TableRow[] = [];
  const placed = new Set<number>();
  let remaining = tables;
  while (remaining.length > 0) {
    const ready = remaining.filter((t) => foreignKeys.every((fk) => fk.table !== t.oid || fk.parent === t.oid || placed.has(fk.parent) || !remaining.some((r) => r.oid === fk.parent)));
    const next = ready.length > 0 ? ready : remaining.slice(0, 1);
    for (const t of next) {
      ordered.push(t);
      placed.add(t.oid);
    }
    remaining = remaining.filter((t) => !placed.has(t.oid));
  }
  return ordered;
}

/**
 * `INSERT INTO t (...) SELECT ... FROM generate_series(1, n) AS g(k) ...`, adding rows only
 * while the table is empty. A foreign key reads parent row k (cycling when the parent has
 * fewer) through a LATERAL subquery, so composite keys take their columns from one row.
 */
function insertStatement(table: TableRow, columns: ColumnRow[], foreignKeys: ForeignKeyRow[], isUnique: (c: ColumnRow) => boolean): string | { reason: string } {
  const names: string[] = [];
  const values: string[] = [];
  const joins: string[] = [];
  const fromForeignKey = new Map<string, string>();
  foreignKeys.forEach((fk, i) => {
    if (fk.columns.some((c) => fromForeignKey.has(c))) return;
    const alias = `p${i}`;
    const picked = fk.parent_columns.map((c, j) => `p.${c} AS c${j}`).join(', ');
    const present = fk.parent_columns.map((c) => `p.${c} IS NOT NULL`).join(' AND ');
    joins.push(
      `LEFT JOIN LATERAL (SELECT ${picked} FROM ${fk.parent_sql} AS p WHERE ${present} ORDER BY ${fk.parent_columns.map((c) => `p.${c}`).join(', ')} ` +
        `OFFSET (g.k - 1) % greatest((SELECT count(*) FROM ${fk.parent_sql}), 1) LIMIT 1) AS ${alias} ON true`,
    );
    fk.columns.forEach((c, j) => fromForeignKey.set(c, `${alias}.c${j}`));
  });
  for (const column of columns) {
    const viaForeignKey = fromForeignKey.get(column.name);
    if (column.self_valued) continue;
    if (viaForeignKey !== undefined) {
      names.push(column.name);
      values.push(viaForeignKey);
      continue;
    }
    const unique = isUnique(column);
    // A default is what the application's rows get too; a unique column still needs distinct values.
    if (column.has_default && !unique) continue;
    const k = unique ? 'g.k' : '((g.k + 1) / 2)';
    const text = textValue(column, k);
    if (text === undefined) {
      if (!column.not_null) continue;
      return { reason: `no generator for column ${column.name} of type ${column.type}` };
    }
    const value = `(${text})::${column.type}`;
    names.push(column.name);
    values.push(column.not_null || unique ? value : `CASE WHEN g.k = ${ROWS_PER_TABLE} THEN NULL ELSE ${value} END`);
  }
  const target = names.length > 0 ? `${table.sql} (${names.join(', ')})` : table.sql;
  const select = names.length > 0 ? `SELECT ${values.join(', ')}` : 'SELECT';
  const body = names.length > 0 ? `${select} FROM generate_series(1, ${ROWS_PER_TABLE}) AS g(k) ${joins.join(' ')}` : `${select} FROM generate_series(1, ${ROWS_PER_TABLE}) AS g(k)`;
  // A table whose every column has a default takes DEFAULT VALUES rows: `SELECT` without a list inserts them.
  return `INSERT INTO ${target} ${body} WHERE NOT EXISTS (SELECT 1 FROM ${table.sql})`;
}

/** A text the type's input function accepts, built from the row number expression `k`; undefined when there is no generator. */
function textValue(column: ColumnRow, k: string): string | undefined {
  if (column.category === 'A') {
    const { element_category: category, element_typname: typname, element_type: type } = column;
    const element = category && typname && type ? scalarText(category, typname, type, k) : undefined;
    // Inside double quotes an array element may hold anything but `"` and `\`, which only JSON has.
    return element && typname !== 'json' && typname !== 'jsonb' ? `'{"' || ${element} || '"}'` : `'{}'`;
  }
  return scalarText(column.category, column.typname, column.base_type, k);
}

function scalarText(category: string, typname: string, baseType: string, k: string): string | undefined {
  switch (category) {
    case 'N':
    case 'S':
      return `(${k})::text`;
    case 'B':
      return `((${k}) % 2 = 0)::text`;
    case 'D':
      if (typname === 'date') return `(date '2024-01-01' + ${k})::text`;
      if (typname.startsWith('timestamp')) return `(timestamp '2024-01-01' + ${k} * interval '1 hour')::text`;
      return `(time '00:00' + ${k} * interval '1 minute')::text`;
    case 'T':
      return `(${k})::text || ' days'`;
    case 'E':
      return `(enum_range(NULL::${baseType}))[1 + ((${k}) - 1) % cardinality(enum_range(NULL::${baseType}))]::text`;
    case 'I':
      return `'10.0.0.' || (${k})::text`;
    case 'G':
      return typname === 'point' ? `'(' || (${k})::text || ',' || (${k})::text || ')'` : undefined;
    case 'R':
      if (/^(int4|int8|num)range$/.test(typname)) return `'[' || (${k})::text || ',' || (${k} + 1)::text || ')'`;
      if (/^(date|ts|tstz)range$/.test(typname)) return `'[' || (date '2024-01-01' + ${k})::text || ',' || (date '2024-01-02' + ${k})::text || ')'`;
      return undefined;
    case 'U':
      if (typname === 'uuid') return `md5((${k})::text)`;
      // bytea's text input takes plain characters as their bytes.
      if (typname === 'bytea') return `(${k})::text`;
      if (typname === 'json' || typname === 'jsonb') return `'{"n": ' || (${k})::text || '}'`;
      if (typname === 'xml') return `'<n>' || (${k})::text || '</n>'`;
      if (typname === 'tsvector') return `'w' || (${k})::text`;
      if (typname === 'macaddr' || typname === 'macaddr8') return `'08:00:2b:00:00:' || lpad((${k})::text, 2, '0')`;
      return undefined;
    default:
      return undefined;
  }
}
