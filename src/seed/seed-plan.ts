import { SchemawiseError } from '../errors.js';
import { qualifiedName, quoteIdent } from '../model/quote-ident.js';
import type { Column, Database, ForeignKey, QualifiedName, Table } from '../model/types.js';
import { resolveType } from '../lint/column-types.js';
import { mentionsColumn } from '../lint/sql-text.js';
import { columnBounds, mergeBounds } from './check-bounds.js';
import { uniform, valueExpression } from './value-expression.js';

/**
 * What to generate, table by table, parents first: the INSERT … SELECT of each table over
 * `generate_series`, the keys children will draw from, and the foreign keys filled after
 * everything (self-references and cycles, through nullable columns). Pure: no engine.
 */
export interface SeedOptions {
  /** Rows per table, by `table` or `schema.table`. */
  rows?: Map<string, number>;
  /** Multiplies every table's row count (the asked ones, the live database's, or `defaultRows`). */
  scale?: number;
  /** Rows of a table nothing else sizes: 1000. */
  defaultRows?: number;
  /** Rows generated at most in all: beyond, each table gets a sample of its count and its planner statistics are scaled. */
  maxRows?: number;
  /**
   * Rows generated at most per table: beyond, a sample with scaled statistics. 30 000 (ANALYZE's
   * sample at the default statistics target) makes the statistics exact and so the plans
   * repeatable: ANALYZE reads every row of a table that small instead of a random sample.
   */
  maxTableRows?: number;
  /** Where generated timestamps end: an ISO date (its midnight; today by default) or an ISO timestamp. */
  anchor?: string;
  /** How far back generated timestamps go, in days: 365. */
  horizonDays?: number;
  /** Fraction of NULLs in nullable columns: 0.1. */
  nullFraction?: number;
}

/**
 * The row count of a key source, known once it is built: the runner puts it in place of this
 * token (a constant the planner can fold, not a subquery per row).
 */
export const countToken = (temp: string) => `:count_${temp}:`;

/** A set of key values children draw from: a temporary table `n → columns` built once the parent is filled. */
export interface KeySource {
  temp: string;
  table: QualifiedName;
  columns: string[];
  /** `FROM ONLY`: a table's own rows, not its inheritance children's (a partitioned table's rows are all in its partitions). */
  only: boolean;
}

export interface TableSeed {
  table: QualifiedName;
  /** Partitioned: its rows are in its partitions (no `ONLY`). */
  partitioned: boolean;
  /** Rows the table stands for. */
  rows: number;
  /** Rows generated (a sample when `rows` is beyond what fits; the statistics are then scaled). */
  generate: number;
  /** `INSERT … SELECT …` for rows `$1`..`$2` of `generate_series`. */
  insert: string;
  /** Key sources to build once this table is filled. */
  keys: KeySource[];
  /** Foreign keys filled after every table is: `UPDATE`s over this table's rows, each with `$1`..`$2` row numbers. */
  later: { fk: string; update: string; rows: KeySource }[];
}

export interface SeedPlan {
  tables: TableSeed[];
  notes: string[];
  /** Row counts of the sampled tables as they stand for (the statistics to scale). */
  scaled: { table: QualifiedName; rows: number; generate: number }[];
}

const key = (qn: QualifiedName) => `${qn.schema}.${qn.name}`;

interface Entry {
  qn: QualifiedName;
  table: Table;
}

