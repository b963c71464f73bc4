import { createRequire } from 'node:module';
import { SchemawiseError } from '../errors.js';
import { readTextFile } from './read-text-file.js';

// zod costs about 90 ms to import: every CLI run would pay for it, and only a drizzle
// folder needs it, so it is required when one is read.
const require = createRequire(import.meta.url);

/** Only what ordering needs; drizzle-kit writes more (`when`, `version`, `breakpoints`). */
function journalSchema() {
  const { z } = require('zod') as typeof import('zod');
  return z.object({
    entries: z.array(z.object({ idx: z.number().int().nonnegative(), tag: z.string().min(1) })),
  });
}

export interface DrizzleJournalEntry {
  idx: number;
  /** The migration's file name without `.sql`. */
  tag: string;
}

export function readDrizzleJournal(file: string): DrizzleJournalEntry[] {
  const text = readTextFile(file);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new SchemawiseError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  const journal = journalSchema().safeParse(json);
  if (!journal.success) {
    const problems = journal.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new SchemawiseError(`${file} is not a drizzle journal: ${problems.join('; ')}`);
  }
  return journal.data.entries;
}
