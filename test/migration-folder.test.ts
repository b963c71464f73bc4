import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SchemawiseError } from '../src/errors.js';
import { isMigrationFolder, readMigrationFolder, type MigrationFolder } from '../src/migrations/read-migration-folder.js';

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder holding `files` (relative path → contents). */
function folder(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'schemawise-migrations-'));
  tempDirs.push(dir);
  for (const [relative, contents] of Object.entries(files)) {
    const file = path.join(dir, relative);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, contents);
  }
  return dir;
}

function summary(result: MigrationFolder) {
  return result.migrations.map((m) => ({
    version: m.version,
    name: m.name,
    file: path.relative(result.dir, m.file),
    ...(m.repeatable ? { repeatable: true } : {}),
  }));
}

function readError(dir: string): SchemawiseError {
  try {
    readMigrationFolder(dir);
  } catch (error) {
    expect(error).toBeInstanceOf(SchemawiseError);
    return error as SchemawiseError;
  }
  throw new Error(`expected readMigrationFolder(${dir}) to throw`);
}

describe('readMigrationFolder: golang-migrate', () => {
  it('takes the .up.sql files in numeric version order', () => {
    const dir = folder({
      '10_ten.up.sql': 'create table ten ();\n',
      '10_ten.down.sql': 'drop table ten;\n',
      '9_nine.up.sql': 'create table nine ();\n',
      '9_nine.down.sql': 'drop table nine;\n',
      '1_one.up.sql': 'create table one ();\n',
      '2_two.up.sql': 'create table two ();\n',
    });
    const result = readMigrationFolder(dir);
    expect(result.convention).toBe('golang-migrate');
    expect(summary(result)).toEqual([
      { version: '1', name: 'one', file: '1_one.up.sql' },
      { version: '2', name: 'two', file: '2_two.up.sql' },
      { version: '9', name: 'nine', file: '9_nine.up.sql' },
      { version: '10', name: 'ten', file: '10_ten.up.sql' },
    ]);
    expect(result.migrations.map((m) => m.sql)).toEqual([
      'create table one ();\n',
      'create table two ();\n',
      'create table nine ();\n',
      'create table ten ();\n',
    ]);
    expect(result.notes).toEqual([]);
  });

  it('orders timestamp versions', () => {
    const dir = folder({
      '20230102000000_b.up.sql': 'select 2;',
      '20230101120000_a.up.sql': 'select 1;',
      '20230101120000_a.down.sql': '',
    });
    const result = readMigrationFolder(dir);
    expect(result.convention).toBe('golang-migrate');
    expect(result.migrations.map((m) => m.version)).toEqual(['20230101120000', '20230102000000']);
  });

  it('joins the folder as the user gave it with the file name', () => {
    const dir = folder({ 'db/migrations/0001_x.up.sql': 'select 1;' });
    const relativeDir = path.relative(process.cwd(), path.join(dir, 'db/migrations'));
    const result = readMigrationFolder(relativeDir);
    expect(result.dir).toBe(relativeDir);
    expect(result.migrations[0].file).toBe(path.join(relativeDir, '0001_x.up.sql'));
  });
});

describe('readMigrationFolder: Flyway', () => {
  it('orders versions part by part, ignores undo files, applies repeatables last by description', () => {
    const dir = folder({
      'V1__init.sql': 'create table a ();',
      'V1.10__ten.sql': 'select 110;',
      'V1.9__nine.sql': 'select 19;',
      'V1.1__one.sql': 'select 11;',
      'V2_1__underscore.sql': 'select 21;',
      'U1.1__one.sql': 'select -11;',
      'R__b_view.sql': 'create or replace view b as select 1;',
      'R__a_function.sql': 'create or replace function a() returns int language sql as $$ select 1 $$;',
    });
    const result = readMigrationFolder(dir);
    expect(result.convention).toBe('flyway');
    expect(summary(result)).toEqual([
      { version: '1', name: 'init', file: 'V1__init.sql' },
      { version: '1.1', name: 'one', file: 'V1.1__one.sql' },
      { version: '1.9', name: 'nine', file: 'V1.9__nine.sql' },
      { version: '1.10', name: 'ten', file: 'V1.10__ten.sql' },
      { version: '2.1', name: 'underscore', file: 'V2_1__underscore.sql' },
      { version: '', name: 'a_function', file: 'R__a_function.sql', repeatable: true },
      { version: '', name: 'b_view', file: 'R__b_view.sql', repeatable: true },
    ]);
    expect(result.migrations[1].sql).toBe('select 11;');
    expect(result.notes).toEqual([]);
  });
});

