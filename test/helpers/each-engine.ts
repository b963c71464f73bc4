import { createEmbeddedEngine } from '../../src/engine/embedded.js';
import type { Engine } from '../../src/engine/engine.js';
import { serverDatabase, serverUrl } from './server-database.js';

export type Suite = (label: string, connect: () => Promise<Engine>, disconnect: (engine: Engine) => Promise<void>) => void;

/** A suite on the embedded engine, and on the PostgreSQL server (CI sets SCHEMAWISE_TEST_DATABASE_URL) in a database of its own. */
export function onEachEngine(databasePrefix: string, suite: Suite): void {
  suite('on the embedded engine', () => createEmbeddedEngine(), (engine) => engine.close());
  if (serverUrl) {
    const database = serverDatabase(databasePrefix);
    suite('on the PostgreSQL server', database.open, database.close);
  }
}
