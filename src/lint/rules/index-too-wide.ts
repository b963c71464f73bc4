import { globToRegExp } from '../../model/filter-model.js';
import type { Database, Table } from '../../model/types.js';
import { indexShapes } from '../index-compare.js';
import { columnOf, tablesOf } from '../model-walk.js';
import { isUnboundedVarlena, maxValueBytes, resolveType } from '../type-layout.js';
import { defineRule } from '../types.js';
import { mentionsColumn } from '../sql-text.js';

/** Largest btree entry on an 8 kB page (BTMaxItemSize, PostgreSQL 12+): a third of a page, less overhead. */
const BTREE_MAX_ITEM = 2704;

/** A CHECK (on the table or the column's domain) that caps the column's length, e.g. `char_length(url) <= 2000`. */
function lengthCapped(db: Database, table: Table, column: string): boolean {
  const cap = (expr: string, name: string) =>
    mentionsColumn(expr, name) && /\b(char_length|character_length|length|octet_length)\s*\(/i.test(expr) && /(<=?|=|\bBETWEEN\b.*\bAND)\s*\(?\s*\d+/i.test(expr);
  if (table.checks.some((c) => cap(c.expression, column))) return true;
  const domain = resolveType(db, columnOf(table, column)?.type ?? '').domain;
  return !!domain?.checks.some((c) => cap(c.expression.replace(/\bVALUE\b/gi, 'value'), 'value'));
}

/** Unbounded text or binary: short keys (emails, names, digests) are its everyday use, so the column name decides. */
const isTextOrBinary = (db: Database, type: string) => {
  const t = resolveType(db, type);
  if (t.array) return false;
  return (t.kind === 'builtin' && (t.base === 'text' || t.base === 'bytea' || (t.base === 'character varying' && t.typmod === null))) || /(^|\.)citext$/.test(t.base);
};

export default defineRule({
  id: 'index-too-wide',
  meta: {
    category: 'indexes',
    severity: 'warning',
    description: 'Btree indexes have few key columns and no values that can outgrow an index entry.',
    rationale: `A btree entry must fit in a third of a page: 2,704 bytes with 8 kB pages (PostgreSQL 12+; values
are compressed first, so the limit bites on incompressible data). A longer value makes the INSERT or
UPDATE fail with \`index row size ... exceeds btree version 4 maximum 2704\`, in production, on the first
long value: a URL, a pasted text, a JSON document. INCLUDE columns are stored in leaf entries too. The rule
reports a btree index (constraint-backed ones included) when:

- a key or INCLUDE column is of an unbounded document type: \`json\`/\`jsonb\`, \`xml\`, \`tsvector\`, an
  array or a composite;
- a key or INCLUDE column is \`text\`, \`varchar\` without a length, \`citext\` or \`bytea\`, its name matches
  \`longValueColumns\` (free text, URLs, paths, payloads, files: short values such as \`email\`, \`name\` or a
  \`sha256\` digest are not matched), and no CHECK caps its length (\`char_length(col) <= n\`,
  \`octet_length(col) = 32\`, on the table or the domain);
- the declared maxima of its bounded columns (\`varchar(n)\`, \`char(n)\` at one byte per character, so a
  lower bound in UTF-8, plus fixed-width types) add up to more than 2,704 bytes;
- it has more than \`maxColumns\` key columns: every entry carries them all, the index is large, and only
  queries constraining the leading ones use it well.

For equality lookups on long values use a hash index (it stores a 4-byte hash), or index an expression:
\`md5(url)\` (a UNIQUE index on it enforces uniqueness), \`left(body, 200)\` for prefix searches;
full-text search wants a GIN index on a \`tsvector\`. There is no fix: which query the index serves decides.`,
    invalid: [
      `CREATE TABLE pages (
  id bigint PRIMARY KEY,
  url text NOT NULL UNIQUE, -- flagged
  body text NOT NULL,
  meta jsonb NOT NULL
);
CREATE INDEX pages_meta ON pages (meta); -- flagged
CREATE INDEX pages_id_body ON pages (id) INCLUDE (body); -- flagged`,
      `CREATE TABLE addresses (
  id bigint PRIMARY KEY,
  line1 varchar(2000) NOT NULL,
  line2 varchar(2000),
  country char(2) NOT NULL,
  region text,
  city text,
  postcode text,
  street text
);
CREATE INDEX addresses_lines ON addresses (line1, line2); -- flagged
CREATE INDEX addresses_all ON addresses (country, region, city, postcode, street, line1); -- flagged`,
    ],
    valid: [
      `CREATE TABLE pages (
  id bigint PRIMARY KEY,
  url text NOT NULL CHECK (char_length(url) <= 2000),
  email text NOT NULL UNIQUE,
  title varchar(500) NOT NULL,
  body text NOT NULL,
  meta jsonb NOT NULL
);
CREATE UNIQUE INDEX pages_url ON pages (url);
CREATE INDEX pages_title ON pages (title);
CREATE INDEX pages_body_hash ON pages USING hash (body);
CREATE UNIQUE INDEX pages_body_md5 ON pages (md5(body));
CREATE INDEX pages_meta ON pages USING gin (meta);`,
      `CREATE TABLE addresses (
  id bigint PRIMARY KEY,
  country char(2) NOT NULL,
  region text,
  city text,
  postcode text,
  street text
);
CREATE INDEX addresses_place ON addresses (country, region, city, postcode, street);`,
    ],
    options: {
      maxColumns: 5,
      longValueColumns: [
        '*description*', '*body*', '*content*', '*comment*', '*message*', '*note', '*notes', '*text', '*html', '*markdown', '*url', '*uri', '*path',
        '*payload', 'document', '*_document', '*summary', '*abstract', '*query', '*sql', '*data', '*json', '*xml', '*blob', '*file', '*image', '*attachment',
      ],
    },
    optionDocs: {
      maxColumns: 'Most key columns (INCLUDE columns aside) a btree index may have.',
      longValueColumns: 'Globs on column names: unbounded text or bytea columns so named can hold values longer than an index entry.',
    },
  },
  check({ database, options, report }) {
    const longValue = options.longValueColumns.map(globToRegExp);
    for (const t of tablesOf(database)) {
      for (const ix of indexShapes(t.table)) {
        if (ix.method !== 'btree') continue;
        const problems: string[] = [];
        const stored = [...ix.keys.filter((k) => k.plain).map((k) => k.target), ...ix.include];
        let bounded = 0;
        for (const name of stored) {
          const column = columnOf(t.table, name);
          if (!column) continue;
          if (isTextOrBinary(database, column.type)) {
            if (longValue.some((re) => re.test(name)) && !lengthCapped(database, t.table, name)) problems.push(`${name} (${column.type}) can hold long values`);
          } else if (isUnboundedVarlena(database, column.type)) {
            problems.push(`${name} (${column.type}) has no size limit`);
          } else {
            bounded += maxValueBytes(database, column.type) ?? 0;
          }
        }
        if (bounded > BTREE_MAX_ITEM) problems.push(`its bounded columns can take ${bounded} bytes, more than the ${BTREE_MAX_ITEM}-byte entry limit`);
        if (ix.keys.length > options.maxColumns) problems.push(`it has ${ix.keys.length} key columns (more than ${options.maxColumns})`);
        if (!problems.length) continue;
        const tooLong = problems.length > (ix.keys.length > options.maxColumns ? 1 : 0);
        report({
          message: `Index ${ix.name} is too wide: ${problems.join('; ')}`,
          object: `${t.schema.name}.${ix.name}`,
          table: t.name,
          span: ix.span,
          help: tooLong
            ? `A btree entry is limited to ${BTREE_MAX_ITEM} bytes: one long value makes the write fail with "index row size exceeds maximum". Use a hash index for equality, an expression index on md5(...) for uniqueness, or cap the length with a CHECK.`
            : `Wide keys make a large index that only queries fixing its leading columns use well. Keep the columns queries filter on by equality, most selective first, and move the ones only read to INCLUDE.`,
        });
      }
    }
  },
});