describe('readMigrationFolder: dbmate', () => {
  const usersText = [
    '-- a header comment before the up block',
    '-- migrate:up',
    'create table users (',
    '  id bigint primary key',
    ');',
    '',
    'create index users_id on users (id);',
    '',
    '-- migrate:down',
    'drop table users;',
    '',
  ].join('\n');

  it('keeps only the up block, with every statement on its original line', () => {
    const dir = folder({
      '20230101120000_users.sql': usersText,
      '20230201120000_down_first.sql': '-- migrate:down\ndrop table t;\n-- migrate:up transaction:false\ncreate table t ();\n',
    });
    const result = readMigrationFolder(dir);
    expect(result.convention).toBe('dbmate');
    expect(summary(result)).toEqual([
      { version: '20230101120000', name: 'users', file: '20230101120000_users.sql' },
      { version: '20230201120000', name: 'down_first', file: '20230201120000_down_first.sql' },
    ]);

    const [users, downFirst] = result.migrations;
    const lines = users.sql.split('\n');
    const original = usersText.split('\n');
    expect(lines).toHaveLength(original.length);
    expect(lines.indexOf('create table users (')).toBe(original.indexOf('create table users ('));
    expect(lines[6]).toBe('create index users_id on users (id);');
    expect(users.sql).not.toContain('drop table');
    expect(users.sql).not.toContain('migrate:');
    expect(users.sql).toBe('\n\ncreate table users (\n  id bigint primary key\n);\n\ncreate index users_id on users (id);\n\n\n\n');

    expect(downFirst.sql).toBe('\n\n\ncreate table t ();\n');
  });
});

describe('readMigrationFolder: Prisma', () => {
  it('reads <timestamp>_name/migration.sql in timestamp order and accepts migration_lock.toml', () => {
    const dir = folder({
      'migration_lock.toml': 'provider = "postgresql"\n',
      '20230202120000_add_posts/migration.sql': 'CREATE TABLE "Post" ();',
      '20230101120000_init/migration.sql': 'CREATE TABLE "User" ();',
    });
    const result = readMigrationFolder(dir);
    expect(result.convention).toBe('prisma');
    expect(summary(result)).toEqual([
      { version: '20230101120000', name: 'init', file: path.join('20230101120000_init', 'migration.sql') },
      { version: '20230202120000', name: 'add_posts', file: path.join('20230202120000_add_posts', 'migration.sql') },
    ]);
    expect(result.migrations[0].sql).toBe('CREATE TABLE "User" ();');
    expect(result.notes).toEqual([]);
  });

  it('notes a migration folder without migration.sql', () => {
    const dir = folder({
      '20230101120000_init/migration.sql': 'select 1;',
      '20230202120000_empty/README.md': 'nothing here',
    });
    const result = readMigrationFolder(dir);
    expect(result.migrations).toHaveLength(1);
    expect(result.notes).toEqual([`${path.join(dir, '20230202120000_empty')}: ignored (no migration.sql inside)`]);
  });
});

