import type { Engine } from '../../src/engine/engine.js';
import { connectServer } from '../../src/engine/server.js';

/** The PostgreSQL server CI provides (SCHEMAWISE_TEST_DATABASE_URL), or undefined to skip. */
export const serverUrl = process.env.SCHEMAWISE_TEST_DATABASE_URL;

/**
 * A database of its own on the test server, so suites running side by side do not reset each
 * other's schemas: created on open, dropped (with any session left) on close.
 */
export function serverDatabase(prefix: string): { open: () => Promise<Engine>; close: (engine?: Engine) => Promise<void>; url: () => string } {
  const dbName = `${prefix}_${process.pid}`;
  let admin: Engine | undefined;
  const url = () => {
    const u = new URL(serverUrl!);
    u.pathname = `/${dbName}`;
    return u.toString();
  };
  return {
    url,
    async open() {
      admin = await connectServer(serverUrl!);
      await admin.exec(`DROP DATABASE IF EXISTS ${dbName}`);
      await admin.exec(`CREATE DATABASE ${dbName}`);
      return connectServer(url());
    },
    async close(engine) {
      await engine?.close();
      await admin?.exec(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
      await admin?.close();
    },
  };
}
