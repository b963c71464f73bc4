import { existsSync, lstatSync, mkdtempSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync, type Stats } from 'node:fs';
import path from 'node:path';
import { SchemawiseError } from '../errors.js';
import { ensureFolder } from './write-output.js';

/**
 * Writes a whole output folder or leaves it as it was: the files are written to a staging folder
 * first (beside the target, so every move is a rename on one filesystem), and moved into place
 * only once all of them are written. The previous versions are moved aside, not overwritten, so
 * a failing move puts every one of them back; they are dropped only once everything is in place.
 * Files of `replace` (relative paths a previous run may have written) that exist in the folder
 * but are not in `files` are removed with the same guarantee: a stale file would contradict the
 * new ones. Nothing else in the folder is touched. Returns the stale files removed.
 */
export function writeFolder(folder: string, files: Map<string, string>, options: { replace?: readonly string[] } = {}): string[] {
  const target = path.resolve(folder);
  const existed = existsSync(target);
  const { staging, created } = createStaging(folder, target, existed);
  const fresh = path.join(staging, 'new');
  const previous = path.join(staging, 'previous');
  // Undo steps for every change made to the target, replayed in reverse on a failure.
  const undo: (() => void)[] = [];
  const removed: string[] = [];
  let doing = `cannot write ${folder}`;
  try {
    ensureFolder(fresh);
    for (const [file, text] of files) {
      doing = `cannot write ${path.join(folder, file)}`;
      ensureFolder(path.dirname(path.join(fresh, file)));
      writeFileSync(path.join(fresh, file), text);
    }
    if (!existed) {
      // A new folder appears whole, in one rename.
      doing = `cannot write ${folder}`;
      renameSync(fresh, target);
    } else {
      for (const file of files.keys()) {
        doing = `cannot write ${path.join(folder, file)}`;
        const dest = path.join(target, file);
        for (const dir of ensureFolder(path.dirname(dest))) undo.push(() => rmdirSync(dir));
        // A folder where the file goes is not ours to move aside: the rename below fails (EISDIR).
        if (entry(dest)?.isDirectory() === false) moveAside(file);
        renameSync(path.join(fresh, file), dest);
        undo.push(() => renameSync(dest, path.join(fresh, file)));
      }
      for (const file of options.replace ?? []) {
        if (files.has(file) || entry(path.join(target, file))?.isDirectory() !== false) continue;
        doing = `cannot remove ${path.join(folder, file)}`;
        moveAside(file);
        removed.push(file);
      }
    }
  } catch (error) {
    const unrestored: string[] = [];
    for (const step of undo.reverse()) {
      try {
        step();
      } catch (undoError) {
        unrestored.push((undoError as NodeJS.ErrnoException).code ?? (undoError as Error).message);
      }
    }
    // The staging folder holds the previous files: it is kept when they could not all be put back.
    if (unrestored.length) throw new SchemawiseError(`${failure(doing, error, staging).message}; the folder could not be restored (${unrestored.join(', ')}): the previous files are in ${previous}`);
    discard(staging);
    removeFolders(created);
    throw failure(doing, error, staging);
  }
  discard(staging);
  return removed;

  function moveAside(file: string): void {
    const dest = path.join(target, file);
    const kept = path.join(previous, file);
    ensureFolder(path.dirname(kept));
    renameSync(dest, kept);
    undo.push(() => renameSync(kept, dest));
  }
}

/**
 * `.<name>.schemawise-<pid>-XXXXXX` beside the target. Inside the target instead when it is a
 * mount point (a container's volume: its parent is another filesystem, where a rename fails with
 * EXDEV) or its parent cannot be written (`--out .` in a home folder).
 */
function createStaging(folder: string, target: string, existed: boolean): { staging: string; created: string[] } {
  const parent = path.dirname(target);
  const inside = path.join(target, `.schemawise-${process.pid}-`);
  const beside = path.join(parent, `.${path.basename(target)}.schemawise-${process.pid}-`);
  let created: string[] = [];
  try {
    if (existed && statSync(target).dev !== statSync(parent).dev) return { staging: mkdtempSync(inside), created };
    created = ensureFolder(parent);
    try {
      return { staging: mkdtempSync(beside), created };
    } catch (error) {
      if (!existed || !['EACCES', 'EPERM', 'EROFS'].includes((error as NodeJS.ErrnoException).code ?? '')) throw error;
      return { staging: mkdtempSync(inside), created };
    }
  } catch (error) {
    removeFolders(created);
    throw failure(`cannot write ${folder}`, error);
  }
}

/** The parent folders created for a write that failed, innermost first. */
function removeFolders(created: string[]): void {
  for (const dir of [...created].reverse()) {
    try {
      rmdirSync(dir);
    } catch {
      // an empty folder left behind: the write's own error is the one that matters
    }
  }
}

/** The entry at a path, a symbolic link itself rather than what it points to; undefined when there is none. */
function entry(file: string): Stats | undefined {
  try {
    return lstatSync(file);
  } catch (error) {
    if (['ENOENT', 'ENOTDIR'].includes((error as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw error;
  }
}

function discard(staging: string): void {
  try {
    rmSync(staging, { recursive: true, force: true });
  } catch {
    // a hidden leftover folder, named after schemawise: not worth failing a complete write for
  }
}

/** `what: CODE`, and the path the system named when it is not a staging path (meaningless once removed). */
function failure(what: string, error: unknown, staging?: string): SchemawiseError {
  const e = error as NodeJS.ErrnoException;
  const shown = e.path && !(staging && path.resolve(e.path).startsWith(staging)) ? ` (${e.path})` : '';
  return new SchemawiseError(`${what}: ${e.code ?? e.message}${shown}`);
}
