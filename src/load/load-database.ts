import { introspect } from '../engine/introspect.js';
import { connectServer, redactUrl } from '../engine/server.js';
import { gatherLiveFacts } from '../engine/live-facts.js';
import type { LoadResult } from './load-schema.js';

/** The model of a live database, introspected read-only. */
export async function loadDatabase(url: string, options: { liveFacts?: boolean } = {}): Promise<LoadResult> {
  const engine = await connectServer(url);
  try {
    const { database, notes } = await introspect(engine);
    const live = options.liveFacts ? await gatherLiveFacts(engine) : undefined;
    return {
      ...(live && { live }),
      scripts: [],
      database,
      notes: notes.map((message) => ({ message })),
      sources: [{ input: redactUrl(url), kind: 'database' }],
      statements: { modelled: 0, skipped: 0, notModelled: 0 },
    };
  } finally {
    await engine.close();
  }
}
