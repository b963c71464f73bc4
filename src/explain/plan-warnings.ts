import { compactCount as count } from '../report/compact-count.js';
import type { PlanNode } from './explain-query.js';

export type PlanWarningKind = 'seq-scan-large-table' | 'spills-to-disk' | 'rows-misestimated' | 'nested-loop-large' | 'filter-discards-most';

export interface PlanWarning {
  kind: PlanWarningKind;
  /** The node, as the plan tree shows it. */
  node: string;
  message: string;
}

export interface DominantNode {
  node: string;
  /** Its own share of the query's time (ANALYZE) or cost, children excluded. */
  share: number;
  by: 'time' | 'cost';
}

export interface WarningOptions {
  /** A table at least this large is large: 10 000 rows. */
  largeRows?: number;
}

/** `Index Scan using idx on orders o`: how a node reads in a tree. */
export function nodeLabel(node: PlanNode): string {
  const parts = [`${node['Parallel Aware'] ? 'Parallel ' : ''}${node['Node Type']}`];
  if (node['Index Name']) parts.push(`using ${node['Index Name']}`);
  if (node['Relation Name']) parts.push(`on ${node.Schema && node.Schema !== 'public' ? `${node.Schema}.` : ''}${node['Relation Name']}${node.Alias && node.Alias !== node['Relation Name'] ? ` ${node.Alias}` : ''}`);
  return parts.join(' ');
}

/** Visits every node, telling whether a Limit above it may have stopped it early. */
const walk = (node: PlanNode, visit: (n: PlanNode, limited: boolean) => void, limited = false): void => {
  visit(node, limited);
  for (const child of node.Plans ?? []) walk(child, visit, limited || node['Node Type'] === 'Limit');
};

/**
 * What a reader of the plan should look at first: a sequential scan of a large table, a sort or
 * hash that spilled to disk, a row estimate off by 10× or more, a nested loop over large inputs
 * scanning its inner side each time, a filter that throws away most of what it read.
 */
export function planWarnings(root: PlanNode, sizes: Map<string, number>, options: WarningOptions = {}): PlanWarning[] {
  const large = options.largeRows ?? 10_000;
  const out: PlanWarning[] = [];
  walk(root, (node, limited) => {
    const label = nodeLabel(node);
    // A node that never ran (the other branch of a join that stopped early) says nothing.
    if (node['Actual Loops'] === 0) return;
    // A parallel node's loops are its workers, each reading its share: not repeated scans.
    const loops = node['Parallel Aware'] ? 1 : (node['Actual Loops'] ?? 1);
    const actual = node['Actual Rows'];
    if (node['Node Type'] === 'Seq Scan' && node['Relation Name']) {
      const rows = sizes.get(`${node.Schema ?? 'public'}.${node['Relation Name']}`) ?? 0;
      if (rows >= large) {
        const filter = typeof node.Filter === 'string' ? ` to keep the rows where ${node.Filter}` : '';
        out.push({ kind: 'seq-scan-large-table', node: label, message: `reads all ${count(rows)} rows of ${node['Relation Name']}${filter}${loops > 1 ? `, ${count(loops)} times` : ''}` });
      }
    }
    const sortDisk = node['Sort Space Type'] === 'Disk' || /external/i.test(String(node['Sort Method'] ?? ''));
    const hashBatches = Number(node['Hash Batches'] ?? node['HashAgg Batches'] ?? 1);
    if (sortDisk || hashBatches > 1 || Number(node['Disk Usage'] ?? 0) > 0) {
      const what = sortDisk ? `sort spilled ${node['Sort Space Used'] ?? '?'} kB to disk (${node['Sort Method']})` : `hash used ${hashBatches} batches on disk`;
      out.push({ kind: 'spills-to-disk', node: label, message: `${what}: work_mem is too small for it, or the input is larger than planned` });
    }
    if (actual !== undefined) {
      const planned = node['Plan Rows'];
      const ratio = Math.max(actual, 1) / Math.max(planned, 1);
      // Under a Limit, fewer rows than planned is the Limit stopping the node, not a misestimate.
      if ((ratio >= 10 || (ratio <= 0.1 && !limited)) && Math.max(actual, planned) >= 100) {
        out.push({ kind: 'rows-misestimated', node: label, message: `planned ${count(planned)} rows, got ${count(actual)}${loops > 1 ? ' per loop' : ''} (${ratio >= 1 ? `${Math.round(ratio)}× more` : `${Math.round(1 / ratio)}× fewer`}): stale statistics, correlated columns, or a value the planner cannot see` });
      }
      // Both counts are per loop (per worker in a parallel node).
      const removed = Number(node['Rows Removed by Filter'] ?? 0);
      const total = removed * (node['Actual Loops'] ?? 1);
      if (total >= 1000 && removed >= 9 * actual) {
        const kept = actual / (actual + removed);
        out.push({ kind: 'filter-discards-most', node: label, message: `its filter discards ${(100 * (1 - kept)).toFixed(1)} % of the rows it reads (${count(total)} removed${(node['Actual Loops'] ?? 1) > 1 ? ' in all loops' : ''}): an index on what the filter tests would read only the rows kept` });
      }
    }
    if (node['Node Type'] === 'Nested Loop' && node.Plans?.length === 2) {
      const [outer, inner] = node.Plans;
      const outerRows = outer['Actual Rows'] !== undefined ? outer['Actual Rows'] * (outer['Actual Loops'] ?? 1) : outer['Plan Rows'];
      // An index lookup per outer row is what a nested loop is for; a scan per outer row is not.
      const scansInner = !/Index|Bitmap|Memoize/.test(inner['Node Type']);
      const innerRows = inner['Plan Rows'];
      if (outerRows >= 1000 && scansInner && innerRows >= 100) {
        out.push({ kind: 'nested-loop-large', node: label, message: `for each of ${count(outerRows)} outer rows, ${nodeLabel(inner)} runs again over about ${count(innerRows)} rows: a hash join, or an index on the join key, would not` });
      }
    }
  });
  return out;
}

/** The nodes that take most of the query: own time (ANALYZE) or own cost, children excluded; those at 20 % or more. */
export function dominantNodes(root: PlanNode): DominantNode[] {
  const byTime = root['Actual Total Time'] !== undefined;
  const own: { node: string; value: number }[] = [];
  walk(root, (node) => {
    // A node's time (per loop × loops) and cost include its children's, InitPlans and SubPlans too.
    const total = (n: PlanNode) => (byTime ? (n['Actual Total Time'] ?? 0) * (n['Actual Loops'] ?? 1) : n['Total Cost']);
    const children = (node.Plans ?? []).reduce((sum, c, i) => {
      // A nested loop's inner side costs its Total Cost once per outer row (estimates have no loops).
      const times = !byTime && node['Node Type'] === 'Nested Loop' && i === 1 ? Math.max(node.Plans![0]['Plan Rows'], 1) : 1;
      return sum + total(c) * times;
    }, 0);
    own.push({ node: nodeLabel(node), value: Math.max(0, total(node) - children) });
  });
  const sum = own.reduce((s, x) => s + x.value, 0);
  if (sum <= 0) return [];
  return own
    .map((x) => ({ node: x.node, share: x.value / sum, by: byTime ? ('time' as const) : ('cost' as const) }))
    .filter((x) => x.share >= 0.2)
    .sort((a, b) => b.share - a.share)
    .slice(0, 3);
}
