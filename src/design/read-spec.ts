import { parseSync } from 'libpg-query';
import { isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type YAMLError } from 'yaml';
import { z } from 'zod';
import { didYouMean } from '../did-you-mean.js';
import { SchemawiseError } from '../errors.js';
import type { Span } from '../model/types.js';
import { parserReady } from '../parse/parse-script.js';
import { SourcePositions } from '../parse/source-positions.js';
import { pluralize } from '../lint/inflect.js';
import { CHECK_ON_FIELD, FIELD_TYPES, fieldOf, spec as specSchema, type FieldSpec, type Spec } from './spec.js';

/** One thing wrong in a spec: where (`entities.order.fields.total.type`) and what. */
export interface SpecProblem {
  path: string;
  message: string;
  span?: Span;
}

/** An invalid spec: every problem found, one per line, each with its file:line:col. */
export class SpecError extends SchemawiseError {
  readonly problems: SpecProblem[];
  constructor(problems: SpecProblem[]) {
    super(problems.map(formatProblem).join('\n'), problems[0]?.span);
    this.name = 'SpecError';
    this.problems = problems;
  }

  /** Each line of the message already starts with its location: no second prefix. */
  override format(): string {
    return this.message;
  }
}

export interface ReadSpec {
  /** The spec with zod's defaults applied. */
  spec: Spec;
  /** Where `path` is written in the YAML (the key of a map entry, the item of a list), or undefined when it is not (a default). */
  spanOf(path: (string | number)[]): Span | undefined;
}

type Path = readonly (string | number)[];

/** A problem before it is located: `at` says whether its key or its value is the place to point at. */
interface Found {
  path: Path;
  message: string;
  at?: 'key' | 'value';
  /** An exact place (inside an SQL string), when known. */
  span?: Span;
  /** A required key that is absent. */
  missing?: boolean;
  /** The key an unknown key probably meant (a full path, dotted). */
  suggests?: string;
}

/**
 * Reads a requirements spec: YAML syntax, then the zod schema, then what the schema cannot say
 * (types, references between entities, SQL that parses). Collects every problem before throwing
 * one `SpecError`, so a user fixes a spec in one round, not one error per run.
 * The SQL parser must be loaded (`initParser()`).
 */
export function readSpec(file: string, text: string): ReadSpec {
  const positions = new SourcePositions(file, text);
  const doc = parseDocument(text, { prettyErrors: false });
  if (doc.errors.length) throw new SpecError(doc.errors.map((e) => yamlProblem(e, doc, positions)));
  const where = new Locator(doc, positions, text);

  let raw: unknown;
  try {
    raw = doc.toJS();
  } catch (error) {
    // An alias to an anchor defined later, or too many aliases: the YAML parses but has no value.
    throw new SpecError([{ path: '', message: `invalid YAML: ${(error as Error).message}`, span: positions.span(0) }]);
  }
  if (raw === null || raw === undefined) throw new SpecError([{ path: '', message: 'the spec is empty: it needs at least name: and entities:', span: positions.span(0) }]);
  if (!isObject(raw)) throw new SpecError([{ path: '', message: `expected a mapping (name:, entities:, …) at the top level, got ${describe(raw)}`, span: where.span([], 'value') }]);

  const parsed = specSchema.safeParse(raw);
  const found = [...(parsed.success ? [] : zodProblems(parsed.error.issues, specSchema, [], raw)), ...meaningProblems(raw, where)];
  // "unknown key fileds (did you mean fields?)" already says that fields is missing.
  const suggested = new Set(found.map((f) => f.suggests));
  const seen = new Set<string>();
  const problems: SpecProblem[] = [];
  for (const f of found) {
    const path = f.path.join('.');
    if ((f.missing && suggested.has(path)) || seen.has(`${path}\0${f.message}`)) continue;
    seen.add(`${path}\0${f.message}`);
    problems.push({ path, message: f.message, span: f.span ?? where.span(f.path, f.at ?? 'value') });
  }
  problems.sort((a, b) => a.span!.line - b.span!.line || a.span!.column - b.span!.column);
  if (problems.length || !parsed.success) throw new SpecError(problems);
  return { spec: parsed.data, spanOf: (path) => where.spanOf(path) };
}

