import { normalizeForComparison } from '../model/normalize.js';
import type { Database, Schema, Table } from '../model/types.js';

/** One way a model differs from the one expected, said in terms of the object that differs. */
export interface ModelDifference {
  /** `table public.users`, `column public.users.email`, `index users_email_idx on public.users`. */
  object: string;
  /** `extra`: only in the actual model; `missing`: only in the expected one; `changed`: in both, with a property that differs. */
  change: 'extra' | 'missing' | 'changed';
  /** For `changed`: the property, and its value in each model. */
  property?: string;
  actual?: unknown;
  expected?: unknown;
  /** `extra index users_email_idx on public.users`, `column public.users.email: type is text, expected character varying(100)`. */
  message: string;
}

/**
 * How `actual` differs from `expected`, compared as `normalizeForComparison` sees them (spans,
 * statistics and spelling differences removed; call `initNormalizer` first). Pass `normalized`
 * when both already went through it. No differences means the models are equal.
 */
export function modelDifferences(expected: Database, actual: Database, options: { normalized?: boolean } = {}): ModelDifference[] {
  const [e, a] = options.normalized ? [expected, actual] : [normalizeForComparison(expected), normalizeForComparison(actual)];
  const out: ModelDifference[] = [];
  matchByKey(e.schemas, a.schemas, (s) => s.name, (s) => `schema ${s.name}`, out, (x, y) => compareSchemas(x, y, out));
  matchByKey(e.extensions, a.extensions, (x) => x.name, (x) => `extension ${x.name}`, out, (x, y) => compareProperties(`extension ${x.name}`, x, y, out));
  return out;
}

function compareSchemas(expected: Schema, actual: Schema, out: ModelDifference[]): void {
  const s = expected.name;
  compareProperties(`schema ${s}`, pick(expected, ['comment']), pick(actual, ['comment']), out);
  matchByKey(expected.tables, actual.tables, (t) => t.name, (t) => `table ${s}.${t.name}`, out, (x, y) => compareTables(s, x, y, out));
  const named = <T extends { name: string }>(items: (schema: Schema) => T[], label: (item: T) => string, key: (item: T) => string = (item) => item.name) =>
    matchByKey(items(expected), items(actual), key, label, out, (x, y) => compareProperties(label(x), x, y, out));
  named((x) => x.views, (v) => `${v.materialized ? 'materialized view' : 'view'} ${s}.${v.name}`);
  named((x) => x.enums, (v) => `enum ${s}.${v.name}`);
  named((x) => x.domains, (v) => `domain ${s}.${v.name}`);
  named((x) => x.compositeTypes, (v) => `type ${s}.${v.name}`);
  named((x) => x.sequences, (v) => `sequence ${s}.${v.name}`);
  // Overloads share a name: the argument types tell them apart.
  named((x) => x.functions, (f) => `${f.kind} ${s}.${f.name}(${f.arguments})`, (f) => `${f.name}(${f.arguments})`);
  named((x) => x.triggers, (t) => `trigger ${t.name} on ${t.table.schema}.${t.table.name}`, (t) => `${t.table.schema}.${t.table.name}.${t.name}`);
}

function compareTables(schema: string, expected: Table, actual: Table, out: ModelDifference[]): void {
  const table = `${schema}.${expected.name}`;
  const label = `table ${table}`;
  matchByKey(expected.columns, actual.columns, (c) => c.name, (c) => `column ${table}.${c.name}`, out, (x, y) =>
    compareProperties(`column ${table}.${x.name}`, x, y, out),
  );
  // A column dropped and added back comes last: the same columns in another order is a different table.
  const names = (t: Table, other: Table) => t.columns.map((c) => c.name).filter((n) => other.columns.some((c) => c.name === n));
  const [expectedOrder, actualOrder] = [names(expected, actual), names(actual, expected)];
  if (expectedOrder.join('\0') !== actualOrder.join('\0')) {
    out.push(changed(label, 'column order', actualOrder, expectedOrder));
  }

  const pk = (t: Table) => (t.primaryKey ? [t.primaryKey] : []);
  matchByKey(pk(expected), pk(actual), () => 'primary key', (k) => `primary key ${k.name} on ${table}`, out, (x, y) =>
    compareProperties(`primary key ${x.name} on ${table}`, x, y, out),
  );
  const constraints = [
    { kind: 'unique constraint', items: (t: Table) => t.uniques },
    { kind: 'check constraint', items: (t: Table) => t.checks },
    { kind: 'exclusion constraint', items: (t: Table) => t.exclusions },
    { kind: 'foreign key', items: (t: Table) => t.foreignKeys },
    { kind: 'index', items: (t: Table) => t.indexes },
  ];
  for (const { kind, items } of constraints) {
    const name = (item: { name: string }) => `${kind} ${item.name} on ${table}`;
    matchByKey<{ name: string }>(items(expected), items(actual), (i) => i.name, name, out, (x, y) => compareProperties(name(x), x, y, out));
  }
  const rest: (keyof Table)[] = ['partitioning', 'partitionOf', 'inherits', 'unlogged', 'comment'];
  compareProperties(label, pick(expected, rest), pick(actual, rest), out);
}

/** Pairs items by key: those on one side only are extra or missing, pairs go to `compare`. */
function matchByKey<T>(
  expected: readonly T[],
  actual: readonly T[],
  key: (item: T) => string,
  label: (item: T) => string,
  out: ModelDifference[],
  compare: (expected: T, actual: T) => void,
): void {
  const actualByKey = new Map(actual.map((item) => [key(item), item]));
  const expectedKeys = new Set(expected.map(key));
  for (const item of expected) {
    const other = actualByKey.get(key(item));
    if (other === undefined) out.push({ object: label(item), change: 'missing', message: `missing ${label(item)}` });
    else compare(item, other);
  }
  for (const item of actual) {
    if (!expectedKeys.has(key(item))) out.push({ object: label(item), change: 'extra', message: `extra ${label(item)}` });
  }
}

/** Every property but the name, compared as JSON: a property absent on one side is `none` there. */
function compareProperties(object: string, expected: object, actual: object, out: ModelDifference[]): void {
  const e = expected as Record<string, unknown>;
  const a = actual as Record<string, unknown>;
  for (const property of new Set([...Object.keys(e), ...Object.keys(a)])) {
    if (property === 'name') continue;
    if (JSON.stringify(e[property] ?? null) !== JSON.stringify(a[property] ?? null)) out.push(changed(object, property, a[property], e[property]));
  }
}

function changed(object: string, property: string, actual: unknown, expected: unknown): ModelDifference {
  return {
    object,
    change: 'changed',
    property,
    actual: actual ?? null,
    expected: expected ?? null,
    message: `${object}: ${property} is ${show(actual)}, expected ${show(expected)}`,
  };
}

function pick<T extends object>(object: T, keys: (keyof T)[]): Partial<T> {
  const out: Partial<T> = {};
  for (const key of keys) if (object[key] !== undefined) out[key] = object[key];
  return out;
}

/** Values as a person reads them: `none`, bare text, `(a, b)` for a list of names, JSON otherwise. */
function show(value: unknown): string {
  if (value === undefined || value === null) return 'none';
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return `(${value.join(', ')})`;
  return JSON.stringify(value);
}
