import type pc from 'picocolors';
import type { Finding } from '../lint/types.js';

export interface ReportSummary {
  suppressed: number;
  baselined: number;
  skippedLive: string[];
  /** The command reporting (default `review`): titles and hints name its own options. */
  command?: 'review' | 'migrate lint';
}

type Colors = ReturnType<typeof pc.createColors>;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Groups: findings with a location by file, the others by their table (or object). */
function groups(findings: Finding[]): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = f.location?.file ?? f.table ?? f.object;
    out.set(key, [...(out.get(key) ?? []), f]);
  }
  return out;
}

/** eslint-like text: a header per file (or table), one line per finding with its help under it. */
export function formatText(findings: Finding[], summary: ReportSummary, c: Colors): string {
  const lines: string[] = [];
  const sev = (f: Finding) => (f.severity === 'error' ? c.red('error  ') : f.severity === 'warning' ? c.yellow('warning') : c.blue('info   '));
  for (const [group, items] of groups(findings)) {
    lines.push(c.underline(group));
    const where = items.map((f) => (f.location ? `${f.location.line}:${f.location.column}` : ''));
    const width = Math.max(...where.map((w) => w.length));
    items.forEach((f, i) => {
      lines.push(`  ${c.dim(where[i].padEnd(width))}  ${sev(f)}  ${f.message}  ${c.dim(f.ruleId)}`);
      const indent = ' '.repeat(width + 13);
      const object = f.location ? `${f.object} · ` : '';
      lines.push(`${indent}${c.dim(`${object}${f.help}`)}`);
    });
    lines.push('');
  }
  const counts = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.severity]++;
  const fixable = findings.filter((f) => f.fix).length;
  const parts = [plural(counts.error, 'error'), plural(counts.warning, 'warning'), `${counts.info} info`];
  const extra: string[] = [];
  if (fixable) extra.push(`${fixable} with a fix${summary.command === 'migrate lint' ? ' (the safe rewrite, in --format json)' : ' (--fix-sql writes them)'}`);
  if (summary.suppressed) extra.push(`${summary.suppressed} ignored by comments or config`);
  if (summary.baselined) extra.push(`${summary.baselined} in the baseline`);
  const head = findings.length ? (counts.error ? c.red : counts.warning ? c.yellow : c.blue)(`✖ ${plural(findings.length, 'finding')}`) : c.green('✔ no findings');
  lines.push(`${head} (${parts.join(', ')})${extra.length ? ` · ${extra.join(' · ')}` : ''}`);
  if (summary.skippedLive.length) lines.push(c.dim(`${plural(summary.skippedLive.length, 'rule')} need a live database (postgres:// URL) and did not run: ${summary.skippedLive.join(', ')}`));
  return lines.join('\n') + '\n';
}