function formatProblem(p: SpecProblem): string {
  const at = p.span ? `${p.span.file}:${p.span.line}:${p.span.column}: ` : '';
  return `${at}${p.path ? `${p.path}: ` : ''}${p.message}`;
}

function yamlProblem(error: YAMLError, doc: Document, positions: SourcePositions): SpecProblem {
  const span = positions.span(error.pos[0]);
  // The error marks the key's first character only: name the key, and say where it is.
  const duplicate = error.code === 'DUPLICATE_KEY' ? keyAt(doc.contents, error.pos[0], []) : undefined;
  if (duplicate) return { path: duplicate.join('.'), message: `duplicate key "${duplicate.at(-1)}"`, span };
  return { path: '', message: `invalid YAML: ${error.message}`, span };
}

/** The path of the map key written at `offset`. */
function keyAt(node: unknown, offset: number, path: (string | number)[]): (string | number)[] | undefined {
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (rangeOf(pair.key)?.[0] === offset) return [...path, key];
      const found = keyAt(pair.value, offset, [...path, key]);
      if (found) return found;
    }
  }
  if (isSeq(node)) for (const [i, item] of node.items.entries()) {
    const found = keyAt(item, offset, [...path, i]);
    if (found) return found;
  }
  return undefined;
}

/** Where each part of the YAML document is written. */
class Locator {
  constructor(
    private readonly doc: Document,
    private readonly positions: SourcePositions,
    private readonly text: string,
  ) {}

  /** The last key and value reached along `path`, and whether all of it exists. */
  private walk(path: Path): { key?: unknown; value?: unknown; complete: boolean } {
    let key: unknown;
    let value: unknown = this.doc.contents;
    for (const segment of path) {
      const node = isAlias(value) ? value.resolve(this.doc) : value;
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(segment));
        if (!pair) return { key, value, complete: false };
        [key, value] = [pair.key, pair.value];
      } else if (isSeq(node) && typeof segment === 'number' && segment < node.items.length) {
        [key, value] = [undefined, node.items[segment]];
      } else {
        return { key, value, complete: false };
      }
    }
    return { key, value, complete: true };
  }

  spanOf(path: Path): Span | undefined {
    const { key, value, complete } = this.walk(path);
    const start = rangeOf(key)?.[0] ?? rangeOf(value)?.[0];
    return complete && start !== undefined ? this.positions.span(start) : undefined;
  }

  /** The key or the value at `path`; for a path that does not exist (a missing key), the nearest part that does. */
  span(path: Path, at: 'key' | 'value'): Span {
    const { key, value, complete } = this.walk(path);
    // `fields:` with nothing after it: the empty value sits at the end of the line, the key is what to show.
    const range = rangeOf(value);
    const node = complete && at === 'value' && range && range[1] > range[0] ? value : key ?? value;
    return this.positions.span(rangeOf(node)?.[0] ?? 0);
  }

  /**
   * Where character `index` of the string at `path` is in the file: exact when the YAML writes the
   * string as it is (plain, quoted without escapes, or a `|` block), else the string's start.
   */
  spanInside(path: Path, index: number): Span {
    const { value, complete } = this.walk(path);
    if (!complete || !isScalar(value) || typeof value.value !== 'string' || !value.range) return this.span(path, 'value');
    const [start, end] = value.range;
    const source = this.text.slice(start, end);
    const s = value.value;
    // "syntax error at end of input": after the last character, not after trailing newlines.
    const i = Math.min(index, s.trimEnd().length);
    let offset: number | undefined;
    if (value.type === 'PLAIN' && source === s) offset = start + i;
    else if ((value.type === 'QUOTE_DOUBLE' || value.type === 'QUOTE_SINGLE') && source.slice(1, -1) === s) offset = start + 1 + i;
    else if (value.type === 'BLOCK_LITERAL') {
      const inBlock = blockOffset(source, s, i);
      if (inBlock !== undefined) offset = start + inBlock;
    }
    return this.positions.span(offset ?? start);
  }
}

