/**
 * A PostgreSQL to run SQL on: the embedded PGlite or a live server.
 *
 * Rows come back with the same JavaScript values from both engines (PGlite's conversions):
 * int2/int4/oid/float → number, int8 → number (bigint beyond 2^53), numeric → string,
 * date/timestamp/timestamptz → Date, json/jsonb → parsed, bytea → Uint8Array,
 * arrays of built-in types → arrays, everything else → the text PostgreSQL prints.
 */
export interface Engine {
  readonly kind: 'embedded' | 'server';
  /** One statement, with `$1`-style parameters. */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** A script of any number of statements, without parameters. */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}
