/**
 * `schemawise design` as a user runs it (the built CLI): the folder it writes, byte-identical
 * from run to run, and its refusals — an invalid spec (every problem with its line), a missing
 * file, a folder that already holds files — with exit code 2 and nothing written. The folder is
 * written whole or not at all, and --force removes the design files a previous spec produced and
 * this one does not.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/run-cli.js';

const SHOP = path.join(__dirname, 'fixtures/design/shop.yaml');
const tmp = () => mkdtempSync(path.join(os.tmpdir(), 'schemawise-design-'));
const listing = (dir: string): string[] => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();

describe('schemawise design (the built CLI)', () => {
  it('writes the design folder, the same bytes on every run', () => {
    const dir = tmp();
    const r = runCli(['design', SHOP, '--out', 'design'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('wrote design/: schema.sql, migrations/0001_initial.up.sql, migrations/0001_initial.down.sql, erd.md, indexes.sql, queries.md, ops/pgbouncer.ini, ops/roles.sql, ops/partitions.sql, DESIGN.md\n9 tables, 45 decisions, 0 warnings on the requirements (DESIGN.md)\n');
    const out = path.join(dir, 'design');
    expect(listing(out)).toEqual(['DESIGN.md', 'erd.md', 'indexes.sql', 'migrations/0001_initial.down.sql', 'migrations/0001_initial.up.sql', 'ops/partitions.sql', 'ops/pgbouncer.ini', 'ops/roles.sql', 'queries.md', 'schema.sql']);
    // Decisions cite the spec's lines.
    expect(readFileSync(path.join(out, 'DESIGN.md'), 'utf8')).toContain('- **customers**: `id uuid DEFAULT uuid_v7()` — ids appear in URLs and APIs: not guessable, not revealing volume; version 7 is time-ordered');
    expect(readFileSync(path.join(out, 'DESIGN.md'), 'utf8')).toMatch(/a v7 id reveals when the row was created\. \(shop\.yaml:11\)\n/);
    const again = runCli(['design', SHOP, '--out', 'again'], dir);
    expect(again.code).toBe(0);
    for (const f of listing(out)) expect(readFileSync(path.join(dir, 'again', f), 'utf8'), f).toBe(readFileSync(path.join(out, f), 'utf8'));
  }, 120_000);

  it('an invalid spec: every problem with its line and column, exit 2, nothing written', () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'bad.yaml'), 'name: shop\nentities:\n  order:\n    fileds: { total: money }\n  item:\n    fields:\n      order: { ref: ordr }\n      price: { type: mony }\n');
    const r = runCli(['design', 'bad.yaml', '--out', 'design'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'error: bad.yaml:4:5: entities.order.fileds: unknown key "fileds" (did you mean "fields"?)\n' +
        'bad.yaml:7:21: entities.item.fields.order.ref: unknown entity "ordr" (did you mean "order"?)\n' +
        'bad.yaml:8:22: entities.item.fields.price.type: unknown type "mony" (did you mean "money"?)\n',
    );
    expect(existsSync(path.join(dir, 'design'))).toBe(false);
  });

  it.each([
    [['design', 'missing.yaml'], 'error: missing.yaml: no such file\n'],
    [['design'], 'error: no spec: give the requirements file (schemawise design spec.yaml), or --json-schema\n'],
  ])('refuses %j with a message and exit 2', (args, message) => {
    const r = runCli(args, tmp());
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(message);
  });

  it('a folder that already holds files: refused without --force; --force replaces the design\'s files only', () => {
    const dir = tmp();
    mkdirSync(path.join(dir, 'design'));
    writeFileSync(path.join(dir, 'design', 'NOTES.txt'), 'mine');
    const refused = runCli(['design', SHOP, '--out', 'design'], dir);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe("error: --out design: the folder already has files; --force replaces the design's files in it (others are left alone)\n");
    expect(listing(path.join(dir, 'design'))).toEqual(['NOTES.txt']);
    const forced = runCli(['design', SHOP, '--out', 'design', '--force', '-q'], dir);
    expect(forced.code).toBe(0);
    expect(listing(path.join(dir, 'design'))).toContain('schema.sql');
    expect(readFileSync(path.join(dir, 'design', 'NOTES.txt'), 'utf8')).toBe('mine');
  }, 120_000);

  // A spec that partitions readings (retention, 50M rows) and the same one that no longer does.
  const PARTITIONED = 'name: iot\nentities:\n  device: { rows: 10k, fields: { serial: text } }\n  reading: { rows: 50M, growth: 10M/month, retention: 90 days, append_only: true, fields: { device: { ref: device }, taken_at: timestamp, value: decimal } }\n';
  const UNPARTITIONED = 'name: iot\nentities:\n  device: { rows: 10k, fields: { serial: text } }\n  reading: { rows: 10k, fields: { device: { ref: device }, taken_at: timestamp, value: decimal } }\n';
  const staging = (dir: string) => readdirSync(dir).filter((f) => f.includes('schemawise'));

  it('--force removes the design files the new spec no longer produces (ops/partitions.sql), never the user\'s', () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'partitioned.yaml'), PARTITIONED);
    writeFileSync(path.join(dir, 'unpartitioned.yaml'), UNPARTITIONED);
    expect(runCli(['design', 'partitioned.yaml', '--out', 'design', '-q'], dir).code).toBe(0);
    const out = path.join(dir, 'design');
    expect(listing(out)).toContain('ops/partitions.sql');
    writeFileSync(path.join(out, 'notes.txt'), 'mine');
    const r = runCli(['design', 'unpartitioned.yaml', '--out', 'design', '--force', '-q'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('\nremoved ops/partitions.sql: written by a previous design, not by this one\n');
    expect(listing(out)).toEqual(['DESIGN.md', 'erd.md', 'migrations/0001_initial.down.sql', 'migrations/0001_initial.up.sql', 'notes.txt', 'ops/pgbouncer.ini', 'ops/roles.sql', 'schema.sql']);
    expect(readFileSync(path.join(out, 'notes.txt'), 'utf8')).toBe('mine');
    expect(readFileSync(path.join(out, 'DESIGN.md'), 'utf8')).not.toContain('partitions.sql');
    expect(staging(dir)).toEqual([]);
  }, 120_000);

  it('a file that cannot be written mid-way: exit 2 naming it, the previous files byte-identical, no staging folder left', () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'unpartitioned.yaml'), UNPARTITIONED);
    expect(runCli(['design', 'unpartitioned.yaml', '--out', 'design', '-q'], dir).code).toBe(0);
    const out = path.join(dir, 'design');
    // A folder where queries.md goes: renaming the file over it fails, even as root. The shop
    // design writes schema.sql, the migrations, erd.md and indexes.sql before it.
    mkdirSync(path.join(out, 'queries.md'));
    writeFileSync(path.join(out, 'queries.md', 'mine.txt'), 'mine');
    const before = new Map(listing(out).map((f) => [f, readFileSync(path.join(out, f), 'utf8')]));
    const r = runCli(['design', SHOP, '--out', 'design', '--force', '-q'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('error: cannot write design/queries.md: EISDIR\n');
    expect(r.stdout).toBe('');
    expect(listing(out)).toEqual([...before.keys()]);
    for (const [f, text] of before) expect(readFileSync(path.join(out, f), 'utf8'), f).toBe(text);
    expect(staging(dir)).toEqual([]);
  }, 120_000);

  it('--json-schema prints the spec\'s JSON Schema for editors', () => {
    const r = runCli(['design', '--json-schema'], tmp());
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout);
    expect(schema.type).toBe('object');
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['name', 'postgres', 'workload', 'tenancy', 'conventions', 'entities', 'relationships', 'queries', 'denormalize']));
  });
});