/** A YAML node's [start, end] offsets. */
function rangeOf(node: unknown): readonly number[] | undefined {
  return (node as { range?: number[] } | null | undefined)?.range;
}

/** The offset in a `|` block's source (header line included) of character `index` of its value, if the lines match. */
function blockOffset(source: string, value: string, index: number): number | undefined {
  const [header, ...lines] = source.split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
  const before = value.slice(0, index);
  const line = before.split('\n').length - 1;
  const column = index - (before.lastIndexOf('\n') + 1);
  if (!Number.isFinite(indent) || lines[line]?.slice(indent) !== value.split('\n')[line]) return undefined;
  return header.length + 1 + lines.slice(0, line).reduce((n, l) => n + l.length + 1, 0) + indent + column;
}

// ---- zod's issues, in the spec's words ----

/** Issues of `schema` (at `prefix` in the spec), reworded; a union's issues come from the branch the value was meant for. */
function zodProblems(issues: readonly z.core.$ZodIssue[], schema: z.core.$ZodType, prefix: Path, root: unknown): Found[] {
  const out: Found[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...(issue.path as (string | number)[])];
    const value = valueAt(root, path);
    switch (issue.code) {
      case 'invalid_union': {
        // A branch failing on the value's own type (a string given, a mapping expected) was not meant.
        const meant = issue.errors.map((errors, i) => ({ errors, i })).filter((b) => !b.errors.some((e) => e.code === 'invalid_type' && e.path.length === 0));
        if (!meant.length) {
          const expected = [...new Set(issue.errors.flat().map((e) => (e.code === 'invalid_type' ? typeName(e.expected) : undefined)).filter(Boolean))];
          out.push({ path, message: `expected ${expected.join(' or ')}, got ${describe(value)}` });
          break;
        }
        const best = meant.reduce((a, b) => (b.errors.length < a.errors.length ? b : a));
        const union = schemaAt(schema, issue.path);
        const branch = union instanceof z.ZodUnion ? bare(union.options[best.i] as z.core.$ZodType) : union;
        out.push(...(branch ? zodProblems(best.errors, branch, path, root) : best.errors.map((e) => ({ path: [...path, ...(e.path as (string | number)[])], message: e.message }))));
        break;
      }
      case 'unrecognized_keys': {
        const allowed = keysOf(schemaAt(schema, issue.path));
        for (const key of issue.keys) {
          const hint = didYouMean(key, allowed);
          const meant = /"(.*)"/.exec(hint)?.[1];
          out.push({
            path: [...path, key],
            at: 'key',
            message: `unknown key "${key}"${hint || (allowed.length ? `; the keys are ${allowed.join(', ')}` : '')}`,
            ...(meant && { suggests: [...path, meant].join('.') }),
          });
        }
        break;
      }
      case 'invalid_type':
        if (value === undefined) out.push({ path, message: 'required', missing: true });
        else out.push({ path, message: `expected ${typeName(issue.expected)}, got ${describe(value)}` });
        break;
      case 'invalid_value': {
        const choices = issue.values.map(String);
        out.push({ path, message: `expected ${choices.length === 1 ? choices[0] : `one of ${choices.join(', ')}`}, got ${describe(value)}${didYouMean(String(value), choices)}` });
        break;
      }
      case 'invalid_format':
        // The spec's regexes carry a message naming what is expected ("a count such as 2M").
        out.push({ path, message: `expected ${issue.message}, got ${describe(value)}` });
        break;
      case 'too_small':
      case 'too_big': {
        const small = issue.code === 'too_small';
        const bound = small ? issue.minimum : issue.maximum;
        const message =
          issue.origin === 'number'
            ? `expected a number ${small ? '>' : '<'}${issue.inclusive ? '=' : ''} ${bound}, got ${describe(value)}`
            : small && Number(bound) === 1
              ? 'must not be empty'
              : issue.message;
        out.push({ path, message });
        break;
      }
      default:
        out.push({ path, message: issue.message });
    }
  }
  return out;
}

