/** What a migration file's name says about it, before its contents are read. */
export interface MigrationFileName {
  /** `numbered` also covers dbmate, whose files are only told apart by their `-- migrate:up` marker. */
  convention: 'golang-migrate' | 'flyway' | 'numbered';
  /**
   * `up` is applied in version order, `repeatable` (Flyway `R__`) after all of those;
   * `reverse` (a `.down.sql` or Flyway `U` file) is not applied in order but still shows the convention;
   * `readMigrationFolder` pairs it with the up of its version as that migration's down.
   */
  role: 'up' | 'repeatable' | 'reverse';
  /** Digits, with `.` between the parts of a Flyway version; empty for a repeatable. */
  version: string;
  name: string;
}

/**
 * golang-migrate's `<version>_<name>.<up|down>.sql`. The optional `V` and `.` separator also admit
 * Authelia's `V0001.Initial_Schema.up.sql`, which is the same up/down-pair scheme.
 */
const UP_DOWN = /^V?(\d+)(?:[._-](.+?))?\.(up|down)\.sql$/;
/** Flyway accepts `_` as well as `.` between version parts (`V2_1__x.sql` is version 2.1). */
const FLYWAY_VERSIONED = /^([VU])(\d+(?:[._]\d+)*)__(.+)\.sql$/;
const FLYWAY_REPEATABLE = /^R__(.+)\.sql$/;
const NUMBERED = /^(\d+)(?:[._-](.+))?\.sql$/;
const PRISMA_DIR = /^(\d{14})_(.+)$/;

export function parseMigrationFileName(fileName: string): MigrationFileName | undefined {
  let match = UP_DOWN.exec(fileName);
  if (match) {
    return { convention: 'golang-migrate', role: match[3] === 'up' ? 'up' : 'reverse', version: match[1], name: match[2] ?? '' };
  }
  match = FLYWAY_VERSIONED.exec(fileName);
  if (match) {
    return { convention: 'flyway', role: match[1] === 'V' ? 'up' : 'reverse', version: match[2].replaceAll('_', '.'), name: match[3] };
  }
  match = FLYWAY_REPEATABLE.exec(fileName);
  if (match) return { convention: 'flyway', role: 'repeatable', version: '', name: match[1] };
  match = NUMBERED.exec(fileName);
  if (match) return { convention: 'numbered', role: 'up', version: match[1], name: match[2] ?? '' };
  return undefined;
}

/** Prisma keeps each migration in a `<14-digit timestamp>_<name>/migration.sql` folder. */
export function parsePrismaDirName(dirName: string): { version: string; name: string } | undefined {
  const match = PRISMA_DIR.exec(dirName);
  return match ? { version: match[1], name: match[2] } : undefined;
}
