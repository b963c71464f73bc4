/**
 * The example specs in examples/specs (an OLTP shop, a multi-tenant SaaS, IoT time series with
 * retention, OLAP-leaning reporting, a social graph): each design runs on the embedded engine
 * and on the PostgreSQL server, its migrations pass `migrate verify`, `review` of it reports no
 * error or warning, and every declared query reads its large tables through an index (from the
 * plan on the design seeded at the declared volume).
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adviseDesign, type DesignWorkload } from '../src/design/design-indexes.js';
import { designModel, type DesignModel } from '../src/design/design-model.js';
import { tableVolumes } from '../src/design/table-volume.js';
import { DESIGN_FILES, emitDesign } from '../src/design/emit-design.js';
import { readSpec } from '../src/design/read-spec.js';
import type { Spec } from '../src/design/spec.js';
import { verifyDesign } from '../src/design/verify-design.js';
import { createEmbeddedEngine } from '../src/engine/embedded.js';
import type { Engine } from '../src/engine/engine.js';
import { initNormalizer } from '../src/model/normalize.js';
import { initParser } from '../src/parse/parse-script.js';
import { writeFolder } from '../src/cli/write-folder.js';
import { parseCount } from '../src/seed/parse-count.js';
import { runCli } from './helpers/run-cli.js';
import { serverDatabase, serverUrl } from './helpers/server-database.js';

const EXAMPLES = path.join(__dirname, '../examples/specs');
const specs = readdirSync(EXAMPLES).filter((f) => f.endsWith('.yaml')).sort();

/** A table is large from this many declared rows: reading it without an index is a finding. */
const LARGE = 100_000;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Plans?: PlanNode[];
}

/** Scans that read a whole table (or partition): relation names. */
function fullScans(node: PlanNode, out: string[] = []): string[] {
  if (/^(Seq Scan|Sample Scan|Tid Range Scan)$/.test(node['Node Type']) && node['Relation Name']) out.push(node['Relation Name']);
  for (const child of node.Plans ?? []) fullScans(child, out);
  return out;
}

it('has the five shapes the issue names', () => {
  expect(specs).toEqual(['iot.yaml', 'reporting.yaml', 'saas.yaml', 'shop.yaml', 'social.yaml']);
});