describe('readMigrationFolder: drizzle', () => {
  const journal = {
    version: '7',
    dialect: 'postgresql',
    entries: [
      { idx: 1, version: '7', when: 1700000100000, tag: '0001_alpha', breakpoints: true },
      { idx: 0, version: '7', when: 1700000000000, tag: '0000_zeta', breakpoints: true },
    ],
  };
  const zeta = 'CREATE TABLE "a" ("id" integer);\n--> statement-breakpoint\nCREATE TABLE "b" ("id" integer);\n';

  it('orders by the journal and keeps statement-breakpoint lines', () => {
    const dir = folder({
      'meta/_journal.json': JSON.stringify(journal),
      'meta/0000_snapshot.json': '{}',
      '0000_zeta.sql': zeta,
      '0001_alpha.sql': 'ALTER TABLE "a" ADD COLUMN "x" text;',
      'stray.sql': 'select 1;',
    });
    const result = readMigrationFolder(dir);
    expect(result.convention).toBe('drizzle');
    expect(summary(result)).toEqual([
      { version: '0', name: '0000_zeta', file: '0000_zeta.sql' },
      { version: '1', name: '0001_alpha', file: '0001_alpha.sql' },
    ]);
    expect(result.migrations[0].sql).toBe(zeta);
    expect(result.notes).toEqual([`${path.join(dir, 'stray.sql')}: ignored (not listed in meta/_journal.json)`]);
  });

  it('fails when the journal lists a missing file', () => {
    const dir = folder({ 'meta/_journal.json': JSON.stringify(journal), '0000_zeta.sql': zeta });
    expect(readError(dir).message).toBe(
      `${path.join(dir, 'meta', '_journal.json')} lists "0001_alpha" but ${path.join(dir, '0001_alpha.sql')} does not exist`,
    );
  });

  it('fails on a journal without entries', () => {
    const dir = folder({ 'meta/_journal.json': '{"version":"7"}', '0000_zeta.sql': zeta });
    expect(readError(dir).message).toMatch(/_journal\.json is not a drizzle journal: entries: /);
  });
});

describe('readMigrationFolder: numbered', () => {
  it('orders by leading number, numerically, and notes stray files', () => {
    const dir = folder({
      '10_d.sql': 'select 10;',
      '9_c.sql': 'select 9;',
      '0003.sql': 'select 3;',
      '2-b.sql': 'select 2;',
      '001_a.sql': 'select 1;',
      'schema.sql': 'select 0;',
      'README.md': '# migrations',
      'seeds/data.sql': 'insert into a values (1);',
      '.gitkeep': '',
    });
    const result = readMigrationFolder(dir);
    expect(result.convention).toBe('numbered');
    expect(summary(result)).toEqual([
      { version: '001', name: 'a', file: '001_a.sql' },
      { version: '2', name: 'b', file: '2-b.sql' },
      { version: '0003', name: '', file: '0003.sql' },
      { version: '9', name: 'c', file: '9_c.sql' },
      { version: '10', name: 'd', file: '10_d.sql' },
    ]);
    expect(result.migrations[4].sql).toBe('select 10;');
    expect(result.notes).toEqual([
      `${path.join(dir, 'README.md')}: ignored (not a .sql file)`,
      `${path.join(dir, 'schema.sql')}: ignored (its name fits no migration convention)`,
      `${path.join(dir, 'seeds')}: ignored (a subdirectory)`,
    ]);
  });
});

