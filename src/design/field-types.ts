import type { FieldSpec } from './spec.js';

/** A logical field type as a column: its PostgreSQL type, the CHECKs it brings, and why. */
export interface ColumnType {
  type: string;
  /** CHECK expressions on the column, `{col}` standing for its (quoted) name. */
  checks: string[];
  reason: string;
  tradeoff?: string;
}

const TEXT_LIMITS: Record<string, { max: number; why: string }> = {
  email: { max: 254, why: 'an address longer than 254 characters cannot be delivered (RFC 5321)' },
  url: { max: 2048, why: 'browsers and proxies stop at about 2048 characters' },
  phone: { max: 32, why: 'E.164 numbers have at most 15 digits; 32 leaves room for formatting and extensions' },
  slug: { max: 100, why: 'a URL segment; longer ones are a bug' },
};

/**
 * The documented mapping of the spec's logical types:
 * text-like types are `text` with a length CHECK (a `varchar(n)` limit changed later rewrites
 * nothing either since PostgreSQL 9.2, but a CHECK can be changed NOT VALID and says why);
 * money and decimal are `numeric` (never float, never the `money` type, whose output follows
 * lc_monetary); timestamps are `timestamptz`; json is `jsonb`; ip is `inet`.
 */
export function columnTypeOf(field: FieldSpec): ColumnType | undefined {
  const t = field.type ?? 'text';
  const limit = field.max_length;
  switch (t) {
    case 'text':
      return limit
        ? { type: 'text', checks: [`char_length({col}) <= ${limit}`], reason: `text with a CHECK on its length (${limit})`, tradeoff: 'a CHECK instead of varchar(n): the limit is a rule that can change without a table rewrite' }
        : { type: 'text', checks: [], reason: 'text: PostgreSQL stores varchar and text alike; no arbitrary limit' };
    case 'email':
    case 'url':
    case 'phone':
    case 'slug': {
      const l = TEXT_LIMITS[t];
      const max = limit ?? l.max;
      return { type: 'text', checks: [`char_length({col}) <= ${max}`], reason: `text with a length CHECK of ${max}: ${l.why}`, tradeoff: 'the format is validated by the application: a regex CHECK rejects valid edge cases and every change of it is a table scan' };
    }
    case 'money': {
      const [p, s] = [field.precision ?? 12, field.scale ?? 2];
      // Amounts are not negative unless the spec says otherwise with a check of its own (a balance).
      return { type: `numeric(${p},${s})`, checks: field.check ? [] : ['{col} >= 0'], reason: `numeric(${p},${s}), not negative: exact decimal arithmetic; up to ${10 ** (p - s) - 1} in the currency's unit; a refund is a row of its own (give a check to allow negative amounts)`, tradeoff: 'not float (rounding errors) nor money (formatted by lc_monetary, one currency per database)' };
    }
    case 'decimal': {
      const [p, s] = [field.precision ?? 18, field.scale ?? 6];
      return { type: `numeric(${p},${s})`, checks: [], reason: `numeric(${p},${s}): exact, with the precision asked or a generous default` };
    }
    case 'percent':
      return { type: 'numeric(5,2)', checks: ['{col} BETWEEN 0 AND 100'], reason: 'numeric(5,2) between 0 and 100' };
    case 'integer':
      return { type: 'integer', checks: [], reason: 'integer (4 bytes, up to 2.1 billion)' };
    case 'bigint':
      return { type: 'bigint', checks: [], reason: 'bigint (8 bytes)' };
    case 'smallint':
      return { type: 'smallint', checks: [], reason: 'smallint (2 bytes, up to 32767)' };
    case 'boolean':
      return { type: 'boolean', checks: [], reason: 'boolean (not an integer or a Y/N text)' };
    case 'date':
      return { type: 'date', checks: [], reason: 'date (not text: ordered, validated, 4 bytes)' };
    case 'time':
      return { type: 'time', checks: [], reason: 'time of day without a zone' };
    case 'timestamp':
      return { type: 'timestamp with time zone', checks: [], reason: 'timestamptz: an instant, stored in UTC and shown in the session\'s zone', tradeoff: 'not timestamp without time zone, whose values mean nothing without a zone agreed elsewhere' };
    case 'duration':
      return { type: 'interval', checks: [], reason: 'interval' };
    case 'json':
      return { type: 'jsonb', checks: [], reason: 'jsonb: binary, indexable (GIN), duplicate keys removed', tradeoff: 'not json, which keeps the text as given and cannot be indexed' };
    case 'uuid':
      return { type: 'uuid', checks: [], reason: 'uuid (16 bytes, not text)' };
    case 'ip':
      return { type: 'inet', checks: [], reason: 'inet: an address or network, with containment operators' };
    case 'bytes':
      return { type: 'bytea', checks: [], reason: 'bytea' };
    case 'tsvector':
      return { type: 'tsvector', checks: [], reason: 'tsvector for full-text search' };
    case 'text[]':
      return { type: 'text[]', checks: [], reason: 'a text array: a few labels searched with && and @> (GIN)', tradeoff: 'no foreign key on elements: a join table when the values are entities' };
    case 'integer[]':
      return { type: 'integer[]', checks: [], reason: 'an integer array' };
    default:
      return undefined;
  }
}