describe.each(specs)('examples/specs/%s', (file) => {
  let engine: Engine;
  let spec: Spec;
  let design: DesignModel;
  let workload: DesignWorkload | undefined;
  let files: Map<string, string>;
  let dir: string;

  beforeAll(async () => {
    await initParser();
    await initNormalizer();
    const specFile = path.join(EXAMPLES, file);
    const read = readSpec(specFile, readFileSync(specFile, 'utf8'));
    spec = read.spec;
    design = designModel(spec);
    engine = await createEmbeddedEngine();
    workload = await adviseDesign(spec, design, { specFile: file, spanOf: read.spanOf, engine });
    files = emitDesign(spec, design, { specFile: file, spanOf: read.spanOf }, workload);
    dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'schemawise-example-')), 'design');
    writeFolder(dir, files, { replace: DESIGN_FILES });
  }, 240_000);
  afterAll(() => engine?.close());

  it('builds on the embedded engine: schema.sql and the migration give one schema, the down undoes it; no warning on the requirements', async () => {
    expect(await verifyDesign(files, engine)).toEqual([]);
    expect(design.warnings).toEqual([]);
    expect([...files.keys()].filter((f) => !DESIGN_FILES.includes(f))).toEqual([]);
  }, 120_000);

  it('every declared query plans, and reads its large tables through an index', () => {
    expect(workload).toBeDefined();
    const parentOf = new Map(design.database.schemas.flatMap((s) => s.tables.filter((t) => t.partitionOf).map((t) => [t.name, t.partitionOf!.parent.name] as const)));
    const rows = new Map(tableVolumes(spec, design).filter((v) => v.volume.rows !== undefined).map((v) => [v.table.name, parseCount(String(v.volume.rows), 'rows')]));
    const problems: string[] = [];
    workload!.advice.final.forEach((result, i) => {
      const name = spec.queries[i].name;
      if (!result.plan) return problems.push(`${name}: not planned (${result.error})`);
      for (const relation of fullScans(result.plan as unknown as PlanNode)) {
        const table = parentOf.get(relation) ?? relation;
        if ((rows.get(table) ?? 0) >= LARGE) problems.push(`${name}: reads ${table} (${rows.get(table)} rows) without an index`);
      }
    });
    expect(problems).toEqual([]);
    expect(spec.queries.length).toBeGreaterThanOrEqual(3);
  });

  it('plans a scale-out on Citus exactly when the volume outgrows one node; its first part runs and leaves keys Citus accepts', async () => {
    const citus = files.get('ops/citus.sql');
    expect(!!citus).toBe(['iot.yaml', 'saas.yaml', 'social.yaml'].includes(file));
    if (!citus) {
      expect(design.decisions.find((d) => d.topic === 'scale-out')).toMatchObject({ subject: 'one node' });
      return;
    }
    const [part1, part2] = citus.split('\n-- Part 2: Citus');
    const distributed = new Map([...part2.matchAll(/create_distributed_table\('(\w+)', '(\w+)'/g)].map((m) => [m[1], m[2]]));
    const reference = new Set([...part2.matchAll(/create_reference_table\('(\w+)'\)/g)].map((m) => m[1]));
    // Every table of the design is placed once (partitions go with their parent).
    const tables = design.database.schemas[0].tables.filter((t) => !t.partitionOf).map((t) => t.name).sort();
    expect([...distributed.keys(), ...reference].sort()).toEqual(tables);
    await engine.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
    await engine.exec(files.get('schema.sql')!);
    await engine.exec(part1);
    const uniques = await engine.query<{ table: string; index: string; columns: string[] }>(
      `SELECT c.relname AS table, i.relname AS index, array(SELECT a.attname::text FROM unnest(x.indkey) k JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k) AS columns
       FROM pg_index x JOIN pg_class c ON c.oid = x.indrelid JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND x.indisunique AND c.relispartition = false`,
    );
    // Citus: a unique key of a distributed table includes its distribution column.
    expect(uniques.filter((u) => distributed.has(u.table) && !u.columns.includes(distributed.get(u.table)!)).map((u) => u.index)).toEqual([]);
    const fks = await engine.query<{ name: string; table: string; target: string; columns: string[]; refs: string[] }>(
      `SELECT k.conname AS name, c.relname AS table, t.relname AS target,
              array(SELECT a.attname::text FROM unnest(k.conkey) WITH ORDINALITY u(n, o) JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.n ORDER BY u.o) AS columns,
              array(SELECT a.attname::text FROM unnest(k.confkey) WITH ORDINALITY u(n, o) JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.n ORDER BY u.o) AS refs
       FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class t ON t.oid = k.confrelid
       WHERE k.contype = 'f' AND k.conparentid = 0 AND c.relispartition = false`,
    );
    for (const fk of fks) {
      // A reference table refers to reference tables only; between distributed tables the distribution columns meet.
      if (reference.has(fk.table)) expect(reference.has(fk.target), fk.name).toBe(true);
      if (distributed.has(fk.table) && distributed.has(fk.target)) {
        const at = fk.columns.indexOf(distributed.get(fk.table)!);
        expect(at, `${fk.name} carries ${fk.table}'s distribution column`).toBeGreaterThanOrEqual(0);
        expect(fk.refs[at], `${fk.name} joins it to ${fk.target}'s`).toBe(distributed.get(fk.target));
      }
    }
  }, 60_000);

  it('review reports no error or warning', () => {
    const r = runCli(['review', path.join(dir, 'schema.sql'), '--format', 'json'], dir);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout) as { findings: { ruleId: string; severity: string; message: string }[]; summary: { errors: number; warnings: number } };
    expect(report.findings.filter((f) => f.severity !== 'info').map((f) => `${f.ruleId}: ${f.message}`)).toEqual([]);
    expect(report.summary).toMatchObject({ errors: 0, warnings: 0 });
  }, 60_000);

  it('its migrations pass migrate verify (embedded engine)', () => {
    const r = runCli(['migrate', 'verify', path.join(dir, 'migrations'), '--quiet'], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  }, 120_000);

  describe.skipIf(!serverUrl)('on the PostgreSQL server', () => {
    const scratch = serverDatabase(`design_example_${path.basename(file, '.yaml')}`);
    let server: Engine;
    beforeAll(async () => {
      server = await scratch.open();
    }, 60_000);
    afterAll(() => scratch.close(server));

    it('schema.sql executes, with every table', async () => {
      await server.exec(files.get('schema.sql')!);
      const tables = await server.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'`);
      expect(tables[0].n).toBe(design.database.schemas[0].tables.length);
    }, 60_000);

    it('its migrations pass migrate verify there', () => {
      const r = runCli(['migrate', 'verify', path.join(dir, 'migrations'), '--db', serverUrl!, '--quiet'], dir);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }, 120_000);
  });
});
