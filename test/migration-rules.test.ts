/**
 * Every migration rule against its own documented examples: each `invalid` example is reported
 * on exactly the lines marked `-- flagged`, each `valid` one not at all.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintMigrations } from '../src/lint/lint-migrations.js';
import { exampleInput } from '../src/lint/migration-example.js';
import { MIGRATION_RULES } from '../src/lint/migration-rules/index.js';
import type { MigrationExample } from '../src/lint/migration-types.js';

const root = path.resolve(__dirname, '..');
const sqlOf = (e: MigrationExample) => (typeof e === 'string' ? e : e.sql);
const flaggedLines = (sql: string) => sql.split('\n').flatMap((line, i) => (/-- flagged$/.test(line) ? [i + 1] : []));

describe('migration rule registry', () => {
  it('has one file per rule, named after its id', () => {
    const files = readdirSync(path.join(root, 'src/lint/migration-rules')).filter((f) => f !== 'index.ts').map((f) => f.replace(/\.ts$/, ''));
    expect(MIGRATION_RULES.map((r) => r.id).sort()).toEqual(files.sort());
  });
});

describe.each(MIGRATION_RULES.map((r) => [r.id, r] as const))('%s', (id, rule) => {
  it.each(rule.meta.invalid.map((e, i) => [i + 1, e] as const))('reports invalid example %i on the flagged lines', async (_, example) => {
    const { findings } = await lintMigrations({ ...exampleInput(example), rules: [rule] });
    expect(findings.every((f) => f.ruleId === id)).toBe(true);
    expect([...new Set(findings.map((f) => f.location?.line))].sort((a, b) => a! - b!)).toEqual(flaggedLines(sqlOf(example)));
    for (const f of findings) {
      expect(f.location?.file).toBe('example.sql');
      expect(f.message.length).toBeGreaterThan(10);
      expect(f.help.length).toBeGreaterThan(10);
    }
  });

  it.each(rule.meta.valid.map((e, i) => [i + 1, e] as const))('accepts valid example %i', async (_, example) => {
    const { findings } = await lintMigrations({ ...exampleInput(example), rules: [rule] });
    expect(findings).toEqual([]);
  });
});