describe('readMigrationFolder: down migrations', () => {
  const downs = (result: MigrationFolder) =>
    result.migrations.map((m) => [m.version, m.down ? path.relative(result.dir, m.down.file) : null, m.down?.sql ?? null]);

  it('pairs golang-migrate .down.sql files with their up by version, and notes a down without an up', () => {
    const dir = folder({
      '0001_users.up.sql': 'create table users ();\n',
      '0001_users.down.sql': 'drop table users;\n',
      '0002_orders.up.sql': 'create table orders ();\n',
      '0003_old.down.sql': 'select 1;\n',
      'V0004.Authelia_Style.up.sql': 'select 4;\n',
      'V0004.Authelia_Style.down.sql': 'select -4;\n',
    });
    const result = readMigrationFolder(dir);
    expect(result.convention).toBe('golang-migrate');
    expect(downs(result)).toEqual([
      ['0001', '0001_users.down.sql', 'drop table users;\n'],
      ['0002', null, null],
      ['0004', 'V0004.Authelia_Style.down.sql', 'select -4;\n'],
    ]);
    expect(result.notes).toEqual([`${path.join(dir, '0003_old.down.sql')}: ignored (a down migration without an up of version 0003)`]);
  });

  it('pairs Flyway undo files by version; repeatables have none', () => {
    const dir = folder({
      'V1__init.sql': 'create table a ();',
      'U1__init.sql': 'drop table a;',
      'V1.1__b.sql': 'create table b ();',
      'U01.1__b_undo.sql': 'drop table b;',
      'V2__c.sql': 'create table c ();',
      'R__view.sql': 'create or replace view v as select 1;',
    });
    const result = readMigrationFolder(dir);
    expect(downs(result)).toEqual([
      ['1', 'U1__init.sql', 'drop table a;'],
      ['1.1', 'U01.1__b_undo.sql', 'drop table b;'],
      ['2', null, null],
      ['', null, null],
    ]);
    expect(result.notes).toEqual([]);
  });

  it("cuts dbmate's down block out of the file, keeping lines, and reads transaction:false", () => {
    const text = '-- migrate:up transaction:false\ncreate index concurrently i on t (a);\n\n-- migrate:down\ndrop index i;\n';
    const dir = folder({ '20240101000000_index.sql': text, '20240102000000_no_down.sql': '-- migrate:up\nselect 1;\n' });
    const [withDown, withoutDown] = readMigrationFolder(dir).migrations;
    expect(withDown.transaction).toBe(false);
    expect(withDown.down).toEqual({ file: path.join(dir, '20240101000000_index.sql'), sql: '\n\n\n\ndrop index i;\n' });
    expect(withDown.down!.sql.split('\n')).toHaveLength(text.split('\n').length);
    expect(withoutDown.down).toBeUndefined();
    expect(withoutDown.transaction).toBeUndefined();
  });

  it('reads NNN_name.down.sql beside a numbered NNN_name.sql as its down, not as golang-migrate', () => {
    const dir = folder({ '001_a.sql': 'create table a ();', '001_a.down.sql': 'drop table a;', '002_b.sql': 'create table b ();', '002_b.down.sql': 'drop table b;' });
    const result = readMigrationFolder(dir);
    expect(result.convention).toBe('numbered');
    expect(downs(result)).toEqual([
      ['001', '001_a.down.sql', 'drop table a;'],
      ['002', '002_b.down.sql', 'drop table b;'],
    ]);
    expect(result.notes).toEqual([]);
  });

  it("takes Prisma's down.sql beside migration.sql; drizzle has no downs", () => {
    const prisma = readMigrationFolder(
      folder({ '20230101120000_init/migration.sql': 'create table a ();', '20230101120000_init/down.sql': 'drop table a;', '20230202120000_b/migration.sql': 'select 1;' }),
    );
    expect(downs(prisma)).toEqual([
      ['20230101120000', path.join('20230101120000_init', 'down.sql'), 'drop table a;'],
      ['20230202120000', null, null],
    ]);
    const drizzle = readMigrationFolder(folder({ 'meta/_journal.json': JSON.stringify({ entries: [{ idx: 0, tag: '0000_a' }] }), '0000_a.sql': 'select 1;' }));
    expect(drizzle.migrations[0].down).toBeUndefined();
  });
});

describe('readMigrationFolder: mixed conventions', () => {
  it('reads the dominant convention and notes the others', () => {
    const dir = folder({
      '0001_a.up.sql': 'select 1;',
      '0001_a.down.sql': 'select -1;',
      '0002_b.up.sql': 'select 2;',
      '0002_b.down.sql': 'select -2;',
      '0003_c.sql': 'select 3;',
      'V4__d.sql': 'select 4;',
    });
    const result = readMigrationFolder(dir);
    expect(result.convention).toBe('golang-migrate');
    expect(result.migrations.map((m) => m.version)).toEqual(['0001', '0002']);
    expect(result.notes).toEqual([
      `mixed migration conventions (golang-migrate: 4, flyway: 1, numbered: 1 files); read as golang-migrate, ignored: ` +
        `${path.join(dir, '0003_c.sql')}, ${path.join(dir, 'V4__d.sql')}`,
    ]);
  });
});

