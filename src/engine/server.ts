import pg from 'pg';
import { SchemawiseError } from '../errors.js';
import type { Engine } from './engine.js';

const CONNECT_TIMEOUT_MS = 10_000;

/** The URL with its password (in the user info or a `password=` parameter) shown as `***`. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    if (parsed.searchParams.has('password')) parsed.searchParams.set('password', '***');
    return parsed.toString();
  } catch {
    // Not a WHATWG URL (e.g. a socket directory as host): redact by pattern.
    return url.replace(/(\/\/[^:@/]*:)[^@]*@/, '$1***@').replace(/([?&]password=)[^&]*/i, '$1***');
  }
}

/**
 * A live PostgreSQL. Connecting fails within 10 s with a message saying what failed and
 * the redacted URL. Values are converted like PGlite's (see `Engine`).
 */
export async function connectServer(url: string, options: { statementTimeoutMs?: number } = {}): Promise<Engine> {
  const shown = redactUrl(url);
  // Filled once connected: built-in array types, parsed into arrays as PGlite does.
  const arrayElements = new Map<number, number>();
  const parser = (oid: number): ((text: string) => unknown) => {
    const element = arrayElements.get(oid);
    if (element === undefined) return PGLITE_PARSERS[oid] ?? pg.types.getTypeParser(oid, 'text');
    const parseElement = parser(element);
    return (text) => mapElements(splitArray(text), parseElement);
  };
  let client: pg.Client;
  try {
    client = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      statement_timeout: options.statementTimeoutMs,
      application_name: 'schemawise',
      types: { getTypeParser: parser } as pg.CustomTypesConfig,
    });
  } catch (error) {
    throw new SchemawiseError(`invalid database URL ${shown}: ${scrub(error, url)}`);
  }
  // A connection lost later is reported by the next query; without a listener it would crash the process.
  client.on('error', () => {});
  try {
    await client.connect();
    // The database's own statement_timeout may be tiny: SET LOCAL lifts it for this query only.
    await client.query(`BEGIN; SET LOCAL statement_timeout = '60s'`);
    const arrays = await client.query<{ oid: number; element: number }>(
      `SELECT oid::int4 AS oid, typelem::int4 AS element FROM pg_type WHERE typcategory = 'A' AND typelem <> 0 AND oid < 16384`,
    );
    await client.query('COMMIT');
    for (const { oid, element } of arrays.rows) arrayElements.set(oid, element);
  } catch (error) {
    await client.end().catch(() => {});
    throw new SchemawiseError(`could not connect to ${shown}: ${describeConnectError(error, url)}`);
  }
  return {
    kind: 'server',
    async query<T>(sql: string, params?: unknown[]) {
      return (await client.query(sql, params)).rows as T[];
    },
    async exec(sql: string) {
      await client.query(sql);
    },
    async close() {
      await client.end();
    },
  };
}

/** Where node-postgres's conversions differ from PGlite's, PGlite's win: one engine contract. */
const PGLITE_PARSERS: Record<number, (text: string) => unknown> = {
  // int8: a number when it fits, as PGlite does, not node-postgres's string.
  20: (text) => {
    const n = BigInt(text);
    return n < BigInt(Number.MIN_SAFE_INTEGER) || n > BigInt(Number.MAX_SAFE_INTEGER) ? n : Number(n);
  },
  // date, timestamp, timestamptz: parsed by Date itself, as PGlite does.
  1082: parseDate,
  1114: parseDate,
  1184: parseDate,
  // interval, point, circle: PGlite returns PostgreSQL's text.
  1186: (text) => text,
  600: (text) => text,
  718: (text) => text,
};

function parseDate(text: string): Date | number {
  if (text === 'infinity') return Infinity;
  if (text === '-infinity') return -Infinity;
  return new Date(text);
}

/** node-postgres's text[] parser splits any array literal into strings, nulls and nested arrays. */
const TEXT_ARRAY: number = 1009;
const splitArray = pg.types.getTypeParser(TEXT_ARRAY, 'text') as (text: string) => unknown[];

function mapElements(items: unknown[], parse: (text: string) => unknown): unknown[] {
  return items.map((item) => (item === null ? null : Array.isArray(item) ? mapElements(item, parse) : parse(item as string)));
}

function describeConnectError(error: unknown, url: string): string {
  const e = error as { code?: string; message?: string; errors?: { code?: string }[] };
  const code = e.code ?? e.errors?.[0]?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused (is PostgreSQL running and listening on that host and port?)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'unknown host';
    case 'ETIMEDOUT':
      return `timed out after ${CONNECT_TIMEOUT_MS / 1000} s`;
    case '28P01':
      return 'authentication failed (wrong user name or password)';
    case '28000':
      return `authentication failed: ${scrub(error, url)}`;
    case '3D000':
      // The server's message names the database: `database "shop" does not exist`.
      return scrub(error, url);
  }
  if (/timeout/i.test(e.message ?? '')) return `timed out after ${CONNECT_TIMEOUT_MS / 1000} s`;
  return scrub(error, url);
}

/** The error's message, with the URL's password removed in case a driver echoed it. */
function scrub(error: unknown, url: string): string {
  const message = error instanceof Error ? error.message : String(error);
  let password = '';
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    // No parsable password: nothing to remove.
  }
  // A password of a few characters matches ordinary words: only a longer one is worth hunting.
  return password.length >= 4 ? message.replaceAll(password, '***') : message;
}
