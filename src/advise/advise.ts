import type { Engine } from '../engine/engine.js';
import type { ExplainedQuery, PlanNode } from '../explain/explain-query.js';
import { nodeLabel } from '../explain/plan-warnings.js';
import type { WorkloadQuery } from '../explain/read-queries.js';
import { covers, describeShape, dropIndexSql, duplicateGroups, indexShapes, redundantIndexes, type IndexShape } from '../lint/index-compare.js';
import { createIndexSql } from '../lint/create-index-sql.js';
import { tablesOf } from '../lint/model-walk.js';
import type { Database } from '../model/types.js';
import { candidateDefinition, candidateShape, type CandidateIndex } from './candidate-index.js';
import { generateCandidates, type CandidateOptions } from './generate-candidates.js';
import { nameCandidate } from './name-candidate.js';
import { shapeQueries, type QueryShape } from './query-shape.js';
import { planCost, selectIndexes, weightedTotal, type SelectionOptions } from './select-indexes.js';
import { readTableStatistics } from './table-statistics.js';
import { candidateName, type WhatIf } from './what-if.js';
import { writePenalties, type WriteOptions } from './write-penalty.js';

export interface AdviseOptions extends SelectionOptions, WriteOptions, CandidateOptions {
  /** The naming pattern of recommended indexes: `idx_{table}_{columns}`. */
  namePattern?: string;
}

/** A query an index serves: its cost without and with the recommended set, and the node that reads the index. */
export interface ServedQuery {
  query: WorkloadQuery;
  before: number;
  after: number;
  node: string;
}

export interface RecommendedIndex {
  candidate: CandidateIndex;
  name: string;
  schema: string;
  table: string;
  /** `(customer_id, placed_at DESC) INCLUDE (total)`: what follows `ON table`. */
  definition: string;
  /** CREATE INDEX CONCURRENTLY (per partition and attached, on a partitioned table). */
  sql: string;
  bytes: number;
  /** Its write cost in the workload's weighted cost units. */
  penalty: number;
  serves: ServedQuery[];
}

export interface IndexToDrop {
  schema: string;
  table: string;
  name: string;
  kind: 'duplicate' | 'redundant' | 'unused';
  reason: string;
  sql: string;
}

export interface Advice {
  queries: WorkloadQuery[];
  shapes: QueryShape[];
  candidates: CandidateIndex[];
  /** Candidates PostgreSQL (or HypoPG) would not build, with its reason. */
  refused: { candidate: CandidateIndex; reason: string }[];
  baseline: ExplainedQuery[];
  /** Plans with the recommended indexes (named as recommended). */
  final: ExplainedQuery[];
  recommended: RecommendedIndex[];
  drops: IndexToDrop[];
  totals: { before: number; after: number; penalty: number; bytes: number };
  whatIf: WhatIf['kind'];
  evaluations: number;
  /** Milliseconds: in all, building (or declaring) the candidates, and selecting. */
  ms: number;
  buildMs: number;
  selectMs: number;
}

/**
 * Index advice for a workload on a database whose tables hold the data (seeded, or live with
 * HypoPG): shapes → candidates → what-if plans → greedy selection net of write cost → names,
 * the queries each index serves, and the existing indexes to drop.
 */
export async function advise(engine: Engine, db: Database, queries: WorkloadQuery[], whatIf: WhatIf, options: AdviseOptions = {}): Promise<Advice> {
  const started = performance.now();
  const say = options.onProgress ?? (() => undefined);
  const shapes = shapeQueries(db, queries);
  const stats = await readTableStatistics(engine);
  const all = generateCandidates(db, shapes, stats, options);
  say(`building ${all.length} candidate indexes…`);
  const building = performance.now();
  const failed = await whatIf.prepare(all, (done, total) => say(`candidate indexes ${done}/${total}`));
  const candidates = all.filter((c) => !failed.has(c.id));
  say('planning the workload as it is…');
  const baseline = await whatIf.explain(queries, []);
  const buildMs = performance.now() - building;
  const selecting = performance.now();
  const penalty = writePenalties(db, candidates, shapes, baseline, stats, options);
  const selection = await selectIndexes({ queries, shapes, candidates, whatIf, penalty, baseline }, options);

  const selectMs = performance.now() - selecting;
  const taken = new Set<string>();
  const recommended: RecommendedIndex[] = selection.chosen.map((c) => {
    const name = nameCandidate(db, c, taken, options.namePattern);
    const ref = tablesOf(db, { partitions: true }).find((t) => t.schema.name === c.schema && t.table.name === c.table)!;
    return { candidate: c, name, schema: c.schema, table: c.table, definition: candidateDefinition(c), sql: createIndexSql(db, ref, name, candidateDefinition(c, { where: false }), { where: c.where }), bytes: whatIf.bytes(c), penalty: penalty.get(c.id) ?? 0, serves: [] };
  });
  // A plan on a partitioned table reads its partitions' indexes: named as their parent here.
  const roots = await partitionIndexRoots(engine);
  for (const e of [...baseline, ...selection.final]) if (e.plan) renameIndexes(e.plan, roots);
  const names = new Map(recommended.map((r) => [candidateName(r.candidate), r]));
  selection.final.forEach((e, i) => {
    if (!e.plan) return;
    for (const node of nodesUsing(e.plan, names)) {
      const r = names.get(node['Index Name'] as string)!;
      node['Index Name'] = r.name;
      const before = planCost(baseline[i]) ?? 0;
      const after = planCost(e) ?? 0;
      // A plan may read an index and cost no less for it (it was as cheap without): not served.
      if (r.serves.some((s) => s.query === queries[i]) || after >= before * 0.995) continue;
      r.serves.push({ query: queries[i], before, after, node: nodeLabel(node) });
    }
  });
  for (const r of recommended) r.serves.sort((a, b) => b.query.weight * (b.before - b.after) - a.query.weight * (a.before - a.after));

  return {
    queries,
    shapes,
    candidates: all,
    refused: all.filter((c) => failed.has(c.id)).map((c) => ({ candidate: c, reason: failed.get(c.id)! })),
    baseline,
    final: selection.final,
    recommended,
    drops: indexesToDrop(db, shapes, selection.final, recommended),
    totals: { before: weightedTotal(queries, baseline), after: weightedTotal(queries, selection.final), penalty: recommended.reduce((s, r) => s + r.penalty, 0), bytes: recommended.reduce((s, r) => s + r.bytes, 0) },
    whatIf: whatIf.kind,
    evaluations: selection.evaluations,
    ms: performance.now() - started,
    buildMs,
    selectMs,
  };
}

