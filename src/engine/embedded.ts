import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { PGlite, type Extension } from '@electric-sql/pglite';
import { SchemawiseError } from '../errors.js';
import type { Engine } from './engine.js';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** `node_modules/@electric-sql/pglite/dist`: the package does not export its package.json. */
const pgliteDist = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));

/**
 * Extensions PGlite can load: each ships as `dist/<name>.tar.gz` with a loader module
 * `dist/contrib/<name with - as _>.js` (`uuid-ossp` → `uuid_ossp`). Tarballs without a
 * loader module cannot be passed to `PGlite.create`, so they are not offered.
 */
export function bundledExtensions(): string[] {
  const loaders = new Set(readdirSync(join(pgliteDist, 'contrib')).filter((f) => f.endsWith('.js')));
  const contrib = readdirSync(pgliteDist)
    .filter((f) => f.endsWith('.tar.gz'))
    .map((f) => f.slice(0, -'.tar.gz'.length))
    .filter((name) => loaders.has(`${loaderName(name)}.js`));
  return [...contrib, ...Object.keys(SEPARATE_PACKAGES)].sort();
}

/**
 * Extensions PGlite ships as packages of their own, built against one PGlite release:
 * pglite-pgvector 0.0.15 is built for PGlite 0.5.14, which is why that version is pinned.
 */
const SEPARATE_PACKAGES: Record<string, () => Promise<Extension>> = {
  vector: async () => (await import('@electric-sql/pglite-pgvector')).vector as unknown as Extension,
};

function loaderName(extension: string): string {
  return extension.replaceAll('-', '_');
}

/**
 * Boots PGlite from the cached initialised data directory when there is one (about 2 s
 * instead of about 5 s for initdb), and writes that cache after a cold boot.
 * `extensions` are names from `CREATE EXTENSION`: PGlite must have their files at creation.
 */
export async function createEmbeddedEngine(options: { extensions?: string[] } = {}): Promise<Engine> {
  const extensions = await loadExtensions(options.extensions ?? []);
  const pg = (await bootFromCache(extensions)) ?? (await coldBoot(extensions));
  return {
    kind: 'embedded',
    async query<T>(sql: string, params?: unknown[]) {
      return (await pg.query<T>(sql, params)).rows;
    },
    async exec(sql: string) {
      await pg.exec(sql);
    },
    async close() {
      await pg.close();
    },
  };
}

async function loadExtensions(names: string[]): Promise<Record<string, Extension>> {
  const bundled = new Set(bundledExtensions());
  // plpgsql is compiled into PGlite and created by initdb.
  const wanted = [...new Set(names)].filter((n) => n !== 'plpgsql');
  const missing = wanted.filter((n) => !bundled.has(n));
  if (missing.length > 0) {
    const list = missing.map((n) => `"${n}"`).join(', ');
    throw new SchemawiseError(
      `extension ${list} ${missing.length === 1 ? 'is' : 'are'} not available in the embedded PostgreSQL (PGlite); ` +
        `load the files statically (without --exact), or apply them to a PostgreSQL server that has ` +
        `${missing.length === 1 ? 'it' : 'them'} and inspect that: schemawise inspect postgres://...`,
    );
  }
  const loaded: Record<string, Extension> = {};
  for (const name of wanted) {
    if (SEPARATE_PACKAGES[name]) {
      loaded[name] = await SEPARATE_PACKAGES[name]();
      continue;
    }
    const module = loaderName(name);
    const exports = (await import(pathToFileURL(join(pgliteDist, 'contrib', `${module}.js`)).href)) as Record<string, Extension>;
    loaded[module] = exports[module];
  }
  return loaded;
}

function cacheFile(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  const { version } = JSON.parse(readFileSync(join(pgliteDist, '..', 'package.json'), 'utf8')) as { version: string };
  // The data directory format belongs to the PostgreSQL build inside this PGlite version.
  return join(base, 'schemawise', `pglite-${version}-datadir.tar.gz`);
}

/**
 * The cache is gzipped on disk and gunzipped here, not by PGlite: a truncated gzip makes
 * PGlite's own decompression reject a promise nobody awaits, which kills the process.
 * gunzip checks the CRC, so only an intact tarball reaches PGlite.
 */
async function bootFromCache(extensions: Record<string, Extension>): Promise<PGlite | null> {
  let tar: Buffer;
  try {
    tar = await gunzipAsync(await readFile(cacheFile()));
  } catch {
    return null;
  }
  try {
    return await PGlite.create({ loadDataDir: new Blob([new Uint8Array(tar)]), extensions });
  } catch {
    return null;
  }
}

async function coldBoot(extensions: Record<string, Extension>): Promise<PGlite> {
  const pg = await PGlite.create({ extensions });
  await writeCache(pg).catch(() => {
    // An unwritable cache only costs the next process a cold boot.
  });
  return pg;
}

/** Dumped before any statement runs, so the cache holds a pristine initdb result. */
async function writeCache(pg: PGlite): Promise<void> {
  const file = cacheFile();
  const tar = new Uint8Array(await (await pg.dumpDataDir('none')).arrayBuffer());
  const gz = await gzipAsync(tar, { level: 1 });
  await mkdir(dirname(file), { recursive: true });
  // Concurrent first runs each write their own temporary file; rename makes the last one win whole.
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, gz);
    await rename(temp, file);
  } finally {
    await rm(temp, { force: true });
  }
}
