import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { SchemawiseError } from '../errors.js';
import { readMigrationFolder } from '../migrations/read-migration-folder.js';
import type { RenderedMigration } from './render-migrations.js';

export interface MigrationFileOut {
  file: string;
  text: string;
}

const TIMESTAMP_DIGITS = 14;

/** `20261125103000`: the UTC time as dbmate and timestamped golang-migrate folders number files. */
function timestamp(now: Date, offsetSeconds: number): string {
  return new Date(now.getTime() + offsetSeconds * 1000).toISOString().replace(/\D/g, '').slice(0, TIMESTAMP_DIGITS);
}

/**
 * The files of the next migrations in `dir`, in the folder's own convention: golang-migrate
 * (the default, and for a missing or empty folder) `NNNN_name.up.sql` + `.down.sql` with the
 * folder's digit width or timestamps; Flyway `V<n>__name.sql` + `U<n>__name.sql`; dbmate one
 * file per migration with `-- migrate:up` / `-- migrate:down` sections.
 */
/** One list of files per migration, in order. */
export function migrationFiles(dir: string, name: string, migrations: RenderedMigration[], now = new Date()): MigrationFileOut[][] {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new SchemawiseError(`--name ${name}: use letters, digits, _ and - only (it becomes part of file names)`);
  const folder = existingFolder(dir);
  const convention = folder?.convention ?? 'golang-migrate';
  const versions = folder?.migrations.filter((m) => !m.repeatable).map((m) => m.version) ?? [];
  const last = versions.at(-1);

  const out: MigrationFileOut[][] = [];
  const join = (file: string) => path.join(dir, file);
  migrations.forEach((m, i) => {
    const label = `${name}${m.suffix}`;
    switch (convention) {
      case 'golang-migrate': {
        // Versions must grow: a timestamped folder gets the time (or last + 1 if that is later);
        // longer ones (unix nanoseconds) and counters get last + 1, at the folder's width.
        const next = (BigInt(last ?? '0') + 1n + BigInt(i)).toString().padStart(last?.length ?? 4, '0');
        const version = last?.length === TIMESTAMP_DIGITS && timestamp(now, i) > next ? timestamp(now, i) : next;
        out.push([{ file: join(`${version}_${label}.up.sql`), text: m.up }, { file: join(`${version}_${label}.down.sql`), text: m.down }]);
        break;
      }
      case 'flyway': {
        const major = Number((last ?? '0').split('.')[0]) + 1 + i;
        const files = [{ file: join(`V${major}__${label}.sql`), text: m.up }, { file: join(`U${major}__${label}.sql`), text: m.down }];
        // Flyway wraps a script in a transaction unless its script configuration says otherwise.
        if (!m.transactional) files.push(...files.map((f) => ({ file: `${f.file}.conf`, text: 'executeInTransaction=false\n' })));
        out.push(files);
        break;
      }
      case 'dbmate': {
        // dbmate runs a migration in a transaction unless told otherwise on the marker line.
        const flag = m.transactional ? '' : ' transaction:false';
        out.push([{ file: join(`${timestamp(now, i)}_${label}.sql`), text: `-- migrate:up${flag}\n${m.up}\n-- migrate:down${flag}\n${m.down}` }]);
        break;
      }
      default:
        throw new SchemawiseError(`${dir} holds ${convention} migrations: migrate diff writes golang-migrate, Flyway or dbmate files; give --dir an empty folder, or use --dry-run and copy the SQL`);
    }
  });
  for (const f of out.flat()) if (existsSync(f.file)) throw new SchemawiseError(`${f.file} already exists: nothing written`);
  return out;
}

function existingFolder(dir: string) {
  const stat = statSync(dir, { throwIfNoEntry: false });
  if (stat && !stat.isDirectory()) throw new SchemawiseError(`--dir ${dir} is not a directory`);
  const empty = !stat || readdirSync(dir).filter((f) => !f.startsWith('.')).length === 0;
  return empty ? undefined : readMigrationFolder(dir);
}

/**
 * Whether the folder's tool sends a migration as one query — golang-migrate (the default for a
 * new folder) and dbmate, even with `transaction:false` — which PostgreSQL runs in one implicit
 * transaction when it holds several statements: then a migration that must run outside a
 * transaction is written one statement per migration. Flyway sends statements one by one.
 */
export function sendsFileAsOneQuery(dir: string | undefined): boolean {
  const convention = dir ? (existingFolder(dir)?.convention ?? 'golang-migrate') : 'golang-migrate';
  return convention === 'golang-migrate' || convention === 'dbmate';
}
