import { randomBytes } from 'node:crypto';
import { createEmbeddedEngine } from '../engine/embedded.js';
import type { Engine } from '../engine/engine.js';
import { connectServer, redactUrl } from '../engine/server.js';
import { SchemawiseError } from '../errors.js';

/** Where migrations are replayed: a database nobody else uses, replaced whenever its state is in doubt. */
export interface ScratchDatabase {
  readonly kind: 'embedded' | 'server';
  /** A new, empty database; the one before it, if any, is discarded first. */
  fresh(): Promise<Engine>;
  /**
   * Discards the current database. Safe to call twice, and while a statement runs on it: on a
   * server the DROP ends that statement's session. Returns a warning when something is left behind.
   */
  dispose(): Promise<string | undefined>;
}

export function embeddedScratch(extensions: string[]): ScratchDatabase {
  let engine: Engine | undefined;
  // A boot in progress when the run is aborted: dispose waits for it, so its engine is closed too.
  let booting: Promise<unknown> = Promise.resolve();
  return {
    kind: 'embedded',
    fresh() {
      const boot = (async () => {
        await engine?.close().catch(() => {});
        engine = await createEmbeddedEngine({ extensions });
        return engine;
      })();
      booting = boot.catch(() => {});
      return boot;
    },
    async dispose() {
      await booting;
      const current = engine;
      engine = undefined;
      await current?.close().catch(() => {});
      return undefined;
    },
  };
}

/**
 * Scratch databases on the server behind `url`, each created from template0 (so nothing
 * installed in template1 leaks in) and dropped when replaced or disposed. The database the
 * URL names is only connected to, to create and drop them: nothing is written to it.
 */
export async function serverScratch(url: string): Promise<ScratchDatabase> {
  const shown = redactUrl(url);
  const admin = await connectServer(url);
  try {
    const [role] = await admin.query<{ name: string; may: boolean; version: number }>(
      `SELECT current_user AS name, rolcreatedb OR rolsuper AS may, current_setting('server_version_num')::int4 AS version FROM pg_roles WHERE rolname = current_user`,
    );
    if (!role?.may) throw cannotCreate(role?.name ?? 'this role', shown);
    const force = role.version >= 130000 ? ' WITH (FORCE)' : '';
    let current: { name: string; engine?: Engine } | undefined;
    let disposed: Promise<string | undefined> | undefined;
    // A database being created when the run is aborted: dispose waits for it, so it is dropped too.
    let creating: Promise<unknown> = Promise.resolve();

    const drop = async (): Promise<string | undefined> => {
      const old = current;
      current = undefined;
      if (!old) return undefined;
      await old.engine?.close().catch(() => {});
      try {
        await admin.exec(`DROP DATABASE IF EXISTS ${quote(old.name)}${force}`);
        return undefined;
      } catch (error) {
        return `could not drop the scratch database ${old.name} on ${shown}: ${(error as Error).message}; drop it with DROP DATABASE ${quote(old.name)}`;
      }
    };

    const create = async (): Promise<Engine> => {
      if (disposed) throw new SchemawiseError('the scratch database was already dropped');
      const warning = await drop();
      if (warning) throw new SchemawiseError(warning);
      const name = `schemawise_verify_${randomBytes(6).toString('hex')}`;
      try {
        await admin.exec(`CREATE DATABASE ${quote(name)} TEMPLATE template0`);
      } catch (error) {
        if ((error as { code?: string }).code === '42501') throw cannotCreate(role.name, shown);
        throw new SchemawiseError(`could not create a scratch database on ${shown}: ${(error as Error).message}`);
      }
      current = { name };
      // connectServer accepted the URL, so it parses; only the database in it changes.
      const target = new URL(url);
      target.pathname = `/${name}`;
      target.searchParams.delete('dbname');
      current.engine = await connectServer(target.toString());
      return current.engine;
    };

    return {
      kind: 'server',
      fresh() {
        const created = create();
        creating = created.catch(() => {});
        return created;
      },
      dispose() {
        disposed ??= creating.then(drop).finally(() => admin.close().catch(() => {}));
        return disposed;
      },
    };
  } catch (error) {
    await admin.close().catch(() => {});
    throw error;
  }
}

function cannotCreate(role: string, shown: string): SchemawiseError {
  return new SchemawiseError(
    `role "${role}" cannot create databases on ${shown}: migrate verify replays migrations in a scratch database it creates ` +
      `and drops, never in the database itself; grant it CREATEDB, or leave out --db to verify on the embedded PostgreSQL`,
  );
}

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}
