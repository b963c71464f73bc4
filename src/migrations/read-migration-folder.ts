import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { SchemawiseError } from '../errors.js';
import { compareVersions } from './compare-versions.js';
import { dbmateUpSection, hasDbmateUpDirective } from './dbmate-up-section.js';
import { parseMigrationFileName, parsePrismaDirName } from './parse-migration-file-name.js';
import { readDrizzleJournal } from './read-drizzle-journal.js';
import { readTextFile } from './read-text-file.js';

export type MigrationConvention = 'golang-migrate' | 'flyway' | 'dbmate' | 'prisma' | 'drizzle' | 'numbered';

export interface MigrationFile {
  /** As spelled in the file name (`0001`, `1.10`, `20230101120000`); drizzle: the journal's `idx`; empty for a repeatable. */
  version: string;
  name: string;
  /** The folder as the user gave it, joined with the file's relative path, so messages show a path they recognise. */
  file: string;
  /** The up part only; for dbmate the other lines are emptied, not removed, so line numbers match the file. */
  sql: string;
  /** Flyway `R__` migration: applied after all versioned ones, ordered by name. */
  repeatable?: boolean;
  /**
   * The SQL that reverts it, when the convention has one and the folder holds it: golang-migrate's
   * `.down.sql` (also beside a numbered `NNN_name.sql`), Flyway's `U<version>__` undo file,
   * dbmate's `-- migrate:down` block (lines outside it emptied, as for the up), Prisma's `down.sql`.
   */
  down?: { file: string; sql: string; transaction?: false };
  /** dbmate's `transaction:false` option on the up block: the tool runs it outside a transaction. */
  transaction?: false;
}

export interface MigrationFolder {
  dir: string;
  convention: MigrationConvention;
  /** In the order they apply. */
  migrations: MigrationFile[];
  /** Files ignored and why, and mixed conventions. */
  notes: string[];
}

/** A migration chosen to be read, before its up SQL is cut out. */
interface Chosen {
  version: string;
  name: string;
  file: string;
  repeatable?: boolean;
  /** Set when the file was already read to tell its convention. */
  text?: string;
  /** The file holding its down SQL, when that is a file of its own. */
  downFile?: string;
}

interface Survey {
  convention: MigrationConvention;
  chosen: Chosen[];
  notes: string[];
}

interface Found {
  convention: MigrationConvention;
  /** A down (golang-migrate, numbered) or undo (Flyway) file: never applied, paired with its up. */
  reverse: boolean;
  migration: Chosen;
}

interface Entry {
  name: string;
  isDirectory: boolean;
}

const PRISMA_LOCK = 'migration_lock.toml';
/** Prisma has no down migrations of its own; its docs have `migrate diff` write one as `down.sql` beside `migration.sql`. */
const PRISMA_DOWN = 'down.sql';
/** Breaks ties between conventions found equally often: the more specific naming scheme wins. */
const TIE_BREAK: MigrationConvention[] = ['prisma', 'golang-migrate', 'flyway', 'dbmate', 'numbered'];
/** dbmate's block markers, as `dbmateUpSection` reads them; options may follow (`-- migrate:down transaction:false`). */
const DBMATE_DIRECTIVE = /^--\s*migrate:(up|down)\b/;
const DBMATE_DOWN = /^--\s*migrate:down\b/m;

/** Whether `dir` is a directory holding migrations of a known convention. Never throws for a missing path. */
export function isMigrationFolder(dir: string): boolean {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return false;
  if (existsSync(drizzleJournalPath(dir))) return true;
  return listEntries(dir).some((entry) =>
    entry.isDirectory
      ? parsePrismaDirName(entry.name) !== undefined && existsSync(path.join(dir, entry.name, 'migration.sql'))
      : (parseMigrationFileName(entry.name)?.role ?? 'reverse') !== 'reverse',
  );
}

/** Detects the folder's convention and returns the up SQL of each migration in the order they apply. */
export function readMigrationFolder(dir: string): MigrationFolder {
  const stat = statSync(dir, { throwIfNoEntry: false });
  if (!stat) throw new SchemawiseError(`migration folder ${dir} does not exist`);
  if (!stat.isDirectory()) throw new SchemawiseError(`${dir} is not a directory; expected a folder of migrations`);

  const entries = listEntries(dir);
  const survey = existsSync(drizzleJournalPath(dir)) ? surveyDrizzle(dir, entries) : surveyByNames(dir, entries);
  const migrations = order(survey.chosen).map((chosen): MigrationFile => {
    const text = chosen.text ?? readTextFile(chosen.file);
    const sql = survey.convention === 'dbmate' ? dbmateUpSection(text) : text;
    const migration: MigrationFile = { version: chosen.version, name: chosen.name, file: chosen.file, sql };
    if (chosen.repeatable) migration.repeatable = true;
    if (chosen.downFile) migration.down = { file: chosen.downFile, sql: readTextFile(chosen.downFile) };
    if (survey.convention === 'dbmate') {
      if (dbmateOutsideTransaction(text, 'up')) migration.transaction = false;
      if (DBMATE_DOWN.test(text)) {
        migration.down = { file: chosen.file, sql: dbmateDownSection(text) };
        if (dbmateOutsideTransaction(text, 'down')) migration.down.transaction = false;
      }
    }
    return migration;
  });
  return { dir, convention: survey.convention, migrations, notes: survey.notes };
}