describe('readMigrationFolder: errors', () => {
  it('rejects a missing directory', () => {
    const dir = path.join(folder({}), 'nope');
    expect(readError(dir).message).toBe(`migration folder ${dir} does not exist`);
  });

  it('rejects a file', () => {
    const file = path.join(folder({ '0001_x.up.sql': 'select 1;' }), '0001_x.up.sql');
    expect(readError(file).message).toBe(`${file} is not a directory; expected a folder of migrations`);
  });

  it('rejects a folder without SQL migrations', () => {
    const empty = folder({ 'README.md': 'hi' });
    expect(readError(empty).message).toMatch(
      new RegExp(`^no SQL migrations found in ${escape(empty)}; expected files like 0001_name\\.up\\.sql, V1__name\\.sql, `),
    );
    const onlySchema = folder({ 'schema.sql': 'select 1;' });
    expect(readError(onlySchema).message).toMatch(/these names fit no convention: .*schema\.sql$/);
    const onlyDown = folder({ '0001_x.down.sql': 'select 1;' });
    expect(readError(onlyDown).message).toMatch(/^no SQL migrations found in /);
  });

  it('rejects a binary file', () => {
    const dir = folder({ '0001_x.up.sql': Buffer.from([0x73, 0x65, 0x00, 0x01]) });
    expect(readError(dir).message).toBe(`${path.join(dir, '0001_x.up.sql')} is not a text file`);
  });

  it('rejects two migrations with the same version, naming both', () => {
    const dir = folder({ '1_a.up.sql': 'select 1;', '01_b.up.sql': 'select 2;' });
    expect(readError(dir).message).toBe(
      `two migrations have version 1: ${path.join(dir, '01_b.up.sql')} and ${path.join(dir, '1_a.up.sql')}`,
    );
    const flyway = folder({ 'V1__a.sql': 'select 1;', 'V1.0__b.sql': 'select 2;' });
    expect(readError(flyway).message).toMatch(/^two migrations have version 1(\.0)?: .*V1(\.0)?__.*\.sql and .*V1(\.0)?__.*\.sql$/);
  });
});

describe('isMigrationFolder', () => {
  it('recognises folders of each convention and nothing else', () => {
    expect(isMigrationFolder(folder({ '0001_x.up.sql': '' }))).toBe(true);
    expect(isMigrationFolder(folder({ 'V1__x.sql': '' }))).toBe(true);
    expect(isMigrationFolder(folder({ '20230101120000_x/migration.sql': '' }))).toBe(true);
    expect(isMigrationFolder(folder({ 'meta/_journal.json': '{"entries":[]}' }))).toBe(true);
    expect(isMigrationFolder(folder({ '001_x.sql': '' }))).toBe(true);
    expect(isMigrationFolder(folder({ 'schema.sql': '' }))).toBe(false);
    expect(isMigrationFolder(folder({ '0001_x.down.sql': '' }))).toBe(false);
    const dir = folder({ '0001_x.up.sql': '' });
    expect(isMigrationFolder(path.join(dir, '0001_x.up.sql'))).toBe(false);
    expect(isMigrationFolder(path.join(dir, 'missing'))).toBe(false);
  });
});

const authelia = path.resolve(__dirname, '../../shared/corpus/migrations/authelia');
if (!existsSync(authelia)) console.info(`skipping the authelia migration corpus test: ${authelia} is absent`);

describe.skipIf(!existsSync(authelia))('readMigrationFolder: authelia corpus', () => {
  it('reads V0001.Name.up.sql pairs as golang-migrate', () => {
    const result = readMigrationFolder(authelia);
    expect(result.convention).toBe('golang-migrate');
    expect(result.migrations).toHaveLength(26);
    expect(result.migrations[0]).toMatchObject({ version: '0001', name: 'Initial_Schema' });
    expect(result.migrations.at(-1)).toMatchObject({ version: '0026', name: 'StorageAADRowScoped' });
    expect(result.migrations[0].sql).toMatch(/^CREATE TABLE IF NOT EXISTS authentication_logs/);
    expect(result.migrations.every((m) => m.down?.file === m.file.replace(/\.up\.sql$/, '.down.sql'))).toBe(true);
    expect(result.migrations[0].down!.sql).toMatch(/^DROP TABLE IF EXISTS authentication_logs;/);
    expect(result.notes).toEqual([]);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
