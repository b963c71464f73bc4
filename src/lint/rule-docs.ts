import type { Rule } from './types.js';

const FLAG = /[ \t]*-- flagged$/gm;

/** An example as the docs show it: the `-- flagged` markers are for the tests, a `-- ⚠` for people. */
const shown = (sql: string) => sql.replace(FLAG, ' -- ⚠');

/** `docs/rules/<id>.md`, generated from the rule's meta (`npm run docs`). */
export function ruleDoc(rule: Rule<any>): string {
  const m = rule.meta;
  const lines = [
    `# ${rule.id}`,
    '',
    `**Category:** ${m.category} · **Default severity:** ${m.severity}${m.live ? ' · **Needs a live database** (statistics or settings; skipped on files)' : ''}`,
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
  for (const sql of m.invalid) lines.push('```sql', shown(sql), '```', '');
  lines.push('## Not reported', '');
  for (const sql of m.valid) lines.push('```sql', sql, '```', '');
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
