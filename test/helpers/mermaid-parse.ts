/**
 * Mermaid's own parser, run in Node. `mermaid.parse` needs no DOM for an erDiagram: only
 * titles and subgraph labels go through DOMPurify, which the ERD never emits.
 */
import mermaid from 'mermaid';

export interface ParsedAttribute {
  type: string;
  name: string;
  keys: string[];
  comment: string;
}

export interface ParsedEntity {
  name: string;
  alias: string;
  attributes: ParsedAttribute[];
}

export interface ParsedRelationship {
  from: string;
  to: string;
  role: string;
  /** Mermaid's cardinality next to `from` / `to`: ZERO_OR_MORE, ZERO_OR_ONE, ONLY_ONE, ... */
  fromSide: string;
  toSide: string;
}

export interface ParsedErDiagram {
  entities: ParsedEntity[];
  relationships: ParsedRelationship[];
}

/** What `getDiagramFromText(...).db` holds for an erDiagram; Mermaid does not export its type. */
interface ErDbView {
  getEntities(): Map<string, { id: string; alias: string; attributes: ParsedAttribute[] }>;
  getRelationships(): { entityA: string; entityB: string; roleA: string; relSpec: { cardA: string; cardB: string } }[];
}

/** A relationship line: entity, Mermaid's two-character cardinalities around `--` or `..`, entity. */
const RELATIONSHIP_LINE = /\s(\|o|\}o|\}\||\|\||o\||o\{|\|\{)(--|\.\.)(\|o|\}o|\}\||\|\||o\||o\{|\|\{)\s/;

function numbered(text: string): string {
  return text
    .split('\n')
    .map((line, i) => `${String(i + 1).padStart(4)} | ${line}`)
    .join('\n');
}

/**
 * Parses one erDiagram with Mermaid and returns what Mermaid understood. Throws, with the
 * diagram's numbered lines, when Mermaid rejects it.
 */
export async function parseErDiagram(text: string): Promise<ParsedErDiagram> {
  try {
    const { diagramType } = await mermaid.parse(text);
    if (diagramType !== 'er') throw new Error(`expected an erDiagram, Mermaid detected ${diagramType}`);
  } catch (error) {
    throw new Error(`Mermaid rejected the diagram: ${(error as Error).message}\n${numbered(text)}`);
  }
  // `parse` registered the diagram types that `getDiagramFromText` looks up.
  const db = (await mermaid.mermaidAPI.getDiagramFromText(text)).db as unknown as ErDbView;
  const nameOfId = new Map<string, string>();
  const entities = [...db.getEntities()].map(([name, entity]) => {
    nameOfId.set(entity.id, name);
    return { name, alias: entity.alias, attributes: entity.attributes.map(({ type, name, keys, comment }) => ({ type, name, keys, comment })) };
  });
  const relationships = db.getRelationships().map((relationship) => ({
    from: nameOfId.get(relationship.entityA) ?? relationship.entityA,
    to: nameOfId.get(relationship.entityB) ?? relationship.entityB,
    role: relationship.roleA,
    fromSide: relationship.relSpec.cardB,
    toSide: relationship.relSpec.cardA,
  }));
  return { entities, relationships };
}

/**
 * Asserts that Mermaid accepts one erDiagram and that every relationship line in it became
 * a relationship: Mermaid's lexer can silently read a whole line as something else (a line
 * holding `direction TB` becomes a direction statement), so acceptance alone is not enough.
 */
export async function expectMermaidParses(text: string): Promise<ParsedErDiagram> {
  const parsed = await parseErDiagram(text);
  const relationshipLines = text.split('\n').filter((line) => RELATIONSHIP_LINE.test(line)).length;
  if (parsed.relationships.length !== relationshipLines) {
    throw new Error(
      `Mermaid read ${parsed.relationships.length} relationships from ${relationshipLines} relationship lines\n${numbered(text)}`,
    );
  }
  return parsed;
}
