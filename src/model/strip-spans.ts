import type { Database } from './types.js';

/** A copy of the model without `span` fields: the snapshot as a source-independent document. */
export function stripSpans(db: Database): Database {
  return JSON.parse(JSON.stringify(db, (key, value) => (key === 'span' ? undefined : value)));
}
