/**
 * The Mermaid entity-relationship diagram (`erDiagram`) of a model.
 *
 * Every rule below about what may be written bare, quoted or back-quoted comes from
 * Mermaid's erDiagram lexer (Mermaid 12.3; `test/mermaid.test.ts` runs the real parser on the
 * output). That lexer is case-insensitive and takes the first rule that matches, not the
 * longest, so a keyword wins over a name that merely starts with it.
 *
 * Decisions:
 * - Entities are tables; views are not. A partition whose parent is in the model is left
 *   out: its parent is labelled `name (N partitions)`, the partition's foreign keys are
 *   drawn from the parent unless the parent already has one on the same columns and target,
 *   and a foreign key that references a partition is drawn to its parent.
 * - An entity is named by its table name when the schema is `public` or no other schema has
 *   a table of that name, else `schema__table`, labelled `schema.table`.
 * - Each foreign key is one relationship, `child <child-side>--<parent-side> parent : "fk"`:
 *   `|o` on the child side when the foreign-key columns contain the primary key, a unique
 *   constraint or a full unique index (then no two children share a parent), else `}o`;
 *   `o|` on the parent side when a foreign-key column is nullable (a NULL key references
 *   nothing), else `||`. A self-reference is kept; a foreign key to a table outside the
 *   model is left out.
 */
import type { Database, ForeignKey, QualifiedName, Table } from '../model/types.js';

export interface MermaidOptions {
  /**
   * One diagram per schema instead of one for the database. Mermaid only gained `subgraph`
   * in erDiagram in 12.x, and the renderers built into Markdown hosts lag behind that, so
   * schemas are separate diagrams instead: see `mermaidDiagrams`.
   */
  groupBySchema?: boolean;
  direction?: 'TB' | 'LR';
}

export interface MermaidDiagram {
  /** The schema the diagram shows, or null for the whole database. */
  schema: string | null;
  /** One `erDiagram`, ending with a newline and holding no empty line. */
  text: string;
}

/**
 * The diagram as Mermaid source. With `groupBySchema`, it is one `erDiagram` block per
 * schema that has a table, in model order, each block's second line (after the optional
 * `direction`) being the Mermaid comment `%% schema NAME`, and the blocks separated by one
 * empty line; no block holds an empty line, so splitting on `\n\n` recovers the diagrams.
 * A foreign key to a table in another schema is drawn in the child's block, to a stub
 * entity (no attributes) labelled `schema.table`.
 */
export function toMermaid(db: Database, options: MermaidOptions = {}): string {
  return mermaidDiagrams(db, options)
    .map((diagram) => diagram.text)
    .join('\n');
}

/**
 * The diagram(s) for a Markdown file: each in a ```` ```mermaid ```` fence, and with
 * `groupBySchema` a `## Schema NAME` heading before each. Three backticks always fence the
 * source: no line of it consists of backticks alone.
 */
export function toMermaidMarkdown(db: Database, options: MermaidOptions = {}): string {
  return mermaidDiagrams(db, options)
    .map((diagram) => {
      const fence = '```mermaid\n' + diagram.text + '```\n';
      return diagram.schema === null ? fence : `## Schema ${codeSpan(diagram.schema)}\n\n${fence}`;
    })
    .join('\n');
}

/**
 * The diagrams `toMermaid` joins: one for the database, or with `groupBySchema` one per
 * schema that has a table (one empty diagram for a database without tables).
 */
export function mermaidDiagrams(db: Database, options: MermaidOptions = {}): MermaidDiagram[] {
  const model = buildModel(db);
  if (options.groupBySchema) {
    const diagrams = db.schemas
      .filter((schema) => model.entities.some((entity) => entity.schema === schema.name))
      .map((schema) => ({ schema: schema.name, text: renderBlock(model, options, schema.name) }));
    if (diagrams.length > 0) return diagrams;
  }
  return [{ schema: null, text: renderBlock(model, options, null) }];
}

interface Entity {
  key: string;
  schema: string;
  table: Table;
  /** The name as written in the diagram: bare or quoted. */
  token: string;
  qualifiedLabel: boolean;
  partitions: number;
}

interface Relationship {
  from: Entity;
  to: Entity;
  declaredOn: Table;
  fk: ForeignKey;
}

interface Model {
  entities: Entity[];
  relationships: Relationship[];
}

function keyOf(name: QualifiedName): string {
  return JSON.stringify([name.schema, name.name]);
}

