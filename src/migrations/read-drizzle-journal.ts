import { z } from 'zod';
import { SchemawiseError } from '../errors.js';
import { readTextFile } from './read-text-file.js';

/** Only what ordering needs; drizzle-kit writes more (`when`, `version`, `breakpoints`). */
const DrizzleJournal = z.object({
  entries: z.array(z.object({ idx: z.number().int().nonnegative(), tag: z.string().min(1) })),
});

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
  const journal = DrizzleJournal.safeParse(json);
  if (!journal.success) {
    const problems = journal.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new SchemawiseError(`${file} is not a drizzle journal: ${problems.join('; ')}`);
  }
  return journal.data.entries;
}