/**
 * The schema at `path` below `schema`, optional and default wrappers removed. zod reports a union
 * whose value fits one branch by type with that branch's issues, unwrapped: a path may cross a
 * union, and then goes on in the branch that has the next step.
 */
function schemaAt(schema: z.core.$ZodType, path: readonly PropertyKey[]): z.core.$ZodType | undefined {
  let s: z.core.$ZodType | undefined = bare(schema);
  for (const segment of path) s = s && step(s, segment);
  return s;
}

function step(s: z.core.$ZodType, segment: PropertyKey): z.core.$ZodType | undefined {
  if (s instanceof z.ZodObject) return Object.hasOwn(s.shape, segment) ? bare(s.shape[segment as string] as z.core.$ZodType) : undefined;
  if (s instanceof z.ZodRecord) return bare(s.valueType as z.core.$ZodType);
  if (s instanceof z.ZodArray) return bare(s.element as z.core.$ZodType);
  if (s instanceof z.ZodUnion) return (s.options as z.core.$ZodType[]).map((o) => step(bare(o), segment)).find(Boolean);
  return undefined;
}

function bare(s: z.core.$ZodType): z.core.$ZodType {
  return s instanceof z.ZodOptional || s instanceof z.ZodDefault ? bare(s.unwrap() as z.core.$ZodType) : s;
}

/** The keys an object schema allows; of every object branch, for a union. */
function keysOf(s: z.core.$ZodType | undefined): string[] {
  if (s instanceof z.ZodObject) return Object.keys(s.shape);
  if (s instanceof z.ZodUnion) return [...new Set((s.options as z.core.$ZodType[]).flatMap((o) => keysOf(bare(o))))];
  return [];
}

