/**
 * Spells a parsed type (`TypeName` node) the way PostgreSQL's `format_type()` does, so a
 * statically loaded model and an introspected one agree: `int4` → `integer`,
 * `varchar(20)` → `character varying(20)`, `timestamptz(3)` → `timestamp(3) with time zone`.
 */

const BUILTIN: Record<string, string> = {
  int2: 'smallint', smallint: 'smallint',
  int4: 'integer', int: 'integer', integer: 'integer',
  int8: 'bigint', bigint: 'bigint',
  float4: 'real', real: 'real',
  float8: 'double precision',
  bool: 'boolean', boolean: 'boolean',
  decimal: 'numeric', numeric: 'numeric',
  varchar: 'character varying',
  bpchar: 'character',
  varbit: 'bit varying',
  bit: 'bit',
  serial: 'integer', serial4: 'integer',
  bigserial: 'bigint', serial8: 'bigint',
  smallserial: 'smallint', serial2: 'smallint',
  // The one-byte internal type, written "char" (unquoted char is character(1)).
  char: '"char"',
};

const SERIAL: Record<string, string> = {
  serial: 'integer', serial4: 'integer', bigserial: 'bigint', serial8: 'bigint', smallserial: 'smallint', serial2: 'smallint',
};

// Interval field masks from PostgreSQL's datetime.h (INTERVAL_MASK of each field).
const MONTH = 1 << 1, YEAR = 1 << 2, DAY = 1 << 3, HOUR = 1 << 10, MINUTE = 1 << 11, SECOND = 1 << 12;
const INTERVAL_FIELDS: Record<number, string> = {
  [YEAR]: 'year', [MONTH]: 'month', [DAY]: 'day', [HOUR]: 'hour', [MINUTE]: 'minute', [SECOND]: 'second',
  [YEAR | MONTH]: 'year to month', [DAY | HOUR]: 'day to hour', [DAY | HOUR | MINUTE]: 'day to minute',
  [DAY | HOUR | MINUTE | SECOND]: 'day to second', [HOUR | MINUTE]: 'hour to minute',
  [HOUR | MINUTE | SECOND]: 'hour to second', [MINUTE | SECOND]: 'minute to second',
};
const INTERVAL_FULL_RANGE = 0x7fff;
const INTERVAL_FULL_PRECISION = 0xffff;

export interface FormattedType {
  type: string;
  /** Set for serial/bigserial/smallserial: the integer type of the implied sequence. */
  serial?: string;
}

/** The type modifiers as written: integers, or the text of anything else. */
function typmods(typeName: any): (number | string)[] {
  return (typeName.typmods ?? []).map((m: any) => {
    const c = m.A_Const;
    if (c?.ival) return c.ival.ival ?? 0;
    if (c?.sval) return c.sval.sval;
    if (m.ColumnRef) return m.ColumnRef.fields.map((f: any) => f.String?.sval).join('.');
    return '?';
  });
}

/**
 * A type name as format_type prints one that is not ours (built-in or an extension's): bare
 * when it is lower-case, even if it is a keyword (`json`), quoted otherwise.
 */
export function builtinName(name: string): string {
  return /^[a-z_][a-z0-9_$]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}

/**
 * @param resolve maps a user type's name parts (`['status']`, `['sales','status']`) to its
 * model spelling (schema-qualified unless in `public`).
 */
export function formatType(typeName: any, resolve: (names: string[]) => string): FormattedType {
  const names: string[] = (typeName.names ?? []).map((n: any) => n.String?.sval ?? '');
  const isCatalog = names.length === 2 && names[0] === 'pg_catalog';
  const base = names[names.length - 1];
  const mods = typmods(typeName);
  const array = typeName.arrayBounds?.length ? '[]' : '';
  let type: string;
  let serial: string | undefined;

  if (typeName.pct_type) {
    type = `${names.join('.')}%TYPE`;
  } else if (names.length === 1 && base in SERIAL && !array) {
    serial = SERIAL[base];
    type = serial;
  } else if (isCatalog || (names.length === 1 && (base in BUILTIN || TIME_TYPES.has(base) || CATALOG_TYPES.has(base) || base === 'interval'))) {
    type = formatBuiltin(base, mods) ?? resolve(names);
  } else {
    // Extension and user types keep their modifiers as written: geometry(Point,4326).
    type = resolve(names) + (mods.length ? `(${mods.join(',')})` : '');
  }
  return { type: type + array, serial };
}

const TIME_TYPES = new Set(['timestamp', 'timestamptz', 'time', 'timetz']);

// pg_catalog comes first on every search_path, so these names mean the built-in type even
// unqualified: no need to look for a user type of the same name (a scan per column).
const CATALOG_TYPES = new Set([
  'text', 'json', 'jsonb', 'uuid', 'date', 'bytea', 'inet', 'cidr', 'macaddr', 'macaddr8', 'money', 'xml',
  'tsvector', 'tsquery', 'oid', 'regclass', 'regtype', 'regproc', 'name', 'point', 'line', 'lseg', 'box', 'path',
  'polygon', 'circle', 'int4range', 'int8range', 'numrange', 'tsrange', 'tstzrange', 'daterange',
  'int4multirange', 'int8multirange', 'nummultirange', 'tsmultirange', 'tstzmultirange', 'datemultirange',
  'void', 'trigger', 'event_trigger', 'record', 'anyelement', 'anyarray', 'anynonarray', 'anyenum', 'anyrange',
  'cstring', 'internal', 'pg_lsn', 'txid_snapshot', 'pg_snapshot', 'xid', 'xid8', 'cid', 'tid', 'jsonpath',
]);

function formatBuiltin(base: string, mods: (number | string)[]): string | undefined {
  const m = mods.length ? `(${mods.join(',')})` : '';
  switch (base) {
    case 'timestamp': return `timestamp${m} without time zone`;
    case 'timestamptz': return `timestamp${m} with time zone`;
    case 'time': return `time${m} without time zone`;
    case 'timetz': return `time${m} with time zone`;
    case 'interval': {
      const [range, precision] = mods as number[];
      const fields = range !== undefined && range !== INTERVAL_FULL_RANGE ? ` ${INTERVAL_FIELDS[range] ?? ''}`.trimEnd() : '';
      const p = precision !== undefined && precision !== INTERVAL_FULL_PRECISION ? `(${precision})` : '';
      return `interval${fields}${p}`;
    }
    case 'numeric':
    case 'decimal':
      // numeric(p) means numeric(p,0), and format_type says so.
      return mods.length === 1 ? `numeric(${mods[0]},0)` : `numeric${m}`;
    case 'bpchar':
      // `char` alone is char(1); the grammar already supplies the 1.
      return `character${m}`;
    default: {
      const name = BUILTIN[base];
      if (name) return `${name}${m}`;
      return TIME_TYPES.has(base) ? undefined : `${builtinName(base)}${m}`;
    }
  }
}
