import { allowedValues, columnType, describeType, hasCheck, isUniqueColumn, isForeignKeyColumn, isTextual } from '../column-types.js';
import { columnObject, tablesOf } from '../model-walk.js';
import { defineRule } from '../types.js';
import { nameWords } from '../sql-text.js';

const NAMES = ['status', 'state', 'type', 'kind', 'category', 'role', 'stage', 'priority', 'tier'];
/** `content_type`, `mime_type`: open-ended vocabularies, not a closed list. */
const OPEN_QUALIFIERS = new Set(['mime', 'content', 'media', 'file', 'data', 'db', 'pg', 'sql', 'column', 'field', 'event', 'resource', 'entity', 'object', 'model', 'class']);
/** A table with these columns is an address: its `state` is a region. */
const ADDRESS_WORDS = new Set(['city', 'zip', 'zipcode', 'postal', 'postcode', 'country', 'street', 'address', 'address1', 'province', 'county']);
/** Two-value lists are booleans (boolean-as-text-or-int reports those). */
const BOOLEAN_PAIR = /^(?:y|n|yes|no|t|f|true|false|0|1|on|off)$/i;

const TRADE_OFF = `An enum is 4 bytes, sorts in declaration order and rejects unknown values; adding a value is a cheap ALTER TYPE ... ADD VALUE, but removing or renaming one means recreating the type. A lookup table (FK) can carry labels and metadata and changes with plain DML. A CHECK (col IN (...)) is easy to change but cannot be shared between columns`;

export default defineRule({
  id: 'enum-candidate',
  meta: {
    category: 'types',
    severity: 'info',
    description: 'Free-text status/type columns are constrained: an enum, a lookup table or a CHECK list.',
    rationale: `A \`status text\` column with nothing restricting it collects \`'active'\`, \`'Active'\`, \`'actve'\` and
\`'ACTIVE '\` over the years, and every query, report and index predicate has to guess the spelling. Three
ways to close the vocabulary, with different trade-offs:

- **enum** (\`CREATE TYPE ... AS ENUM\`): 4 bytes per value, sorts in declaration order, rejects unknown
  values. \`ALTER TYPE ... ADD VALUE\` is cheap (no rewrite); removing or renaming a value requires
  recreating the type and rewriting the columns that use it.
- **lookup table** with a foreign key: values can carry labels, ordering and metadata, and are added or
  retired with plain DML; costs a join when the label is needed, and an index on the FK column.
- **\`CHECK (col IN (...))\`**: easy to read and to change (drop and re-add the constraint, \`NOT VALID\` then
  \`VALIDATE\`), but cannot be shared by several columns and the list is not queryable data.

By default the rule reports text columns named like a closed vocabulary (\`names\`: status, state, type,
kind, category, role, ... as the whole name or its last word, \`order_status\`, \`accountType\`) that are not a
foreign key and that no CHECK (of the table or of a domain) mentions. Names with an open vocabulary
(\`content_type\`, \`mime_type\`) and an address's \`state\` are skipped. With \`includeCheckLists\`, columns
already restricted by a CHECK list are reported too, as information on the trade-off.`,
    invalid: [
      `CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  status text NOT NULL DEFAULT 'new', -- flagged
  "paymentType" varchar(20) -- flagged
);`,
      `CREATE TABLE tickets (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  priority varchar(10), -- flagged
  title text NOT NULL
);`,
    ],
    valid: [
      `CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped');
CREATE TABLE payment_types (code text PRIMARY KEY, label text NOT NULL);
CREATE TABLE orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  status order_status NOT NULL DEFAULT 'new',
  payment_type text REFERENCES payment_types (code),
  kind text NOT NULL CHECK (kind IN ('retail', 'wholesale')),
  content_type text,
  status_note text
);`,
      `CREATE TABLE addresses (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  street text,
  city text,
  state text,
  postal_code text
);`,
    ],
    options: { names: NAMES, includeCheckLists: false },
    optionDocs: {
      names: 'Whole names or last name words that mark a closed vocabulary.',
      includeCheckLists: 'Also report text columns restricted by a CHECK (col IN (...)) list of 3+ values, with the enum/lookup trade-off.',
    },
  },
  check({ database, options, report }) {
    for (const t of tablesOf(database)) {
      const tableWords = new Set(t.table.columns.flatMap((c) => nameWords(c.name)));
      const isAddress = [...ADDRESS_WORDS].some((w) => tableWords.has(w));
      for (const column of t.table.columns) {
        const type = columnType(database, t, column);
        if (!isTextual(type) || type.array || column.generated) continue;
        if (isForeignKeyColumn(t.table, column.name)) continue;
        const values = allowedValues(t.table, column, type);
        if (values) {
          if (!options.includeCheckLists || values.length < 3 || values.every((v) => BOOLEAN_PAIR.test(v))) continue;
          report({
            message: `Column ${column.name} is ${describeType(column, type)} restricted by a CHECK list (${values.map((v) => `'${v}'`).join(', ')})`,
            object: columnObject(t, column.name),
            table: t.name,
            span: column.span,
            help: `${TRADE_OFF}: keep the CHECK if the list is private to this column and rarely changes.`,
          });
          continue;
        }
        const words = nameWords(column.name);
        const last = words[words.length - 1];
        if (!last || !options.names.some((n) => n.toLowerCase() === last)) continue;
        if (words.length > 1 && OPEN_QUALIFIERS.has(words[words.length - 2])) continue;
        // billing_state next to billing_city: a region, not a lifecycle state.
        if (last === 'state' && isAddress) continue;
        if (hasCheck(t.table, column, type)) continue;
        // A unique or key column is an identifier (a lookup table's own code), not a reference to a vocabulary.
        if (isUniqueColumn(t.table, column.name)) continue;
        report({
          message: `Column ${column.name} is free ${describeType(column, type)} but looks like a closed list of values`,
          object: columnObject(t, column.name),
          table: t.name,
          span: column.span,
          help: `Constrain it. ${TRADE_OFF}.`,
        });
      }
    }
  },
});