function valueAt(root: unknown, path: Path): unknown {
  let value = root;
  for (const segment of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

function typeName(expected: string): string {
  const names: Record<string, string> = { string: 'a string', number: 'a number', int: 'an integer', boolean: 'true or false', object: 'a mapping', record: 'a mapping', array: 'a list' };
  return names[expected] ?? expected;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}…` : value);
  return String(value);
}

// ---- what the schema cannot say ----

const SNAKE_CASE = /^[a-z][a-z0-9_]*$/;
const TEXT_LIKE = ['text', 'email', 'url', 'phone', 'slug'];
const NUMERIC = ['decimal', 'money'];
/** Names from SQL and other languages, to point at the spec's own type. */
const TYPE_ALIASES: Record<string, string> = {
  string: 'text', varchar: 'text', char: 'text', int: 'integer', int4: 'integer', int8: 'bigint', long: 'bigint', int2: 'smallint',
  float: 'decimal', double: 'decimal', real: 'decimal', numeric: 'decimal', bool: 'boolean', datetime: 'timestamp', timestamptz: 'timestamp',
  jsonb: 'json', bytea: 'bytes', blob: 'bytes', inet: 'ip', interval: 'duration',
};
const QUERY_STATEMENTS = new Set(['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt', 'MergeStmt']);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const asObject = (v: unknown): Record<string, unknown> => (isObject(v) ? v : {});
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const asString = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * A field in its full form, from the raw YAML: these checks also run on a spec the schema
 * rejected, so their problems come in the same round. Properties may have any type here.
 */
function looseField(v: unknown): Partial<Record<keyof FieldSpec, unknown>> | undefined {
  if (typeof v === 'string') return { type: v };
  return isObject(v) ? fieldOf(v as FieldSpec) : undefined;
}

/** Column name → the field that makes it: a ref `customer` makes `customer_id`. */
function columnsOf(fields: Record<string, unknown>): Map<string, string> {
  return new Map(Object.entries(fields).map(([name, f]) => [looseField(f)?.type === 'ref' ? `${name}_id` : name, name]));
}

function snakeCaseProblem(kind: 'entity' | 'field', name: string): string | undefined {
  if (SNAKE_CASE.test(name)) return undefined;
  const snake = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[\s-]+/g, '_').toLowerCase();
  return `${kind} name "${name}" must be snake_case: lower-case letters, digits and _${SNAKE_CASE.test(snake) ? ` (did you mean "${snake}"?)` : ''}`;
}

function meaningProblems(raw: Record<string, unknown>, where: Locator): Found[] {
  const out: Found[] = [];
  const add = (path: Path, message: string, at: 'key' | 'value' = 'value') => out.push({ path, message, at });
  const entities = asObject(raw.entities);
  const entityNames = Object.keys(entities);
  const fieldsOf = (entity: string) => asObject(asObject(entities[entity]).fields);
  const knownEntity = (path: Path, name: unknown): name is string => {
    if (typeof name !== 'string') return false;
    if (Object.hasOwn(entities, name)) return true;
    add(path, `unknown entity "${name}"${didYouMean(name, entityNames)}`);
    return false;
  };
  const tenancy = asObject(raw.tenancy);
  const tenantColumn = asString(tenancy.column);
  if (tenancy.entity !== undefined) knownEntity(['tenancy', 'entity'], tenancy.entity);

  const checkFields = (path: Path, fields: Record<string, unknown>) => {
    const refColumns = new Map([...columnsOf(fields)].filter(([column, name]) => column !== name));
    for (const [name, value] of Object.entries(fields)) {
      const at = [...path, name];
      const badName =
        name === 'id'
          ? '"id" is reserved: the design chooses the primary key (conventions.primary_keys)'
          : (snakeCaseProblem('field', name) ?? (refColumns.has(name) ? `"${name}" clashes with the column of the ref field "${refColumns.get(name)}"` : undefined));
      if (badName) add(at, badName, 'key');
      const f = looseField(value);
      if (typeof f?.type !== 'string') continue; // the schema reports it
      const type = f.type;
      if (!(FIELD_TYPES as readonly string[]).includes(type)) {
        const alias = TYPE_ALIASES[type.toLowerCase()];
        const hint = alias ? ` (did you mean "${alias}"?)` : didYouMean(type, FIELD_TYPES) || `; the types are ${FIELD_TYPES.join(', ')}`;
        add(typeof value === 'string' ? at : [...at, 'type'], `unknown type "${type}"${hint}`);
        continue; // what else applies depends on the type
      }
      const notHere = (key: keyof FieldSpec, applies: string) => {
        if (f[key] !== undefined) add([...at, key], `${key} applies only to ${applies} (this one is ${type})`, 'key');
      };

      if (type === 'enum') {
        if (f.enum === undefined) add(at, 'an enum field needs enum: the list of its values');
        const values = asArray(f.enum).filter((v): v is string => typeof v === 'string');
        values.forEach((v, i) => values.indexOf(v) < i && add([...at, 'enum', i], `"${v}" is listed twice`));
        if (f.default !== undefined && values.length && !values.includes(f.default as string)) {
          add([...at, 'default'], `default ${describe(f.default)} is not one of the enum values: ${values.join(', ')}${didYouMean(String(f.default), values)}`);
        }
      } else notHere('enum', 'an enum field');

      if (type === 'ref') {
        if (f.ref === undefined) add(at, 'a ref field needs ref: the entity it refers to');
        else knownEntity([...at, 'ref'], f.ref);
        // The column is the field's name + _id: `customer_id` would make customer_id_id.
        const base = name.replace(/_id$/, '');
        if (base !== name && SNAKE_CASE.test(base)) add(at, `a ref field's column is its name + _id: this one would be ${name}_id (did you mean "${base}"?)`, 'key');
      } else {
        notHere('ref', 'a ref field');
        notHere('on_delete', 'a ref field');
      }
      if (!TEXT_LIKE.includes(type)) notHere('max_length', 'text, email, url, phone and slug fields');
      if (!NUMERIC.includes(type)) {
        notHere('precision', 'decimal and money fields');
        notHere('scale', 'decimal and money fields');
      }
      if (typeof f.check === 'string') out.push(...checkProblems([...at, 'check'], f.check, where, new Set([...columnsOf(fields).keys(), 'id', 'created_at', 'updated_at', 'deleted_at', ...(tenantColumn ? [tenantColumn] : [])])));
      if (f.default !== undefined) {
        const bad = defaultProblem(type, f.default);
        if (bad) add([...at, 'default'], bad);
      }
      if (type === 'ref' && f.on_delete === 'set null' && f.optional !== true) add([...at, 'on_delete'], 'on_delete: set null needs optional: true (the column is NOT NULL otherwise, and every delete of the referenced row would fail)');
    }
  };

  if (isObject(raw.entities) && !entityNames.length) add(['entities'], 'the spec needs at least one entity');
  for (const name of entityNames) {
    const bad = snakeCaseProblem('entity', name);
    if (bad) add(['entities', name], bad, 'key');
    const fields = fieldsOf(name);
    checkFields(['entities', name, 'fields'], fields);
    const clash = tenantColumn !== undefined && tenancy.entity !== name ? columnsOf(fields).get(tenantColumn) : undefined;
    if (clash) add(['entities', name, 'fields', clash], `${tenantColumn} is the tenancy column: the design adds it to every table`, 'key');
    const softDelete = asObject(entities[name]).soft_delete === true ? columnsOf(fields).get('deleted_at') : undefined;
    if (softDelete) add(['entities', name, 'fields', softDelete], 'soft_delete: true adds deleted_at: drop this field or the soft_delete', 'key');
  }
  for (const c of requiredCycles(entities)) {
    add(['entities', c.entity, 'fields', c.field], `a cycle of required references (${c.cycle.join(' → ')} → ${c.entity}): no first row could be inserted; make one of them optional: true`, 'key');
  }
  // Two entities whose tables would have one name (`person` and `people` when tables are plural).
  const plural = asObject(raw.conventions).tables !== 'singular';
  const tableOwner = new Map<string, string>();
  for (const name of entityNames) {
    const table = plural ? pluralize(name) : name;
    const first = tableOwner.get(table);
    if (first !== undefined) add(['entities', name], `the table of "${name}" would be ${table}, as the table of "${first}"`, 'key');
    else tableOwner.set(table, name);
  }

  for (const [i, r] of asArray(raw.relationships).entries()) {
    const relationship = asObject(r);
    for (const side of ['many', 'to_many', 'one', 'to_one']) knownEntity(['relationships', i, side], relationship[side]);
    if (isObject(relationship.fields)) checkFields(['relationships', i, 'fields'], relationship.fields);
  }

  // The design copies through a foreign key of the entity: a ref field, a one-to-one, or the tenant's.
  const refersTo = (entity: string, source: string) =>
    Object.values(fieldsOf(entity)).some((f) => looseField(f)?.type === 'ref' && looseField(f)?.ref === source) ||
    asArray(raw.relationships).some((r) => asObject(r).one === source && asObject(r).to_one === entity) ||
    (tenancy.entity === source && entity !== source);
  for (const [i, d] of asArray(raw.denormalize).entries()) {
    const at = ['denormalize', i];
    const { entity, field, from } = asObject(d);
    const target = knownEntity([...at, 'entity'], entity) ? entity : undefined;
    if (typeof field === 'string') {
      const taken = target && columnsOf(fieldsOf(target)).get(field);
      const bad = snakeCaseProblem('field', field) ?? (taken ? `${target} already has the column ${field}${taken !== field ? ` (the ref field "${taken}")` : ''}: a denormalized field is a new column` : undefined);
      if (bad) add([...at, 'field'], bad);
    }
    if (typeof from !== 'string') continue;
    const [, sourceEntity, sourceField] = /^([^.]+)\.([^.]+)$/.exec(from) ?? [];
    if (!sourceEntity) {
      add([...at, 'from'], `expected entity.field, such as customer.email, got "${from}"`);
      continue;
    }
    if (!Object.hasOwn(entities, sourceEntity)) {
      add([...at, 'from'], `unknown entity "${sourceEntity}"${didYouMean(sourceEntity, entityNames)}`);
      continue;
    }
    const sourceFields = fieldsOf(sourceEntity);
    if (!Object.hasOwn(sourceFields, sourceField)) add([...at, 'from'], `${sourceEntity} has no field "${sourceField}"${didYouMean(sourceField, Object.keys(sourceFields))}`);
    else if (looseField(sourceFields[sourceField])?.type === 'ref') add([...at, 'from'], `${from} is a ref field: denormalize copies a value, not a reference`);
    if (target && !refersTo(target, sourceEntity)) add([...at, 'from'], `${target} has no ref to ${sourceEntity} to copy ${from} through`);
  }

  const queryNames = new Map<string, number>();
  for (const [i, q] of asArray(raw.queries).entries()) {
    const at = ['queries', i];
    const query = asObject(q);
    if (typeof query.name === 'string') {
      if (queryNames.has(query.name)) add([...at, 'name'], `another query is named "${query.name}" (queries.${queryNames.get(query.name)})`);
      else queryNames.set(query.name, i);
    }
    if (query.per_second !== undefined && query.weight !== undefined) add([...at, 'weight'], 'give per_second or weight, not both', 'key');
    if (typeof query.sql === 'string') out.push(...queryProblems([...at, 'sql'], query.sql, where));
  }
  return out;
}

