import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SchemawiseError } from '../errors.js';

/**
 * Creates missing parent folders one level at a time: a recursive mkdir loops forever under /proc.
 * Returns the folders it created, outermost first, so a caller undoing a write can remove them.
 */
export function ensureFolder(folder: string): string[] {
  const missing: string[] = [];
  for (let dir = path.resolve(folder); !existsSync(dir); dir = path.dirname(dir)) {
    missing.unshift(dir);
    if (dir === path.dirname(dir)) break;
  }
  for (const dir of missing) mkdirSync(dir);
  return missing;
}

/**
 * Writes a whole output file or nothing: the text goes to a temporary file beside the
 * target, renamed over it only once complete, so a failure never leaves a partial file.
 */
export function writeOutput(file: string, text: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    ensureFolder(path.dirname(file));
    writeFileSync(temp, text);
    renameSync(temp, file);
  } catch (error) {
    try {
      rmSync(temp, { force: true });
    } catch {
      // the folder itself is unusable: there is no temporary file to remove
    }
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new SchemawiseError(`cannot write ${file}: ${reason}${(error as NodeJS.ErrnoException).path ? ` (${(error as NodeJS.ErrnoException).path})` : ''}`);
  }
}
