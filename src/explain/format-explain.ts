import { significantCount } from '../report/compact-count.js';
import type { ExplainedQuery, PlanNode } from './explain-query.js';
import { dominantNodes, nodeLabel, planWarnings, type DominantNode, type PlanWarning } from './plan-warnings.js';

/** An explained query with what to look at: the warnings and the dominant nodes. */
export interface ExplainReport {
  explained: ExplainedQuery;
  warnings: PlanWarning[];
  dominant: DominantNode[];
}

export function reportQueries(explained: ExplainedQuery[], sizes: Map<string, number>, largeRows?: number): ExplainReport[] {
  return explained.map((e) => ({ explained: e, warnings: e.plan ? planWarnings(e.plan, sizes, { largeRows }) : [], dominant: e.plan ? dominantNodes(e.plan) : [] }));
}

const DETAILS = ['Index Cond', 'Recheck Cond', 'Hash Cond', 'Merge Cond', 'Join Filter', 'Filter', 'Rows Removed by Filter', 'Sort Key', 'Sort Method', 'Group Key', 'Cache Key', 'Heap Fetches'];

const rows = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));


/**
 * The plan as a tree: each node with its cost and rows, and with ANALYZE the actual rows, loops
 * and time. `rounded`: estimates to three significant digits, for a report that must read the
 * same from one run to the next (an estimate against now() moves with the clock).
 */
export function planTree(root: PlanNode, options: { rounded?: boolean } = {}): string {
  const cost = (n: number) => (options.rounded ? significantCount(n) : n.toFixed(2));
  const estimate = (n: number) => (options.rounded ? significantCount(n) : String(n));
  const lines: string[] = [];
  const visit = (node: PlanNode, prefix: string, last: boolean, top: boolean) => {
    const branch = top ? '' : last ? '└─ ' : '├─ ';
    const actual = node['Actual Rows'] !== undefined ? `  actual rows=${rows(node['Actual Rows'])} loops=${node['Actual Loops']} time=${(node['Actual Total Time'] ?? 0).toFixed(3)} ms` : '';
    const relationship = node['Parent Relationship'] === 'InitPlan' || node['Parent Relationship'] === 'SubPlan' ? `${node['Parent Relationship']}: ` : '';
    lines.push(`${prefix}${branch}${relationship}${nodeLabel(node)}  (cost=${cost(node['Startup Cost'])}..${cost(node['Total Cost'])} rows=${estimate(node['Plan Rows'])})${actual}`);
    const inner = top ? '' : prefix + (last ? '   ' : '│  ');
    for (const key of DETAILS) {
      const value = node[key];
      if (value === undefined || value === null || (Array.isArray(value) && !value.length)) continue;
      lines.push(`${inner}${node.Plans?.length ? '│  ' : '   '}${key}: ${Array.isArray(value) ? value.join(', ') : String(value)}`);
    }
    const children = node.Plans ?? [];
    children.forEach((child, i) => visit(child, inner, i === children.length - 1, false));
  };
  visit(root, '', true, true);
  return lines.join('\n');
}

function header(r: ExplainReport): string {
  const e = r.explained;
  const how = [e.analyzed ? 'ANALYZE' : 'estimated', e.generic ? 'generic plan' : '', e.query.weight !== 1 ? `weight ${e.query.weight}` : ''].filter(Boolean).join(', ');
  return `${e.query.name} (${e.query.span.file}:${e.query.span.line}; ${how})`;
}

function timing(e: ExplainedQuery): string {
  return [e.planningMs !== undefined ? `planning ${e.planningMs.toFixed(3)} ms` : '', e.executionMs !== undefined ? `execution ${e.executionMs.toFixed(3)} ms` : ''].filter(Boolean).join(', ');
}

export function formatExplainText(reports: ExplainReport[]): string {
  const blocks = reports.map((r) => {
    const e = r.explained;
    if (!e.plan) return `${header(r)}\n  error: ${e.error}`;
    const lines = [header(r), ...planTree(e.plan).split('\n').map((l) => `  ${l}`)];
    const t = timing(e);
    if (t) lines.push(`  ${t}`);
    for (const d of r.dominant) lines.push(`  dominant: ${d.node} (${Math.round(d.share * 100)} % of the ${d.by})`);
    for (const w of r.warnings) lines.push(`  warning ${w.kind}: ${w.node} ${w.message}`);
    return lines.join('\n');
  });
  const warnings = reports.reduce((n, r) => n + r.warnings.length, 0);
  const failed = reports.filter((r) => r.explained.error).length;
  return `${blocks.join('\n\n')}\n\n${reports.length} ${reports.length === 1 ? 'query' : 'queries'} explained, ${warnings} warning${warnings === 1 ? '' : 's'}${failed ? `, ${failed} failed` : ''}\n`;
}

/** The "query examples with EXPLAIN" section of a design report. */
export function formatExplainMarkdown(reports: ExplainReport[], title = 'Query examples with EXPLAIN'): string {
  const out = [`## ${title}`, ''];
  for (const r of reports) {
    const e = r.explained;
    out.push(`### ${e.query.name}`, '', '```sql', e.query.sql, '```', '');
    if (!e.plan) {
      out.push(`**Error:** ${e.error}`, '');
      continue;
    }
    out.push(`${e.analyzed ? 'EXPLAIN ANALYZE' : 'EXPLAIN'}${e.generic ? ' (generic plan)' : ''}${timing(e) ? `: ${timing(e)}` : ''}`, '', '```text', planTree(e.plan), '```', '');
    for (const d of r.dominant) out.push(`- Dominant: \`${d.node}\`, ${Math.round(d.share * 100)} % of the ${d.by}.`);
    for (const w of r.warnings) out.push(`- **${w.kind}**: \`${w.node}\` ${w.message}.`);
    if (r.dominant.length || r.warnings.length) out.push('');
  }
  return `${out.join('\n').trimEnd()}\n`;
}

export function formatExplainJson(reports: ExplainReport[]): string {
  return `${JSON.stringify(
    reports.map((r) => ({ name: r.explained.query.name, sql: r.explained.query.sql, weight: r.explained.query.weight, location: r.explained.query.span, analyzed: r.explained.analyzed, generic: r.explained.generic, planningMs: r.explained.planningMs, executionMs: r.explained.executionMs, error: r.explained.error, warnings: r.warnings, dominant: r.dominant, plan: r.explained.plan })),
    null,
    2,
  )}\n`;
}