/** The statements of `sql`, or the parser's message and where in `sql` (a UTF-16 index) it points. */
function parse(sql: string): { statements: Record<string, any>[] } | { message: string; index: number } {
  if (!parserReady()) throw new Error('readSpec: the SQL parser is not loaded (await initParser() first)');
  try {
    return { statements: (parseSync(sql).stmts ?? []).map((s) => s.stmt as Record<string, any>) };
  } catch (error: any) {
    // The cursor counts code points: step over that many, as parseScript does.
    const cursor = Math.max(0, Number(error?.sqlDetails?.cursorPosition) || 0);
    let index = 0;
    for (let k = 0; k < cursor && index < sql.length; k++) index += sql.codePointAt(index)! > 0xffff ? 2 : 1;
    return { message: String(error?.message ?? error), index };
  }
}

function queryProblems(path: Path, sql: string, where: Locator): Found[] {
  const result = parse(sql);
  if ('message' in result) return [{ path, message: result.message, span: where.spanInside(path, result.index) }];
  if (result.statements.length !== 1) return [{ path, message: `expected one statement, found ${result.statements.length || 'none'}` }];
  const kind = Object.keys(result.statements[0])[0];
  if (!QUERY_STATEMENTS.has(kind)) return [{ path, message: `expected a query (SELECT, INSERT, UPDATE, DELETE or MERGE), got ${sql.trim().split(/\s/)[0].toUpperCase()}` }];
  return [];
}

