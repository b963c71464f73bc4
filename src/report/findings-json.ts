import type { Finding } from '../lint/types.js';
import type { ReportSummary } from './findings-text.js';

/** The machine-readable report: every finding whole, and the counts. */
export function formatJson(findings: Finding[], summary: ReportSummary): string {
  const count = (s: Finding['severity']) => findings.filter((f) => f.severity === s).length;
  return `${JSON.stringify(
    {
      version: 1,
      findings,
      summary: { errors: count('error'), warnings: count('warning'), infos: count('info'), fixable: findings.filter((f) => f.fix).length, ...summary },
    },
    null,
    2,
  )}\n`;
}