/** Each partition's index → the index of the partitioned table at the top of its tree, by name. */
async function partitionIndexRoots(engine: Engine): Promise<Map<string, string>> {
  const rows = await engine.query<{ child: string; root: string }>(
    `WITH RECURSIVE up AS (
       SELECT i.inhrelid AS child, i.inhparent AS parent FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE c.relkind = 'i'
       UNION ALL
       SELECT up.child, i.inhparent FROM up JOIN pg_inherits i ON i.inhrelid = up.parent)
     SELECT c.relname AS child, p.relname AS root FROM up JOIN pg_class c ON c.oid = up.child JOIN pg_class p ON p.oid = up.parent
     WHERE NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = up.parent)`,
  );
  return new Map(rows.map((r) => [r.child, r.root]));
}

function renameIndexes(node: PlanNode, roots: Map<string, string>): void {
  if (typeof node['Index Name'] === 'string' && roots.has(node['Index Name'])) node['Index Name'] = roots.get(node['Index Name']);
  for (const c of node.Plans ?? []) renameIndexes(c, roots);
}

function nodesUsing(root: PlanNode, names: Map<string, unknown>): PlanNode[] {
  const out: PlanNode[] = [];
  const walk = (n: PlanNode) => {
    if (typeof n['Index Name'] === 'string' && names.has(n['Index Name'])) out.push(n);
    for (const c of n.Plans ?? []) walk(c);
  };
  walk(root);
  return out;
}

/**
 * Existing indexes the advice would drop: duplicates and btrees another index covers (the
 * review's duplicate-index and redundant-index logic), those a recommended index covers, and
 * those no query of the workload uses on a table it reads. Indexes behind a constraint are
 * never proposed: they enforce something.
 */
function indexesToDrop(db: Database, shapes: QueryShape[], final: ExplainedQuery[], recommended: RecommendedIndex[]): IndexToDrop[] {
  const used = new Set<string>();
  for (const e of final) if (e.plan) collectIndexNames(e.plan, used);
  const read = new Set(shapes.flatMap((s) => s.accesses.map((a) => `${a.schema}.${a.table}`)));
  const out: IndexToDrop[] = [];
  for (const t of tablesOf(db)) {
    const shapesHere = indexShapes(t.table);
    const drop = (shape: IndexShape, kind: IndexToDrop['kind'], reason: string) => {
      if (shape.constraint || out.some((d) => d.schema === t.schema.name && d.name === shape.name)) return;
      out.push({ schema: t.schema.name, table: t.table.name, name: shape.name, kind, reason, sql: dropIndexSql(t, shape.name) });
    };
    for (const group of duplicateGroups(shapesHere)) for (const dup of group.slice(1)) drop(dup, 'duplicate', `same definition as ${group[0].name} ${describeShape(group[0])}`);
    for (const { index, coveredBy } of redundantIndexes(shapesHere)) drop(index, 'redundant', `${coveredBy.name} ${describeShape(coveredBy)} serves every query it does`);
    for (const r of recommended.filter((x) => x.schema === t.schema.name && x.table === t.table.name)) {
      const shape = candidateShape(r.candidate, r.name);
      for (const e of shapesHere) if (covers(shape, e)) drop(e, 'redundant', `the recommended ${r.name} ${r.definition} serves every query it does`);
    }
    if (!read.has(t.name)) continue;
    for (const e of shapesHere) {
      if (e.unique || e.constraint || used.has(e.name)) continue;
      const scans = t.table.indexes.find((ix) => ix.name === e.name)?.stats?.scans;
      drop(e, 'unused', `no query of the workload uses it${scans !== undefined ? ` (${scans} scans since the statistics were reset)` : ''}`);
    }
  }
  return out;
}

function collectIndexNames(node: PlanNode, into: Set<string>): void {
  if (typeof node['Index Name'] === 'string') into.add(node['Index Name']);
  for (const c of node.Plans ?? []) collectIndexNames(c, into);
}