/** Hidden entries (.gitkeep, .DS_Store) are tooling litter, never migrations, so they are not even noted. */
function listEntries(dir: string): Entry[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    throw new SchemawiseError(`cannot read the folder ${dir}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  return names
    .filter((name) => !name.startsWith('.'))
    .sort()
    .map((name) => ({ name, isDirectory: statSync(path.join(dir, name), { throwIfNoEntry: false })?.isDirectory() ?? false }));
}

function drizzleJournalPath(dir: string): string {
  return path.join(dir, 'meta', '_journal.json');
}

/** The journal, not the file names, decides drizzle's order and which files are migrations. */
function surveyDrizzle(dir: string, entries: Entry[]): Survey {
  const journal = drizzleJournalPath(dir);
  const chosen = readDrizzleJournal(journal).map(({ idx, tag }): Chosen => {
    const file = path.join(dir, `${tag}.sql`);
    if (!existsSync(file)) throw new SchemawiseError(`${journal} lists "${tag}" but ${file} does not exist`);
    return { version: String(idx), name: tag, file };
  });
  if (chosen.length === 0) throw noMigrationsFound(dir, []);
  const listed = new Set(chosen.map((c) => c.file));
  const notes: string[] = [];
  for (const entry of entries) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory) {
      if (entry.name !== 'meta') notes.push(ignored(file, 'a subdirectory'));
    } else if (!listed.has(file)) {
      notes.push(ignored(file, entry.name.endsWith('.sql') ? 'not listed in meta/_journal.json' : 'not a .sql file'));
    }
  }
  return { convention: 'drizzle', chosen, notes };
}

function surveyByNames(dir: string, entries: Entry[]): Survey {
  const found: Found[] = [];
  const notes: string[] = [];
  const sqlStrays: string[] = [];
  let prismaLockNote: string | undefined;
  for (const entry of entries) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory) {
      const prisma = parsePrismaDirName(entry.name);
      const sqlFile = path.join(file, 'migration.sql');
      if (prisma && existsSync(sqlFile)) {
        const migration: Chosen = { ...prisma, file: sqlFile };
        const downFile = path.join(file, PRISMA_DOWN);
        if (existsSync(downFile)) migration.downFile = downFile;
        found.push({ convention: 'prisma', reverse: false, migration });
      } else {
        notes.push(ignored(file, prisma ? 'no migration.sql inside' : 'a subdirectory'));
      }
      continue;
    }
    const parsed = parseMigrationFileName(entry.name);
    if (!parsed) {
      const isSql = entry.name.endsWith('.sql');
      const note = ignored(file, isSql ? 'its name fits no migration convention' : 'not a .sql file');
      if (isSql) sqlStrays.push(file);
      if (entry.name === PRISMA_LOCK) prismaLockNote = note;
      notes.push(note);
    } else if (parsed.convention === 'numbered') {
      const text = readTextFile(file);
      const convention = hasDbmateUpDirective(text) ? 'dbmate' : 'numbered';
      found.push({ convention, reverse: false, migration: { version: parsed.version, name: parsed.name, file, text } });
    } else {
      const { convention, role, version, name } = parsed;
      const migration: Chosen = { version, name, file };
      if (role === 'repeatable') migration.repeatable = true;
      found.push({ convention, reverse: role === 'reverse', migration });
    }
  }

  pairNumberedDowns(found);
  const counts = new Map<MigrationConvention, number>();
  for (const { convention } of found) counts.set(convention, (counts.get(convention) ?? 0) + 1);
  const ranked = TIE_BREAK.filter((c) => counts.has(c)).sort((a, b) => counts.get(b)! - counts.get(a)!);
  const convention = ranked[0];
  const chosen = found.filter((f) => f.convention === convention && !f.reverse).map((f) => f.migration);
  if (convention === undefined || chosen.length === 0) throw noMigrationsFound(dir, sqlStrays);
  const reverses = found.filter((f) => f.convention === convention && f.reverse).map((f) => f.migration);
  notes.push(...attachDowns(chosen, reverses));

  if (ranked.length > 1) {
    const tally = ranked.map((c) => `${c}: ${counts.get(c)}`).join(', ');
    const others = found.filter((f) => f.convention !== convention).map((f) => f.migration.file);
    notes.unshift(`mixed migration conventions (${tally} files); read as ${convention}, ignored: ${others.join(', ')}`);
  }
  // Prisma's lock file belongs with its migrations; in any other folder it is a stray like the rest.
  return { convention, chosen, notes: convention === 'prisma' ? notes.filter((note) => note !== prismaLockNote) : notes };
}

/**
 * A `NNN_name.down.sql` reads as golang-migrate by its name alone; beside a numbered
 * `NNN_name.sql` (and no `NNN_name.up.sql`) it is that migration's down, so it joins the
 * numbered (or dbmate) convention instead of outvoting it.
 */
function pairNumberedDowns(found: Found[]): void {
  const baseOf = (file: string, suffix: string) => (file.endsWith(suffix) ? file.slice(0, -suffix.length) : undefined);
  const ups = new Map<string, MigrationConvention>();
  const upDownUps = new Set<string>();
  for (const f of found) {
    if (f.reverse) continue;
    if (f.convention === 'numbered' || f.convention === 'dbmate') ups.set(baseOf(f.migration.file, '.sql')!, f.convention);
    const base = f.convention === 'golang-migrate' ? baseOf(f.migration.file, '.up.sql') : undefined;
    if (base !== undefined) upDownUps.add(base);
  }
  for (const f of found) {
    const base = f.reverse && f.convention === 'golang-migrate' ? baseOf(f.migration.file, '.down.sql') : undefined;
    const convention = base === undefined || upDownUps.has(base) ? undefined : ups.get(base);
    if (convention) f.convention = convention;
  }
}

/**
 * Gives each versioned migration the reverse file of its version (golang-migrate pairs by
 * version, and so does Flyway's undo); returns notes for reverse files left without one.
 */
function attachDowns(chosen: Chosen[], reverses: Chosen[]): string[] {
  const notes: string[] = [];
  const used = new Set<Chosen>();
  for (const migration of chosen) {
    if (migration.repeatable) continue;
    const candidates = reverses.filter((r) => compareVersions(r.version, migration.version) === 0);
    // Two downs for one version: the one whose name matches is the pair, the other a leftover.
    const down = candidates.find((r) => r.name === migration.name) ?? candidates[0];
    if (!down) continue;
    migration.downFile = down.file;
    used.add(down);
  }
  for (const reverse of reverses) {
    if (!used.has(reverse)) notes.push(ignored(reverse.file, `a down migration without an up of version ${reverse.version}`));
  }
  return notes;
}

/** dbmate's `-- migrate:down` block, every other line emptied so locations point into the file. */
function dbmateDownSection(text: string): string {
  let inDown = false;
  return text
    .split('\n')
    .map((line) => {
      const directive = DBMATE_DIRECTIVE.exec(line);
      if (directive) {
        inDown = directive[1] === 'down';
        return '';
      }
      return inDown ? line : '';
    })
    .join('\n');
}

function dbmateOutsideTransaction(text: string, block: 'up' | 'down'): boolean {
  return new RegExp(`^--\\s*migrate:${block}\\b.*\\btransaction:false\\b`, 'm').test(text);
}

/** Versioned migrations by version, then repeatables by name; two with one version is an error, not a guess. */
function order(chosen: Chosen[]): Chosen[] {
  const versioned = chosen
    .filter((c) => !c.repeatable)
    .sort((a, b) => compareVersions(a.version, b.version) || compareText(a.file, b.file));
  for (let i = 1; i < versioned.length; i++) {
    const [previous, current] = [versioned[i - 1], versioned[i]];
    if (compareVersions(previous.version, current.version) === 0) {
      throw new SchemawiseError(`two migrations have version ${current.version}: ${previous.file} and ${current.file}`);
    }
  }
  const repeatables = chosen.filter((c) => c.repeatable).sort((a, b) => compareText(a.name, b.name));
  return [...versioned, ...repeatables];
}

/** By code unit, as Flyway sorts repeatables: the same order whatever the user's locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function ignored(file: string, reason: string): string {
  return `${file}: ignored (${reason})`;
}

function noMigrationsFound(dir: string, sqlStrays: string[]): SchemawiseError {
  const unrecognised = sqlStrays.length > 0 ? `; these names fit no convention: ${sqlStrays.join(', ')}` : '';
  return new SchemawiseError(
    `no SQL migrations found in ${dir}; expected files like 0001_name.up.sql, V1__name.sql, ` +
      `20240101120000_name.sql (dbmate), 20240101120000_name/migration.sql (Prisma), meta/_journal.json (drizzle) ` +
      `or 001_name.sql${unrecognised}`,
  );
}
