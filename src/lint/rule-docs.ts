import { splitExample } from './migration-example.js';
import type { MigrationExample, MigrationRule } from './migration-types.js';
import type { Rule } from './types.js';

const FLAG = /[ \t]*-- flagged$/gm;

/** An example as the docs show it: the `-- flagged` markers are for the tests, a `-- ⚠` for people. */
const shown = (sql: string) => sql.replace(FLAG, ' -- ⚠');

const isMigrationRule = (rule: Rule<any> | MigrationRule<any>): rule is MigrationRule<any> => rule.meta.category === 'migrations';

/**
 * A migration example as the docs show it: the earlier migrations (above `---`) apart from the
 * migration linted, and the version or transaction setting it assumes when it says so.
 */
function migrationExample(example: MigrationExample): string[] {
  const { sql, pgVersion, transactional } = typeof example === 'string' ? { sql: example, pgVersion: undefined, transactional: undefined } : example;
  const { previous, linted } = splitExample(sql);
  const context = [
    ...(pgVersion !== undefined ? [`PostgreSQL ${pgVersion}`] : []),
    ...(transactional === false ? ['the migration runs outside a transaction (statement by statement)'] : []),
  ];
  return [
    ...(context.length ? [`_${context.join('; ')}:_`, ''] : []),
    '```sql',
    ...(previous !== undefined ? ['-- earlier migrations', shown(previous.trimEnd()), '', '-- this migration'] : []),
    shown(linted),
    '```',
    '',
  ];
}

/** `docs/rules/<id>.md`, generated from the rule's meta (`npm run docs`). */
export function ruleDoc(rule: Rule<any> | MigrationRule<any>): string {
  const m = rule.meta;
  const migration = isMigrationRule(rule);
  const live = !migration && rule.meta.live;
  const lines = [
    `# ${rule.id}`,
    '',
    `**Category:** ${m.category} · **Default severity:** ${m.severity}${live ? ' · **Needs a live database** (statistics or settings; skipped on files)' : ''}${migration ? ' · **Checked by** `schemawise migrate lint`' : ''}`,
    '',
    m.description,
    '',
    '## Why',
    '',
    m.rationale,
    '',
  ];
  const options = Object.entries(m.options ?? {});
  if (options.length) {
    lines.push('## Options', '', '| option | default | meaning |', '|---|---|---|');
    for (const [name, value] of options) {
      const choices = (m.optionChoices as Record<string, readonly string[]> | undefined)?.[name];
      const meaning = (m.optionDocs as Record<string, string> | undefined)?.[name] ?? '';
      lines.push(`| \`${name}\` | \`${JSON.stringify(value)}\` | ${meaning}${choices ? ` (one of ${choices.map((c) => `\`${c}\``).join(', ')})` : ''} |`);
    }
    lines.push('');
  }
  lines.push('## Reported', '');
  if (migration) {
    for (const example of rule.meta.invalid) lines.push(...migrationExample(example));
    lines.push('## Not reported', '');
    for (const example of rule.meta.valid) lines.push(...migrationExample(example));
  } else {
    for (const sql of rule.meta.invalid) lines.push('```sql', shown(sql), '```', '');
    lines.push('## Not reported', '');
    for (const sql of rule.meta.valid) lines.push('```sql', sql, '```', '');
  }
  lines.push(
    '## Turning it off',
    '',
    'In `schemawise.config.json`: `{ "rules": { "' + rule.id + '": "off" } }`; for one statement, put',
    '`-- schemawise-ignore ' + rule.id + '` on the line before it.',
    '',
  );
  return lines.join('\n');
}

/** The README's table of rules. */
export function rulesTable(rules: readonly Rule<any>[]): string {
  const rows = ['| rule | category | severity | checks |', '|---|---|---|---|'];
  for (const r of rules) rows.push(`| [\`${r.id}\`](docs/rules/${r.id}.md) | ${r.meta.category} | ${r.meta.severity}${r.meta.live ? ' (live)' : ''} | ${r.meta.description.replace(/\|/g, '\\|')} |`);
  return rows.join('\n');
}

/** The README's table of `migrate lint` rules. */
export function migrationRulesTable(rules: readonly MigrationRule<any>[]): string {
  const rows = ['| rule | severity | flags |', '|---|---|---|'];
  for (const r of rules) rows.push(`| [\`${r.id}\`](docs/rules/${r.id}.md) | ${r.meta.severity} | ${r.meta.description.replace(/\|/g, '\\|')} |`);
  return rows.join('\n');
}