const NUMBER_TYPES = new Set(['integer', 'bigint', 'smallint', 'decimal', 'money', 'percent']);

/** A default of the field's type: a number for numbers, a boolean for booleans, a date (or now/today) for dates. */
function defaultProblem(type: string, value: unknown): string | undefined {
  if (NUMBER_TYPES.has(type)) return typeof value === 'number' ? undefined : `default ${describe(value)} is not a number`;
  if (type === 'boolean') return typeof value === 'boolean' ? undefined : `default ${describe(value)} is not true or false`;
  if (type === 'date' || type === 'timestamp') {
    if (typeof value === 'string' && (/^(now(\(\))?|current_timestamp|current_date|today)$/i.test(value) || !Number.isNaN(Date.parse(value)))) return undefined;
    return `default ${describe(value)} is not a date: an ISO date (2026-01-31), now or today`;
  }
  if (type === 'ref') return 'a ref field takes no default';
  return typeof value === 'string' ? undefined : `default ${describe(value)} is not text`;
}

/** Entities that refer to each other through required refs, round to the first: no first row can be inserted. */
function requiredCycles(entities: Record<string, unknown>): { entity: string; field: string; cycle: string[] }[] {
  const edges = new Map<string, { field: string; to: string }[]>();
  for (const [name, e] of Object.entries(entities)) {
    const fields = asObject(asObject(e).fields);
    edges.set(name, Object.entries(fields).flatMap(([field, v]) => {
      const f = looseField(v);
      return (f?.type === 'ref' || f?.ref !== undefined) && f?.optional !== true && typeof f?.ref === 'string' ? [{ field, to: f.ref }] : [];
    }));
  }
  const out: { entity: string; field: string; cycle: string[] }[] = [];
  const seen = new Set<string>();
  const walk = (start: string, at: string, path: string[]): void => {
    for (const edge of edges.get(at) ?? []) {
      const step = [...path, `${at}.${edge.field}`];
      if (edge.to === start) {
        const key = [...step].sort().join();
        if (!seen.has(key)) {
          seen.add(key);
          out.push({ entity: start, field: step[0].split('.')[1], cycle: step });
        }
      } else if (!path.some((p) => p.startsWith(`${edge.to}.`)) && edge.to !== at && path.length < 8) walk(start, edge.to, step);
    }
  };
  for (const name of edges.keys()) walk(name, name, []);
  return out;
}

