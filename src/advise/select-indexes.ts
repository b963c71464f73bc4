import type { ExplainedQuery } from '../explain/explain-query.js';
import type { WorkloadQuery } from '../explain/read-queries.js';
import type { CandidateIndex } from './candidate-index.js';
import type { QueryShape } from './query-shape.js';
import type { WhatIf } from './what-if.js';

export interface SelectionOptions {
  maxIndexes?: number;
  /** Bytes the chosen indexes may take in all. */
  budgetBytes?: number;
  /** A candidate must lower the workload's cost by at least this share of its starting cost: 0.001. */
  minShare?: number;
  onProgress?: (message: string) => void;
}

export interface SelectionInput {
  queries: WorkloadQuery[];
  shapes: QueryShape[];
  candidates: CandidateIndex[];
  whatIf: WhatIf;
  /** Write cost of each candidate, in the queries' cost units × weights. */
  penalty: Map<number, number>;
  /** Plans with the database's own indexes only. */
  baseline: ExplainedQuery[];
}

export interface SelectionStep {
  candidate: CandidateIndex;
  /** Weighted cost it saved when chosen, minus its write penalty. */
  gain: number;
}

export interface Selection {
  chosen: CandidateIndex[];
  steps: SelectionStep[];
  /** Chosen, then dropped: the final set plans as well without them. */
  pruned: CandidateIndex[];
  /** Plans with the chosen indexes. */
  final: ExplainedQuery[];
  /** Configurations planned (each over the queries a candidate can change). */
  evaluations: number;
}

/** The plan's total cost, or undefined when it failed. */
export const planCost = (e: ExplainedQuery | undefined) => e?.plan?.['Total Cost'];

/** The workload positions of the queries that read or write each table (`schema.table`). */
export function queriesByTable(shapes: QueryShape[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  shapes.forEach((s, i) => {
    const tables = new Set([...s.accesses.map((a) => `${a.schema}.${a.table}`), ...(s.write ? [`${s.write.schema}.${s.write.table}`] : [])]);
    for (const t of tables) out.set(t, [...(out.get(t) ?? []), i]);
  });
  return out;
}

/**
 * Greedy selection over the whole workload with re-evaluation: each round takes the candidate
 * whose addition lowers the weighted workload cost the most net of its write penalty, then
 * plans again the candidates whose queries that choice changed (only those: a candidate's gain
 * depends only on the queries that touch its table). Stops at no positive gain, --max-indexes
 * or the size budget. Then prunes: a chosen index whose removal costs the final set less than
 * its write penalty goes (an index chosen early may have been overtaken by a later, wider one).
 */
export async function selectIndexes(input: SelectionInput, options: SelectionOptions = {}): Promise<Selection> {
  const { queries, shapes, candidates, whatIf, penalty, baseline } = input;
  const byTable = queriesByTable(shapes);
  const relevant = (c: CandidateIndex) => byTable.get(`${c.schema}.${c.table}`) ?? [];
  const current: (ExplainedQuery | undefined)[] = [...baseline];
  const startTotal = weightedTotal(queries, current);
  const minGain = startTotal * (options.minShare ?? 0.001);
  const chosen: CandidateIndex[] = [];
  const steps: SelectionStep[] = [];
  let evaluations = 0;
  let bytes = 0;

  /** Plans `positions` under `set`; the weighted cost difference against `current` (positive: cheaper). */
  const evaluate = async (set: readonly CandidateIndex[], positions: number[]) => {
    evaluations++;
    const explained = await whatIf.explain(positions.map((i) => queries[i]), set);
    let saved = 0;
    explained.forEach((e, k) => {
      const i = positions[k];
      const before = planCost(current[i]);
      const after = planCost(e);
      if (before !== undefined && after !== undefined) saved += queries[i].weight * (before - after);
    });
    return { saved, explained };
  };

  const gains = new Map<number, number>();
  let dirty = new Set(candidates.map((c) => c.id));
  const remaining = new Map(candidates.map((c) => [c.id, c]));
  while (remaining.size && (options.maxIndexes === undefined || chosen.length < options.maxIndexes)) {
    let n = 0;
    for (const c of remaining.values()) {
      if (!dirty.has(c.id)) continue;
      options.onProgress?.(`round ${chosen.length + 1}: ${++n}/${dirty.size} candidates`);
      const { saved } = await evaluate([...chosen, c], relevant(c));
      gains.set(c.id, saved - (penalty.get(c.id) ?? 0));
    }
    const affordable = [...remaining.values()].filter((c) => gains.get(c.id)! > Math.max(minGain, 0) && (options.budgetBytes === undefined || bytes + whatIf.bytes(c) <= options.budgetBytes));
    if (!affordable.length) break;
    const top = Math.max(...affordable.map((c) => gains.get(c.id)!));
    // Within 1 % of the best gain, the smallest index: a wider key or INCLUDE list that plans a
    // hair cheaper is not worth its size (and the planner's costs are not that precise).
    const best = affordable.filter((c) => gains.get(c.id)! >= top - Math.abs(top) * 0.01).sort((a, b) => whatIf.bytes(a) - whatIf.bytes(b) || a.id - b.id)[0];
    chosen.push(best);
    steps.push({ candidate: best, gain: gains.get(best.id)! });
    bytes += whatIf.bytes(best);
    remaining.delete(best.id);
    const changed = relevant(best);
    const { explained } = await evaluate(chosen, changed);
    explained.forEach((e, k) => (current[changed[k]] = e));
    const touched = new Set(changed);
    dirty = new Set([...remaining.values()].filter((c) => relevant(c).some((i) => touched.has(i))).map((c) => c.id));
  }

  const pruned: CandidateIndex[] = [];
  for (const c of [...chosen].reverse()) {
    const without = chosen.filter((x) => x !== c);
    const positions = relevant(c);
    const { saved, explained } = await evaluate(without, positions);
    // saved < 0: planning without it costs more. Keep it when that loss outweighs its penalty.
    if (-saved >= (penalty.get(c.id) ?? 0) + minGain) continue;
    chosen.splice(chosen.indexOf(c), 1);
    pruned.push(c);
    explained.forEach((e, k) => (current[positions[k]] = e));
  }
  const final = await whatIf.explain(queries, chosen);
  return { chosen, steps, pruned, final, evaluations };
}

/** Σ weight × cost over the queries that planned. */
export function weightedTotal(queries: WorkloadQuery[], plans: readonly (ExplainedQuery | undefined)[]): number {
  return plans.reduce((sum, e, i) => sum + queries[i].weight * (planCost(e) ?? 0), 0);
}