/** The plan of a seed of `db`'s tables (partitions are filled through their parent). */
export function planSeed(db: Database, options: SeedOptions = {}): SeedPlan {
  const notes: string[] = [];
  const entries: Entry[] = db.schemas.flatMap((s) => s.tables.filter((t) => !t.partitionOf).map((table) => ({ qn: { schema: s.name, name: table.name }, table })));
  const byKey = new Map(entries.map((e) => [key(e.qn), e]));
  checkRowOptions(options.rows, byKey);
  const asked = new Map(entries.map((e) => [key(e.qn), rowsFor(e, options)]));
  const total = [...asked.values()].reduce((a, b) => a + b, 0);
  const fraction = options.maxRows !== undefined && total > options.maxRows ? options.maxRows / total : 1;
  const { order, deferred } = fillOrder(entries, byKey);

  const sources = new Map<string, KeySource>();
  const source = (table: QualifiedName, columns: string[]) => {
    const id = `${key(table)}(${columns.join(',')})`;
    let s = sources.get(id);
    if (!s) sources.set(id, (s = { temp: `sw_keys_${sources.size + 1}`, table, columns, only: !byKey.get(key(table))?.table.partitioning }));
    return s;
  };
  const seeds = new Map<string, TableSeed>();
  const scaled: SeedPlan['scaled'] = [];
  for (const e of order) {
    const rows = asked.get(key(e.qn))!;
    let generate = fraction < 1 ? Math.max(Math.min(rows, 100), Math.round(rows * fraction)) : rows;
    if (options.maxTableRows !== undefined) generate = Math.min(generate, Math.max(1, options.maxTableRows));
    const plan = planTable(db, e, generate, deferred, options, source, byKey, (qn) => seeds.get(key(qn))?.generate ?? 0);
    if (plan.capacity < generate) {
      notes.push(`${qualifiedName(e.qn.schema, e.qn.name)}: ${plan.capacity} rows at most (${plan.limit}), not ${generate}`);
      generate = plan.capacity;
    } else if (generate < rows) {
      // A sample of what --max-rows leaves room for: its statistics will stand for the rows asked.
      scaled.push({ table: e.qn, rows, generate });
    }
    seeds.set(key(e.qn), { table: e.qn, partitioned: !!e.table.partitioning, rows, generate, insert: plan.insert, keys: [], later: plan.later });
  }
  // Each key source is built right after its table is filled.
  for (const s of sources.values()) seeds.get(key(s.table))!.keys.push(s);
  for (const seed of seeds.values()) for (const l of seed.later) if (!seed.keys.includes(l.rows)) seed.keys.push(l.rows);
  return { tables: order.map((e) => seeds.get(key(e.qn))!), notes, scaled };
}

function checkRowOptions(rows: Map<string, number> | undefined, byKey: Map<string, Entry>): void {
  for (const name of rows?.keys() ?? []) {
    const found = name.includes('.') ? byKey.has(name) : byKey.has(`public.${name}`) || [...byKey.values()].some((e) => e.qn.name === name);
    if (!found) throw new SchemawiseError(`--rows: no table ${name} in the schema (tables: ${[...byKey.keys()].slice(0, 8).join(', ')}${byKey.size > 8 ? ', …' : ''})`);
  }
}

function rowsFor(e: Entry, options: SeedOptions): number {
  const asked = options.rows?.get(key(e.qn)) ?? options.rows?.get(e.qn.name);
  const base = asked ?? e.table.stats?.rows ?? options.defaultRows ?? 1000;
  return Math.max(0, Math.round(base * (asked === undefined ? (options.scale ?? 1) : 1)));
}

/**
 * Parents before children. A foreign key to the table itself, or one that closes a cycle, is
 * filled afterwards by an UPDATE — only through nullable columns: a NOT NULL cycle has no first row.
 */
function fillOrder(entries: Entry[], byKey: Map<string, Entry>): { order: Entry[]; deferred: Set<ForeignKey> } {
  const deferred = new Set<ForeignKey>();
  const nullable = (e: Entry, fk: ForeignKey) => fk.columns.every((c) => !e.table.columns.find((x) => x.name === c)?.notNull);
  const edges = (e: Entry) => e.table.foreignKeys.filter((fk) => !deferred.has(fk) && byKey.has(key(fk.refTable)) && key(fk.refTable) !== key(e.qn));
  for (const e of entries) {
    for (const fk of e.table.foreignKeys) {
      if (key(fk.refTable) !== key(e.qn)) continue;
      if (!nullable(e, fk)) throw new SchemawiseError(`${qualifiedName(e.qn.schema, e.qn.name)}.${fk.name} references its own table through NOT NULL columns: no first row can be inserted`);
      deferred.add(fk);
    }
  }
  const order: Entry[] = [];
  const done = new Set<string>();
  const left = [...entries];
  while (left.length) {
    const ready = left.findIndex((e) => edges(e).every((fk) => done.has(key(fk.refTable))));
    if (ready >= 0) {
      const [e] = left.splice(ready, 1);
      order.push(e);
      done.add(key(e.qn));
      continue;
    }
    // A cycle: defer a nullable foreign key among the tables left.
    const breakable = left.flatMap((e) => edges(e).filter((fk) => !done.has(key(fk.refTable)) && nullable(e, fk)));
    if (!breakable.length) {
      throw new SchemawiseError(`tables ${left.map((e) => qualifiedName(e.qn.schema, e.qn.name)).join(', ')} reference each other through NOT NULL foreign keys: no first row can be inserted`);
    }
    deferred.add(breakable[0]);
  }
  return { order, deferred };
}