/** A CHECK: `> 0` (about the field) or a whole condition; parsed as the WHERE of a SELECT. */
function checkProblems(path: Path, check: string, where: Locator, columns: ReadonlySet<string>): Found[] {
  // `x`, not the field's name: a field named `order` is a keyword.
  const prefix = CHECK_ON_FIELD.test(check) ? 'SELECT 1 WHERE x ' : 'SELECT 1 WHERE ';
  const result = parse(prefix + check);
  if ('message' in result) return [{ path, message: result.message, span: where.spanInside(path, Math.max(0, result.index - prefix.length)) }];
  // `> 0 LIMIT 1` or `> 0; DROP TABLE t` parse too, but are not a condition.
  const select = result.statements.length === 1 ? result.statements[0].SelectStmt : undefined;
  const onlyCondition = select && Object.keys(select).every((k) => ['targetList', 'whereClause', 'limitOption', 'op'].includes(k));
  if (!onlyCondition) return [{ path, message: `expected a condition such as "> 0", "between 1 and 5" or "in ('a', 'b')", got ${describe(check)}` }];
  // The columns it names must be the entity's (`x` stands for the field itself).
  const named = [...JSON.stringify(select.whereClause).matchAll(/"ColumnRef":\{"fields":\[\{"String":\{"sval":"([^"]+)"\}\}\]/g)].map((m) => m[1]);
  const unknown = [...new Set(named.filter((n) => !(prefix.endsWith('x ') && n === 'x') && !columns.has(n)))];
  return unknown.map((n) => ({ path, message: `the check names ${n}, which is not a column of this table${didYouMean(n, columns)}` }));
}
