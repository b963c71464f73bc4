import { qualifiedName, quoteIdent } from '../model/quote-ident.js';
import type { Database, Schema } from '../model/types.js';
import { relationNames, type TableRef } from './model-walk.js';
import { MAX_IDENTIFIER_BYTES, truncateIdentifier } from './naming.js';

/**
 * The online way to build an index: CREATE INDEX CONCURRENTLY takes a SHARE UPDATE EXCLUSIVE
 * lock (writes go on) instead of SHARE. A partitioned table cannot be indexed concurrently, so
 * its index is created ON ONLY the parent (invalid, empty), each partition's index is built
 * concurrently and attached; the parent's becomes valid when the last one is attached.
 */
export function createIndexSql(db: Database, t: TableRef, name: string, definition: string, options: { unique?: boolean; where?: string | null } = {}): string {
  const unique = options.unique ? 'UNIQUE ' : '';
  const where = options.where ? ` WHERE ${options.where}` : '';
  if (!t.table.partitioning) return `CREATE ${unique}INDEX CONCURRENTLY ${quoteIdent(name)} ON ${t.sql} ${definition}${where};`;
  const lines = [`CREATE ${unique}INDEX ${quoteIdent(name)} ON ONLY ${t.sql} ${definition}${where};`];
  for (const schema of db.schemas) {
    for (const part of schema.tables) {
      const parent = part.partitionOf?.parent;
      if (!parent || parent.schema !== t.schema.name || parent.name !== t.table.name) continue;
      const partName = truncateIdentifier(`${name}_${part.name}`);
      const partRef: TableRef = { schema, table: part, name: `${schema.name}.${part.name}`, sql: qualifiedName(schema.name, part.name) };
      lines.push(createIndexSql(db, partRef, partName, definition, options));
      lines.push(`ALTER INDEX ${qualifiedName(t.schema.name, name)} ATTACH PARTITION ${qualifiedName(schema.name, partName)};`);
    }
  }
  return lines.join('\n');
}

/** `name`, or `name_2`, `name_3`… when a relation of the schema already holds it (indexes share the namespace with tables). */
export function freeRelationName(schema: Schema, name: string): string {
  const taken = relationNames(schema);
  let candidate = truncateIdentifier(name);
  // The suffix must fit in the 63 bytes too: cut the base by bytes, not characters.
  for (let n = 2; taken.has(candidate); n++) candidate = truncateIdentifier(name, MAX_IDENTIFIER_BYTES - String(n).length - 1) + `_${n}`;
  return candidate;
}
