import { columnType, describeType, isForeignKeyColumn, isGeneratedKey, isInteger, isTextual } from '../column-types.js';
import { quoteIdent } from '../../model/quote-ident.js';
import { columnObject, tablesOf } from '../model-walk.js';
import { defineRule } from '../types.js';
import { nameWords } from '../sql-text.js';

/** Whole names that are points in time or dates. */
const DATE_NAMES = new Set(['date', 'datetime', 'timestamp', 'birthday', 'birthdate', 'dob', 'created', 'updated', 'modified']);
/** Last words that make a name a point in time: created_at, order_date, start_time, event_ts. */
const SUFFIXES = new Set(['at', 'date', 'datetime', 'timestamp', 'time', 'ts', 'dt', 'dttm', 'on']);
/** `<participle>_on` names that are not dates. */
const NOT_DATE_ON = new Set(['based', 'turned', 'switched', 'logged', 'keyed', 'focused', 'modeled', 'modelled', 'depended', 'relied', 'called']);
/** Flag-like prefixes: `is_turned_on` is a boolean, not a date. */
const FLAG_PREFIXES = new Set(['is', 'has', 'can', 'should', 'was', 'allow', 'enable']);
/** Defaults that compute the current time: the column receives a time, whatever its name. */
const TIME_DEFAULT = /\b(?:now|clock_timestamp|statement_timestamp|transaction_timestamp|timeofday)\s*\(|\b(?:current_timestamp|current_date|current_time|localtimestamp|localtime)\b/i;

type Kind = 'text' | 'epoch' | 'number-date';

/** A calendar date rather than a point in time: `*_date`, `*_on`, birthdays, a CURRENT_DATE or 'YYYY-MM-DD' default. */
function isCalendarDate(words: string[], defaultSql: string | null): boolean {
  const last = words[words.length - 1];
  if (['date', 'on', 'birthday', 'birthdate', 'dob', 'day'].includes(last) || words.join('_') === 'date_of_birth') return true;
  return defaultSql !== null && (/\bcurrent_date\b/i.test(defaultSql) || /'YYYY-MM-DD'/i.test(defaultSql));
}

function dateKind(words: string[], integer: boolean): Kind | null {
  if (!words.length || FLAG_PREFIXES.has(words[0])) return null;
  const joined = words.join('_');
  const last = words[words.length - 1];
  const named =
    DATE_NAMES.has(joined) ||
    joined === 'date_of_birth' ||
    // date_created, date_joined (Django): `date_` and a participle.
    (words.length === 2 && words[0] === 'date' && words[1].endsWith('ed')) ||
    (words.length > 1 && SUFFIXES.has(last) && (last !== 'on' || (words[words.length - 2].endsWith('ed') && !NOT_DATE_ON.has(words[words.length - 2]))));
  if (!named) return null;
  if (!integer) return 'text';
  // An integer `*_time` is usually a duration (response_time, cook_time), `*_on` rarely a date.
  if (last === 'time' || last === 'on') return null;
  return last === 'date' || joined === 'date' || ['birthday', 'birthdate', 'dob', 'date_of_birth'].includes(joined) ? 'number-date' : 'epoch';
}

export default defineRule({
  id: 'no-text-dates',
  meta: {
    category: 'types',
    severity: 'warning',
    description: 'Dates and times are stored as `date`/`timestamptz`, not as text or integers.',
    rationale: `A date in a \`text\`, \`varchar\` or \`char\` column accepts \`'2024-02-30'\` and \`'yesterday'\`,
sorts as a string (\`'10/1/2024' < '9/1/2024'\`), cannot use date arithmetic, \`date_trunc\` or range types
without a cast in every query, and an index on it does not serve the cast expression. A \`date\` takes 4
bytes and a \`timestamptz\` 8, less than most text spellings, and both are validated on input.

The rule looks at names (\`created_at\`, \`*_date\`, \`*_time\`, \`*_ts\`, \`created_on\`, \`birthday\`, \`date_joined\`)
and at defaults that compute the current time (\`now()::text\`, \`to_char(now(), ...)\`, \`CURRENT_DATE\`). An
integer \`*_at\`/\`*_ts\` column is probably a Unix epoch: it orders correctly but is unreadable, has no time
zone handling and, as \`integer\`, overflows in 2038; an integer \`*_date\` is usually \`yyyymmdd\`. Foreign key
columns are left alone (a warehouse's date-dimension key is an integer by design), as are integer
\`*_time\` columns (durations such as \`response_time\`) and \`updated_by\`-style names.
Converting is \`ALTER COLUMN ... TYPE timestamptz USING ...\`: a table rewrite under an ACCESS EXCLUSIVE lock
that fails on the first unparsable value, so there is no automatic fix.`,
    invalid: [
      `CREATE TABLE posts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  title text NOT NULL,
  published_at varchar(30), -- flagged
  release_date text, -- flagged
  updated_by text
);`,
      `CREATE TABLE sessions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  started_at integer NOT NULL, -- flagged
  stamp text NOT NULL DEFAULT now()::text, -- flagged
  day char(10) DEFAULT to_char(now(), 'YYYY-MM-DD') -- flagged
);`,
      `CREATE TABLE members (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  birthday text, -- flagged
  "joinedOn" varchar(10) -- flagged
);`,
    ],
    valid: [
      `CREATE TABLE posts (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  published_at timestamptz,
  release_date date,
  updated_by text,
  time_zone text NOT NULL DEFAULT 'UTC',
  response_time integer,
  based_on text,
  is_turned_on smallint
);`,
      `CREATE TABLE dim_date (date_key integer PRIMARY KEY, full_date date NOT NULL);
CREATE TABLE fact_sales (
  order_date integer NOT NULL REFERENCES dim_date (date_key),
  amount numeric(12,2) NOT NULL
);`,
      `CREATE DOMAIN moment AS timestamptz;
CREATE TABLE audits (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  created_at moment NOT NULL DEFAULT now()
);`,
    ],
  },
  check({ database, report }) {
    for (const t of tablesOf(database)) {
      for (const column of t.table.columns) {
        const type = columnType(database, t, column);
        if (type.array || column.generated || isGeneratedKey(column)) continue;
        const integer = isInteger(type);
        if (!integer && !isTextual(type)) continue;
        if (isForeignKeyColumn(t.table, column.name)) continue;
        const byDefault = column.default !== null && TIME_DEFAULT.test(column.default);
        const kind = dateKind(nameWords(column.name), integer) ?? (byDefault ? (integer ? 'epoch' : 'text') : null);
        if (!kind) continue;
        const why = byDefault ? `its default (${column.default}) is a time` : 'its name says it holds a date or time';
        const col = quoteIdent(column.name);
        // A default of the old type (now()::text) cannot be cast along: ALTER TYPE fails until it is dropped.
        const alter = `${column.default ? `drop the default, then ` : ''}ALTER TABLE ${t.sql} ALTER COLUMN ${col}`;
        const target = isCalendarDate(nameWords(column.name), column.default) ? 'date' : 'timestamptz';
        const help =
          kind === 'epoch'
            ? `If it holds a Unix epoch (seconds), timestamptz makes it readable, zone-aware and 2038-proof: ${alter} TYPE timestamptz USING to_timestamp(${col}); (divide by 1000 for milliseconds; a table rewrite under an ACCESS EXCLUSIVE lock).`
            : kind === 'number-date'
              ? `A number such as 20240131 is not validated as a date and has no date arithmetic. Use date: ${alter} TYPE date USING to_date(${col}::text, 'YYYYMMDD'); (a table rewrite under an ACCESS EXCLUSIVE lock).`
              : `Use ${target}: ${alter} TYPE ${target} USING ${col}::${target}; (a table rewrite under an ACCESS EXCLUSIVE lock that fails on the first value that does not parse: clean the data first).`;
        report({
          message: `Column ${column.name} is ${describeType(column, type)} but ${why}${kind === 'epoch' ? ' (a Unix epoch?)' : ''}`,
          object: columnObject(t, column.name),
          table: t.name,
          span: column.span,
          help,
        });
      }
    }
  },
});
