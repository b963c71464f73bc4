/**
 * Every migration rule against its own documented examples: each `invalid` example is reported
 * on exactly the lines marked `-- flagged`, each `valid` one not at all; every rule explains the
 * lock it is about; the docs and the README table are current.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintMigrations } from '../src/lint/lint-migrations.js';
import { exampleInput } from '../src/lint/migration-example.js';
import { MIGRATION_RULES } from '../src/lint/migration-rules/index.js';
import type { MigrationExample } from '../src/lint/migration-types.js';
import type { Finding } from '../src/lint/types.js';
import { loadStatic } from '../src/load/load-schema.js';
import { stripSpans } from '../src/model/strip-spans.js';
import { parseScript } from '../src/parse/parse-script.js';
import { migrationRulesTable, ruleDoc } from '../src/lint/rule-docs.js';

const root = path.resolve(__dirname, '..');
const sqlOf = (e: MigrationExample) => (typeof e === 'string' ? e : e.sql);
const flaggedLines = (sql: string) => sql.split('\n').flatMap((line, i) => (/-- flagged$/.test(line) ? [i + 1] : []));

/** The linted file with the statement a finding is located in replaced by the finding's fix. */
function withFix(sql: string, finding: Finding): string {
  const lines = sql.split('\n');
  const offset = (line: number, column: number) => lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0) + column - 1;
  const at = offset(finding.location!.line, finding.location!.column);
  const statement = parseScript('example.sql', sql, { all: true })
    .statements.filter((st) => offset(st.span.line, st.span.column) <= at)
    .pop();
  expect(statement, `${finding.ruleId}: a fix belongs to a statement`).toBeDefined();
  const start = offset(statement!.span.line, statement!.span.column);
  const end = start + statement!.text.length;
  return `${sql.slice(0, start)}${finding.fix!.sql}${sql.slice(sql[end] === ';' ? end + 1 : end)}`;
}

describe('migration rule registry', () => {
  it('has one file per rule, named after its id', () => {
    const files = readdirSync(path.join(root, 'src/lint/migration-rules')).filter((f) => f !== 'index.ts').map((f) => f.replace(/\.ts$/, ''));
    expect(MIGRATION_RULES.map((r) => r.id).sort()).toEqual(files.sort());
    for (const r of MIGRATION_RULES) expect(r.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('documents every rule: examples both ways, a rationale naming the lock, current docs and README table', () => {
    for (const r of MIGRATION_RULES) {
      expect(r.meta.category, r.id).toBe('migrations');
      expect(r.meta.invalid.length, `${r.id} has invalid examples`).toBeGreaterThan(0);
      expect(r.meta.valid.length, `${r.id} has valid examples`).toBeGreaterThan(0);
      expect(r.meta.rationale.length, r.id).toBeGreaterThan(200);
      expect(r.meta.rationale, `${r.id} names the lock it is about`).toMatch(/ACCESS EXCLUSIVE|SHARE|lock|transaction/i);
      expect(readFileSync(path.join(root, 'docs/rules', `${r.id}.md`), 'utf8'), `docs/rules/${r.id}.md is stale: npm run docs`).toBe(ruleDoc(r));
    }
    expect(readFileSync(path.join(root, 'README.md'), 'utf8')).toContain(`<!-- migration-rules:start -->\n${migrationRulesTable(MIGRATION_RULES)}\n<!-- migration-rules:end -->`);
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
      expect(f.category).toBe('migrations');
    }
  });

  it.each(rule.meta.invalid.map((e, i) => [i + 1, e] as const))('has fixes that, put in place of their statement, build the same schema and clear the finding (invalid example %i)', async (_, example) => {
    const input = exampleInput(example);
    const { findings } = await lintMigrations({ ...input, rules: [rule] });
    const schema = async (sql: string) => stripSpans((await loadStatic([...input.previous, { file: 'example.sql', sql }])).database);
    for (const finding of findings.filter((f) => f.fix)) {
      const fixed = withFix(input.files[0].sql, finding);
      expect(() => parseScript('example.sql', fixed, { all: true }), fixed).not.toThrow();
      // A safe rewrite changes how the migration runs, not what it builds; a fix that leaves
      // steps for later migrations (its `--` lines say which) builds only the first part.
      if (!/^\s*--/m.test(finding.fix!.sql)) expect(await schema(fixed), fixed).toEqual(await schema(input.files[0].sql));
      const after = await lintMigrations({ ...input, files: [{ file: 'example.sql', sql: fixed }], rules: [rule] });
      expect(after.findings.length, fixed).toBeLessThan(findings.length);
    }
  });

  it.each(rule.meta.valid.map((e, i) => [i + 1, e] as const))('accepts valid example %i', async (_, example) => {
    const { findings } = await lintMigrations({ ...exampleInput(example), rules: [rule] });
    expect(findings).toEqual([]);
  });
});
