import { introspect } from '../engine/introspect.js';
import { connectServer, redactUrl } from '../engine/server.js';
import { gatherLiveFacts, readSettings } from '../engine/live-facts.js';
import { SchemawiseError } from '../errors.js';

const INTROSPECTION_TIMEOUT = '5min';
import type { LoadResult } from './load-schema.js';

/** The model of a live database, introspected read-only. */
export async function loadDatabase(url: string, options: { liveFacts?: boolean } = {}): Promise<LoadResult> {
  const engine = await connectServer(url);
  try {
    // The database's own statement_timeout may be too short for catalog queries; the settings
    // the rules judge are read before the tool sets its own.
    const settings = options.liveFacts ? await readSettings(engine) : undefined;
    await engine.exec(`SET statement_timeout = '${INTROSPECTION_TIMEOUT}'`);
    const { database, notes } = await introspect(engine);
    const live = options.liveFacts ? await gatherLiveFacts(engine, settings) : undefined;
    return {
      ...(live && { live }),
      scripts: [],
      database,
      notes: notes.map((message) => ({ message })),
      sources: [{ input: redactUrl(url), kind: 'database' }],
      statements: { modelled: 0, skipped: 0, notModelled: 0 },
    };
  } catch (error) {
    // A server error (it carries a SQLSTATE): permissions, a timeout, a cancelled query.
    if (error instanceof Error && typeof (error as { code?: unknown }).code === 'string' && !(error instanceof SchemawiseError)) {
      throw new SchemawiseError(`${redactUrl(url)}: ${error.message} (SQLSTATE ${(error as unknown as { code: string }).code})`);
    }
    throw error;
  } finally {
    await engine.close();
  }
}