/** Stable small integer for a name (FNV-1a), so each column has its own random stream. */
function salt(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619) >>> 0;
  return h % 1_000_000_007;
}

interface TablePlan {
  insert: string;
  later: TableSeed['later'];
  capacity: number;
  limit: string;
}

/** Columns PostgreSQL fills itself: identity, generated, a sequence's nextval (serial). */
const filledByDefault = (c: Column) => !!c.identity || c.generated !== undefined || (c.default !== null && /nextval\(/i.test(c.default));

function planTable(
  db: Database,
  e: Entry,
  rows: number,
  deferred: Set<ForeignKey>,
  options: SeedOptions,
  source: (t: QualifiedName, c: string[]) => KeySource,
  byKey: Map<string, Entry>,
  plannedRows: (t: QualifiedName) => number,
): TablePlan {
  const { table, qn } = e;
  const label = qualifiedName(qn.schema, qn.name);
  const nullFraction = options.nullFraction ?? 0.1;
  const uniqueKeys = [
    ...(table.primaryKey ? [table.primaryKey.columns] : []),
    ...table.uniques.map((u) => u.columns),
    // A partial or expression unique index is kept distinct too: its columns distinct per row
    // make it so (`lower(email)` of distinct generated emails, which are lower case).
    ...table.indexes.filter((i) => i.unique).map((i) => i.keys.flatMap((k) => (k.column !== null ? [k.column] : table.columns.filter((c) => mentionsColumn(k.expression ?? '', c.name)).map((c) => c.name)))),
  ].filter((cols) => cols.length);
  const inKey = new Set(uniqueKeys.flat());
  const fks = table.foreignKeys.filter((fk) => byKey.has(key(fk.refTable)));
  const assigned = new Map<string, { fk: ForeignKey; index: number }>();
  for (const fk of fks) {
    if (deferred.has(fk)) continue;
    const shared = fk.columns.find((c) => assigned.has(c));
    // Two keys through one column (`(tenant_id, customer_id)` and `(tenant_id, product_id)`) need
    // rows drawn consistently with both parents at once: not done, so said rather than failed on.
    if (shared) throw new SchemawiseError(`${label}: foreign keys ${assigned.get(shared)!.fk.name} and ${fk.name} share the column ${shared}: seed cannot yet draw rows that satisfy both`);
    fk.columns.forEach((c, index) => assigned.set(c, { fk, index }));
  }
  const generated = table.columns.filter((c) => !filledByDefault(c));
  const deferredColumns = new Set(fks.filter((fk) => deferred.has(fk)).flatMap((fk) => fk.columns));

  // Each unique key needs one column distinct per row: a generated one (`g`-based), or, when
  // all its columns come from foreign keys, their parents' rows combined in mixed radix.
  const injective = new Set<string>();
  const radix: ForeignKey[] = [];
  let capacity = Infinity;
  let limit = '';
  for (const cols of uniqueKeys) {
    if (cols.some((c) => injective.has(c) || table.columns.find((x) => x.name === c && filledByDefault(x)))) continue;
    const own = cols.find((c) => !assigned.has(c) && !deferredColumns.has(c));
    if (own) injective.add(own);
    else for (const c of cols) if (assigned.has(c) && !radix.includes(assigned.get(c)!.fk)) radix.push(assigned.get(c)!.fk);
  }

  const checks = table.checks.map((c) => c.expression);
  const dated = table.columns.some((c) => /^(timestamp|date)/.test(c.type));
  const names: string[] = [];
  const values: string[] = [];
  const joins: string[] = [];
  const joined = new Map<ForeignKey, string>();
  const refColumnsOf = (fk: ForeignKey) => (fk.refColumns.length ? fk.refColumns : (byKey.get(key(fk.refTable))!.table.primaryKey?.columns ?? []));
  const sourceOf = (fk: ForeignKey) => source(fk.refTable, refColumnsOf(fk));
  for (const column of generated) {
    if (deferredColumns.has(column.name) && !assigned.has(column.name)) continue;
    const a = assigned.get(column.name);
    if (a) {
      let alias = joined.get(a.fk);
      if (!alias) {
        alias = `f${joined.size + 1}`;
        joined.set(a.fk, alias);
        const s = sourceOf(a.fk);
        const optional = a.fk.columns.every((c) => !table.columns.find((x) => x.name === c)?.notNull) && !a.fk.columns.some((c) => inKey.has(c));
        joins.push(`LEFT JOIN LATERAL (SELECT ${s.columns.map((c, i) => `k.${quoteIdent(c)} AS c${i}`).join(', ')} FROM pg_temp.${s.temp} AS k WHERE k.n = ${parentRow(a.fk, radix, sourceOf, optional ? nullFraction : 0, label)}) AS ${alias} ON true`);
      }
      names.push(quoteIdent(column.name));
      values.push(`${alias}.c${a.index}`);
      continue;
    }
    // A domain's CHECKs name the value VALUE.
    const bounds = mergeBounds(columnBounds(checks, column.name), columnBounds(resolveType(db, column.type, qn.schema).domainChecks, 'value'));
    const result = valueExpression(column, {
      db,
      schema: qn.schema,
      rows,
      salt: salt(`${label}.${column.name}`),
      anchor: options.anchor ?? new Date().toISOString().slice(0, 10),
      horizonDays: options.horizonDays ?? 365,
      dated,
      bounds,
      injective: injective.has(column.name),
    });
    if ('error' in result) {
      // A column PostgreSQL can fill (a default) or leave NULL is left to it.
      if (column.default !== null || !column.notNull) continue;
      throw new SchemawiseError(`${label}.${column.name}: cannot generate values of type ${result.error} (NOT NULL, no default)`);
    }
    if (result.capacity !== undefined && result.capacity < capacity) {
      capacity = result.capacity;
      limit = `${column.name} ${injective.has(column.name) ? 'is unique' : 'has few values'}`;
    }
    names.push(quoteIdent(column.name));
    const nullable = !column.notNull && !inKey.has(column.name) && nullFraction > 0;
    values.push(nullable ? `CASE WHEN ${uniform(salt(`${label}.${column.name}.null`))} < ${nullFraction} THEN NULL ELSE ${result.sql} END` : result.sql);
  }
  // Columns ordered after another (`ends_at > starts_at`) are the other's value plus a step.
  orderAfter(table, checks, names, values);
  if (radix.length) {
    // Each combination of parents once: as many rows as the product of the parents' rows.
    const combinations = radix.reduce((n, fk) => n * plannedRows(fk.refTable), 1);
    if (combinations < capacity) {
      capacity = combinations;
      limit = `unique combinations of ${radix.map((fk) => fk.name).join(' × ')}`;
    }
  }
  const insert = names.length
    ? `INSERT INTO ${label} (${names.join(', ')})\nSELECT ${values.join(',\n       ')}\nFROM generate_series($1::bigint, $2::bigint) AS g${joins.map((j) => `\n${j}`).join('')}`
    : `INSERT INTO ${label} SELECT FROM generate_series($1::bigint, $2::bigint) AS g`;
  const later = fks
    .filter((fk) => deferred.has(fk))
    .map((fk) => {
      const refColumns = refColumnsOf(fk);
      const parents = source(fk.refTable, refColumns);
      const self = key(fk.refTable) === key(qn);
      // The table's own rows by number: the UPDATE finds each row again by its ctid.
      const mine = source(qn, ['ctid']);
      // A self-reference points to an earlier row (a tree, no cycle); row 1 and a NULL fraction stay roots.
      const pick = self
        ? `CASE WHEN me.n = 1 OR ${uniform(salt(`${label}.${fk.name}.null`), 'me.n')} < ${nullFraction} THEN NULL ELSE 1 + floor((me.n - 1) * ${uniform(salt(`${label}.${fk.name}`), 'me.n')})::bigint END`
        : `1 + floor(${countToken(parents.temp)} * ${uniform(salt(`${label}.${fk.name}`), 'me.n')})::bigint`;
      const set = fk.columns.length === 1 ? `${quoteIdent(fk.columns[0])} = p.c0` : `(${fk.columns.map(quoteIdent).join(', ')}) = (${fk.columns.map((_, i) => `p.c${i}`).join(', ')})`;
      const update = `UPDATE ${table.partitioning ? '' : 'ONLY '}${label} AS t SET ${set}\nFROM pg_temp.${mine.temp} AS me\nJOIN LATERAL (SELECT ${refColumns.map((c, i) => `k.${quoteIdent(c)} AS c${i}`).join(', ')} FROM pg_temp.${parents.temp} AS k WHERE k.n = ${pick}) AS p ON true\nWHERE t.ctid = me.rid AND me.n BETWEEN $1 AND $2`;
      return { fk: fk.name, update, rows: mine };
    });
  return { insert, later, capacity, limit };
}

/**
 * The row number of the parent a child row points to. Unique combinations of foreign keys take
 * parents in mixed radix (every combination once); others draw a fifth of their rows from a
 * Zipf distribution (rank r with probability ∝ 1/r: a few parents with many children) and the
 * rest uniformly. The parent count is read from the key table once per statement.
 */
function parentRow(fk: ForeignKey, radix: ForeignKey[], sourceOf: (fk: ForeignKey) => KeySource, nullFraction: number, label: string): string {
  const countOf = (k: ForeignKey) => countToken(sourceOf(k).temp);
  const count = countOf(fk);
  const at = radix.indexOf(fk);
  if (at >= 0) {
    // Row g takes combination (g - 1) × (2^31 − 1) mod the number of combinations, a bijection
    // (the prime shares no factor with a count below it): every combination still once, but
    // spread over all parents, not the first parent's children first (a sample of a follows
    // table would otherwise have every member follow member 1).
    const combinations = radix.map(countOf).join(' * ');
    const divisor = at > 0 ? radix.slice(0, at).map(countOf).join(' * ') : '1';
    return `1 + ((((g - 1) * 2147483647) % (${combinations})) / (${divisor})) % ${count}`;
  }
  const u = uniform(salt(`${label}.${fk.name}`));
  const v = uniform(salt(`${label}.${fk.name}.zipf`));
  const row = `CASE WHEN ${v} < 0.2 THEN least(${count}, floor(power(${count} + 1, ${u})))::bigint ELSE 1 + floor(${count} * ${u})::bigint END`;
  return nullFraction > 0 ? `CASE WHEN ${uniform(salt(`${label}.${fk.name}.null`))} < ${nullFraction} THEN NULL ELSE ${row} END` : row;
}

function orderAfter(table: Table, checks: string[], names: string[], values: string[]): void {
  for (const column of table.columns) {
    const i = names.indexOf(quoteIdent(column.name));
    if (i < 0) continue;
    const after = columnBounds(checks, column.name).after ?? [];
    for (const other of after) {
      const j = names.indexOf(quoteIdent(other));
      if (j < 0 || j === i) continue;
      const u = uniform(salt(`${table.name}.${column.name}.after`));
      const step = column.type === 'date' ? `(1 + floor(${u} * 30))::int` : /^timestamp/.test(column.type) ? `INTERVAL '1 hour' * (1 + floor(${u} * 72))` : `1 + floor(${u} * 100)`;
      // Where the other is NULL the CHECK holds whatever this is: it keeps its own value.
      values[i] = `coalesce((${values[j]}) + ${step}, ${values[i]})`;
    }
  }
}