function buildModel(db: Database): Model {
  const tables = db.schemas.flatMap((schema) => schema.tables.map((table) => ({ schema: schema.name, table })));
  const tableKeys = new Set(tables.map(({ schema, table }) => keyOf({ schema, name: table.name })));

  const parentOf = new Map<string, string>();
  for (const { schema, table } of tables) {
    const parent = table.partitionOf && keyOf(table.partitionOf.parent);
    if (parent !== undefined && tableKeys.has(parent)) parentOf.set(keyOf({ schema, name: table.name }), parent);
  }
  // A partition is drawn as its top-most ancestor; partitions in a cycle (only a broken
  // script can declare one) have none and are drawn as tables.
  const partitionRoot = new Map<string, string>();
  for (const key of parentOf.keys()) {
    const seen = new Set([key]);
    let root = parentOf.get(key)!;
    while (parentOf.has(root) && !seen.has(root)) {
      seen.add(root);
      root = parentOf.get(root)!;
    }
    if (!seen.has(root)) partitionRoot.set(key, root);
  }
  const rootOf = (key: string): string => partitionRoot.get(key) ?? key;

  const kept = tables.filter(({ schema, table }) => !partitionRoot.has(keyOf({ schema, name: table.name })));
  const schemasPerName = new Map<string, number>();
  for (const { table } of kept) schemasPerName.set(table.name, (schemasPerName.get(table.name) ?? 0) + 1);

  const candidates = kept.map(({ schema, table }) => {
    const qualifiedLabel = schema !== 'public' && schemasPerName.get(table.name) !== 1;
    const raw = qualifiedLabel ? `${schema}__${table.name}` : table.name;
    return { schema, table, qualifiedLabel, raw, name: quotable(raw) };
  });
  // A name Mermaid can show as it is keeps its spelling; one that had to be changed yields.
  const taken = new Set<string>();
  for (const exact of [true, false]) {
    for (const candidate of candidates.filter((c) => (c.raw === c.name) === exact)) {
      const base = candidate.name;
      for (let n = 2; taken.has(candidate.name); n++) candidate.name = `${base}_${n}`;
      taken.add(candidate.name);
    }
  }
  const entities = candidates.map(({ schema, table, qualifiedLabel, name }): Entity => ({
    key: keyOf({ schema, name: table.name }),
    schema,
    table,
    token: entityToken(name),
    qualifiedLabel,
    partitions: 0,
  }));
  const byKey = new Map(entities.map((entity) => [entity.key, entity]));

  const partitionsOf = new Map<string, Table[]>();
  for (const { schema, table } of tables) {
    const root = partitionRoot.get(keyOf({ schema, name: table.name }));
    if (root === undefined) continue;
    byKey.get(root)!.partitions++;
    const siblings = partitionsOf.get(root) ?? [];
    siblings.push(table);
    partitionsOf.set(root, siblings);
  }

  const relationships: Relationship[] = [];
  for (const from of entities) {
    const seen = new Set<string>();
    for (const declaredOn of [from.table, ...(partitionsOf.get(from.key) ?? [])]) {
      for (const fk of declaredOn.foreignKeys) {
        const to = byKey.get(rootOf(keyOf(fk.refTable)));
        if (!to) continue;
        const signature = JSON.stringify([fk.columns, to.key, fk.refColumns]);
        if (seen.has(signature)) continue;
        seen.add(signature);
        relationships.push({ from, to, declaredOn, fk });
      }
    }
  }
  return { entities, relationships };
}

function renderBlock(model: Model, options: MermaidOptions, schema: string | null): string {
  const lines = ['erDiagram'];
  if (options.direction) lines.push(`  direction ${options.direction}`);
  if (schema !== null) lines.push(`  %% schema ${schema.replace(CONTROL, '_')}`);

  const inBlock = (entity: Entity): boolean => schema === null || entity.schema === schema;
  for (const entity of model.entities) {
    if (inBlock(entity)) lines.push(...entityLines(entity));
  }
  const relationships = model.relationships.filter((relationship) => inBlock(relationship.from));
  const stubs = new Set<Entity>();
  for (const { to } of relationships) {
    if (!inBlock(to)) stubs.add(to);
  }
  for (const stub of stubs) lines.push(`  ${stub.token}["${quotable(`${stub.schema}.${stub.table.name}`)}"] { }`);
  for (const relationship of relationships) lines.push(relationshipLine(relationship));
  return lines.join('\n') + '\n';
}

function entityLines(entity: Entity): string[] {
  const { table } = entity;
  let label = entity.qualifiedLabel ? `${entity.schema}.${table.name}` : null;
  if (table.partitioning || entity.partitions > 0) {
    const mark = entity.partitions === 0 ? 'partitioned' : entity.partitions === 1 ? '1 partition' : `${entity.partitions} partitions`;
    label = `${label ?? table.name} (${mark})`;
  }
  // An entity with no attribute still gets braces: a bare name ending a line could join the
  // next line into Mermaid's `direction` statement, whose lexer rule spans line breaks.
  const head = `  ${entity.token}${label === null ? '' : `["${quotable(label)}"]`} {`;
  if (table.columns.length === 0) return [`${head} }`];

  const primary = new Set(table.primaryKey?.columns ?? []);
  const foreign = new Set(table.foreignKeys.flatMap((fk) => fk.columns));
  const unique = new Set(uniqueKeys(table).flat());
  const attributes = table.columns.map((column) => {
    const keys = [primary.has(column.name) && 'PK', foreign.has(column.name) && 'FK', unique.has(column.name) && 'UK'].filter(Boolean);
    const comment = column.notNull && !primary.has(column.name) ? ' "not null"' : '';
    return `    ${attributeWord(mermaidType(column.type))} ${attributeWord(column.name)}${keys.length > 0 ? ` ${keys.join(', ')}` : ''}${comment}`;
  });
  return [head, ...attributes, '  }'];
}

