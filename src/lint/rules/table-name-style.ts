import { quoteIdent } from '../../model/quote-ident.js';
import { isPlural, isSingular, pluralize, singularize } from '../inflect.js';
import { relationNames, tablesOf, type TableRef } from '../model-walk.js';
import { caseHelp, isSnakeCase, quotingReason, RENAME_CAVEAT, toSnakeCase } from '../name-style.js';
import { byteLength, MAX_IDENTIFIER_BYTES } from '../naming.js';
import { defineRule } from '../types.js';

const CASES = ['snake_case', 'any'];
const NUMBERS = ['plural', 'singular', 'consistent', 'any'];

/**
 * `name` split before a version, year or counter suffix (`addresses_v2`, `events_2024`,
 * `items2`): the word before it is the one that has a number.
 */
function splitSuffix(name: string): [string, string] {
  const m = /^(.*?)((?:_v?\d+)+|\d+)?$/.exec(name)!;
  return [m[1], m[2] ?? ''];
}

/** Plural, singular, or null when the last word is no English word to judge (`t1`, `ta`) or has no number (`staff`). */
function numberOf(name: string): 'plural' | 'singular' | null {
  const [core] = splitSuffix(name);
  const word = core.slice(core.lastIndexOf('_') + 1);
  if (!/^[a-z]{3,}$/.test(word)) return null;
  // isPlural misses plurals whose singular it cannot pluralize back (`indexes`, `histories`).
  const plural = isPlural(core) || singularize(core) !== core;
  const singular = isSingular(core);
  if (plural === singular) return null;
  return plural ? 'plural' : 'singular';
}

export default defineRule({
  id: 'table-name-style',
  meta: {
    category: 'naming',
    severity: 'warning',
    description: 'Table names are snake_case and plural (configurable).',
    rationale: `PostgreSQL folds unquoted identifiers to lower case, so a table created as \`"OrderItems"\` must
be written with double quotes in every query, forever; \`OrderItems\` unquoted means \`orderitems\` and fails.
snake_case names need no quotes and read the same in SQL, ORMs and \`psql\`. One grammatical number for
every table (plural by default: a table holds many rows) lets readers and tools guess names
(\`customers\` → \`customer_id\`); set \`tables\` to \`singular\` if that is your convention, or \`consistent\` to
follow whichever the schema mostly uses. Views are not checked, nor are partitions (they are named after
their parent and their range). A version, year or counter suffix is ignored (\`addresses_v2\`), as are
names whose last word is not a word (\`t1\`). The fix renames the table: \`ALTER TABLE ... RENAME\` is a
catalog change under a brief ACCESS EXCLUSIVE lock, and views, foreign keys, indexes and triggers follow it
(they refer to the table by OID), but every query, function body and migration that spells the old name
breaks, and sequences and constraints keep their old-name-based names. Ship it with the code change.`,
    options: { case: 'snake_case', tables: 'plural' },
    optionChoices: { case: CASES, tables: NUMBERS },
    optionDocs: {
      case: '`snake_case`, or `any` to leave letter case alone.',
      tables: '`plural`, `singular`, `consistent` (the number most of the schema\'s tables use), or `any`.',
    },
    invalid: [
      `CREATE TABLE order_item ( -- flagged
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  quantity integer NOT NULL
);`,
      `CREATE TABLE "OrderItems" ( -- flagged
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY
);`,
      `CREATE TABLE person ( -- flagged
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY
);
CREATE TABLE categories (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY
);`,
    ],
    valid: [
      `CREATE TABLE order_items (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY
);
CREATE TABLE people (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY
);
CREATE VIEW order_summary AS SELECT count(*) AS items FROM order_items;`,
      `CREATE TABLE addresses_v2 (id bigint PRIMARY KEY);
CREATE TABLE user_settings (id bigint PRIMARY KEY);
CREATE TABLE staff (id bigint PRIMARY KEY);
CREATE TABLE _schema_migrations (version text PRIMARY KEY);`,
      `CREATE TABLE events (
  id bigint NOT NULL,
  occurred_at timestamptz NOT NULL
) PARTITION BY RANGE (occurred_at);
CREATE TABLE events_default PARTITION OF events DEFAULT;`,
    ],
  },
  check({ database, options, report }) {
    const snake = options.case === 'snake_case';
    const tables = [...tablesOf(database)];
    // Judge the number on the snake_case spelling: `OrderItem` has the words `order` and `item`.
    const spelled = (t: TableRef) => toSnakeCase(t.table.name) ?? t.table.name.toLowerCase();
    let wanted = options.tables;
    if (wanted === 'consistent') {
      const numbers = tables.map((t) => numberOf(spelled(t)));
      wanted = numbers.filter((n) => n === 'singular').length > numbers.filter((n) => n === 'plural').length ? 'singular' : 'plural';
    }
    for (const t of tables) {
      const name = t.table.name;
      const badCase = snake && !isSnakeCase(name);
      const number = wanted === 'any' ? null : numberOf(spelled(t));
      const badNumber = number !== null && number !== wanted;
      if (!badCase && !badNumber) continue;

      let target: string | null = snake ? toSnakeCase(name) : name;
      if (target && badNumber) {
        const [core, suffix] = splitSuffix(target);
        target = (wanted === 'plural' ? pluralize(core) : singularize(core)) + suffix;
      }
      const usable = target && target !== name && byteLength(target) <= MAX_IDENTIFIER_BYTES && !quotingReason(target, 'relation') && !relationNames(t.schema).has(target);
      const problems = [...(badCase ? ['is not snake_case'] : []), ...(badNumber ? [`is ${number}`] : [])];
      report({
        message: `Table ${t.name} ${problems.join(' and ')}`,
        object: t.name,
        table: t.name,
        span: t.table.span,
        help: [
          badCase && caseHelp(name),
          badNumber && `The convention is ${wanted} table names.`,
          usable ? `Rename it to ${target}, with the code that uses it.` : 'Rename it, with the code that uses it.',
        ].filter(Boolean).join(' '),
        ...(usable && {
          fix: {
            title: `Rename table ${name} to ${target} (breaks clients that use the old name)`,
            sql: `${RENAME_CAVEAT}\nALTER TABLE ${t.sql} RENAME TO ${quoteIdent(target!)};`,
          },
        }),
      });
    }
  },
});
