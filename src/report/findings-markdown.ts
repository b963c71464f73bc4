import type { Finding } from '../lint/types.js';
import type { ReportSummary } from './findings-text.js';

// Names come from the schema: `<img>` must not become HTML in a pull request, nor `|` a new cell.
const cell = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/\n/g, ' ');
/** A code span that holds backticks: fenced with one more backtick than the longest run inside. */
const code = (s: string) => {
  const fence = '`'.repeat(Math.max(0, ...(s.match(/`+/g) ?? []).map((r) => r.length)) + 1);
  return `${fence}${fence.length > 1 ? ' ' : ''}${cell(s)}${fence.length > 1 ? ' ' : ''}${fence}`;
};
const ICON = { error: '🔴 error', warning: '🟠 warning', info: '🔵 info' } as const;

/** A report for a pull request or a design document: a table, then the fixes in one SQL block. */
export function formatMarkdown(findings: Finding[], summary: ReportSummary): string {
  const count = (s: Finding['severity']) => findings.filter((f) => f.severity === s).length;
  const lines = [`## schemawise ${summary.command ?? 'review'}`, ''];
  if (!findings.length) lines.push('No findings.', '');
  else {
    lines.push(`${count('error')} errors, ${count('warning')} warnings, ${count('info')} info.`, '');
    lines.push('| severity | rule | where | object | finding |', '|---|---|---|---|---|');
    for (const f of findings) {
      const where = f.location ? code(`${f.location.file}:${f.location.line}`) : '';
      lines.push(`| ${ICON[f.severity]} | [\`${f.ruleId}\`](docs/rules/${f.ruleId}.md) | ${where} | ${code(f.object)} | ${cell(f.message)}. ${cell(f.help)} |`);
    }
    lines.push('');
    const fixes = findings.filter((f) => f.fix);
    if (fixes.length) {
      lines.push(`<details><summary>SQL for the ${fixes.length} fixable findings</summary>`, '', '```sql');
      for (const f of fixes) lines.push(`-- ${f.ruleId}: ${f.fix!.title}`, f.fix!.sql, '');
      lines.push('```', '', '</details>', '');
    }
  }
  const notes: string[] = [];
  if (summary.suppressed) notes.push(`${summary.suppressed} findings ignored by comments or config`);
  if (summary.baselined) notes.push(`${summary.baselined} in the baseline`);
  if (summary.skippedLive.length) notes.push(`live-database rules not run: ${summary.skippedLive.map((r) => `\`${r}\``).join(', ')}`);
  if (notes.length) lines.push(`_${notes.join('; ')}._`, '');
  return lines.join('\n');
}
