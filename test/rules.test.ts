/**
 * Every rule against its own documented examples: each `invalid` example is reported on
 * exactly the lines marked `-- flagged`, each `valid` one not at all; every fix, executed on
 * the embedded PostgreSQL after the example, makes the findings go away; the docs are current.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedEngine } from '../src/engine/embedded.js';
import type { Engine } from '../src/engine/engine.js';
import { introspect } from '../src/engine/introspect.js';
import { loadStatic } from '../src/load/load-schema.js';
import { initNormalizer } from '../src/model/normalize.js';
import { review } from '../src/lint/review.js';
import { ruleDoc, rulesTable } from '../src/lint/rule-docs.js';
import { RULES } from '../src/lint/rules/index.js';
import type { Rule } from '../src/lint/types.js';
import { execStatements, resetEngine } from './helpers/scratch-engine.js';

const root = path.resolve(__dirname, '..');
const FILE = 'example.sql';

const flaggedLines = (sql: string) => sql.split('\n').flatMap((line, i) => (/-- flagged$/.test(line) ? [i + 1] : []));

async function reviewStatic(rule: Rule<any>, sql: string) {
  const { database } = await loadStatic([{ file: FILE, sql }]);
  return review({ database, scripts: [{ file: FILE, sql }], rules: [rule] }).findings;
}

describe('rule registry', () => {
  it('has one file per rule, named after its id', () => {
    const files = readdirSync(path.join(root, 'src/lint/rules')).filter((f) => f !== 'index.ts').map((f) => f.replace(/\.ts$/, ''));
    expect(RULES.map((r) => r.id).sort()).toEqual(files.sort());
    for (const r of RULES) expect(r.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('has current docs for every rule and a README table', () => {
    for (const r of RULES) {
      expect(r.meta.invalid.length, `${r.id} has invalid examples`).toBeGreaterThan(0);
      expect(r.meta.valid.length, `${r.id} has valid examples`).toBeGreaterThan(0);
      expect(r.meta.rationale.length).toBeGreaterThan(80);
      expect(readFileSync(path.join(root, 'docs/rules', `${r.id}.md`), 'utf8'), `docs/rules/${r.id}.md is stale: npm run docs`).toBe(ruleDoc(r));
    }
    expect(readFileSync(path.join(root, 'README.md'), 'utf8')).toContain(rulesTable(RULES));
  });
});

const fileRules = RULES.filter((r) => !r.meta.live);

describe.each(fileRules.map((r) => [r.id, r] as const))('%s', (id, rule) => {
  it.each(rule.meta.invalid.map((sql, i) => [i + 1, sql] as const))('reports invalid example %i on the flagged lines', async (_, sql) => {
    const findings = await reviewStatic(rule, sql);
    expect(findings.map((f) => f.ruleId).every((r) => r === id)).toBe(true);
    const keys = findings.map((f) => `${f.object}\u0000${f.message}`);
    expect(keys, 'no finding is reported twice').toEqual([...new Set(keys)]);
    expect([...new Set(findings.map((f) => f.location?.line))].sort((a, b) => a! - b!)).toEqual(flaggedLines(sql));
    for (const f of findings) {
      expect(f.location?.file).toBe(FILE);
      expect(f.message.length).toBeGreaterThan(10);
      expect(f.help.length).toBeGreaterThan(10);
    }
  });

  it.each(rule.meta.valid.map((sql, i) => [i + 1, sql] as const))('accepts valid example %i', async (_, sql) => {
    expect(await reviewStatic(rule, sql)).toEqual([]);
  });
});

describe('fixes, executed on the embedded PostgreSQL', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await createEmbeddedEngine();
    await initNormalizer();
  }, 60_000);
  afterAll(() => engine?.close());

  const cases = fileRules.flatMap((rule) => rule.meta.invalid.map((sql, i) => [`${rule.id} #${i + 1}`, rule, sql] as const));
  it.each(cases)('%s: the example executes, is reported the same, and its fixes clear it', async (_, rule, sql) => {
    await resetEngine(engine);
    await execStatements(engine, sql);
    const before = review({ database: (await introspect(engine)).database, scripts: [{ file: FILE, sql }], rules: [rule] }).findings;
    const statically = await reviewStatic(rule, sql);
    expect(before.map((f) => f.object).sort()).toEqual(statically.map((f) => f.object).sort());
    const fixes = before.flatMap((f) => (f.fix ? [f.fix.sql] : []));
    if (!fixes.length) return;
    for (const fix of fixes) await execStatements(engine, fix);
    const after = review({ database: (await introspect(engine)).database, rules: [rule] }).findings;
    expect(after.filter((f) => before.some((b) => b.fix && b.object === f.object))).toEqual([]);
  }, 30_000);
});