function relationshipLine({ from, to, declaredOn, fk }: Relationship): string {
  const columns = new Set(fk.columns);
  const keys = [...(declaredOn.primaryKey ? [declaredOn.primaryKey.columns] : []), ...uniqueKeys(declaredOn)];
  const oneToOne = keys.some((key) => key.length > 0 && key.every((column) => columns.has(column)));
  const primary = new Set(declaredOn.primaryKey?.columns ?? []);
  const optional = fk.columns.some((name) => {
    const column = declaredOn.columns.find((candidate) => candidate.name === name);
    return !column?.notNull && !primary.has(name);
  });
  return `  ${from.token} ${oneToOne ? '|o' : '}o'}--${optional ? 'o|' : '||'} ${to.token} : "${quotable(fk.name)}"`;
}

/** Unique constraints and unique indexes that hold for every row, as column lists. */
function uniqueKeys(table: Table): string[][] {
  const indexes = table.indexes.filter(
    (index) => index.unique && index.where === null && index.keys.every((key) => key.column !== null),
  );
  return [...table.uniques.map((unique) => unique.columns), ...indexes.map((index) => index.keys.map((key) => key.column!))];
}

/**
 * `format_type` spellings with spaces, shortened to PostgreSQL's own one-word aliases: an
 * attribute type is one lexer word, and these read better than a back-quoted phrase.
 */
const TYPE_ALIASES: [RegExp, string][] = [
  [/^character varying\b/, 'varchar'],
  [/^character\b/, 'char'],
  [/^bit varying\b/, 'varbit'],
  [/^double precision\b/, 'float8'],
  [/^timestamp(\(\d+\))? with time zone\b/, 'timestamptz$1'],
  [/^timestamp(\(\d+\))? without time zone\b/, 'timestamp$1'],
  [/^time(\(\d+\))? with time zone\b/, 'timetz$1'],
  [/^time(\(\d+\))? without time zone\b/, 'time$1'],
];

function mermaidType(type: string): string {
  for (const [pattern, alias] of TYPE_ALIASES) {
    if (pattern.test(type)) return type.replace(pattern, alias);
  }
  return type;
}

/** Mermaid's bare attribute word; it takes `varchar(255)`, `numeric(10,2)`, `text[]`, `sales.status`. */
const ATTRIBUTE_WORD = /^[*A-Za-z_\u00C0-\uFFFF][A-Za-z0-9\-_[\]().,\u00C0-\uFFFF*]*$/;
/** The key-marker rule runs first and matches `pk`/`fk`/`uk` up to a word boundary. */
const KEY_MARKER_PREFIX = /^(pk|fk|uk)(?![A-Za-z0-9_])/i;
const CONTROL = /[\u0000-\u001f\u007f]/g;

/**
 * An attribute type or name: bare when Mermaid's lexer reads it as one word, else in
 * backquotes, which hold anything but a backquote. A `~` becomes `-`: Mermaid's generic-type
 * rule (`List~T~`) runs first and would swallow a line from its first tilde to its last.
 */
function attributeWord(word: string): string {
  if (ATTRIBUTE_WORD.test(word) && !KEY_MARKER_PREFIX.test(word)) return word;
  return '`' + word.replace(/`/g, "'").replace(/~/g, '-').replace(CONTROL, '_') + '`';
}

/** Names that lex as a keyword (the keyword rules end at a word boundary). */
const RESERVED = new Set(['erdiagram', 'style', 'classdef', 'class', 'subgraph', 'end', 'one', 'many', 'to', 'acctitle', 'accdescr']);

/** An entity name: bare when it is a plain identifier and no keyword, else quoted. */
function entityToken(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !RESERVED.has(name.toLowerCase()) ? name : `"${name}"`;
}

/**
 * Text fit for Mermaid's double quotes (entity names, labels, relationship roles): a quoted
 * entity name cannot hold `"`, `%`, `\` or a line break; and the `direction` rule matches
 * `direction TB` (BT, RL, LR) anywhere in a line, turning the whole line into a direction
 * statement, so that phrase loses its space.
 */
function quotable(text: string): string {
  return text
    .replace(/"/g, "'")
    .replace(/[%\\]/g, '_')
    .replace(CONTROL, '_')
    .replace(/direction\s+(?=tb|bt|rl|lr)/gi, 'direction_');
}

function codeSpan(text: string): string {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}
