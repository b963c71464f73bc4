import type { CandidateIndex } from './candidate-index.js';
import { planCost, queriesByTable, type SelectionInput } from './select-indexes.js';

export interface ExhaustiveResult {
  set: CandidateIndex[];
  /** Weighted cost saved against the baseline, minus the set's write penalty. */
  objective: number;
  configurations: number;
}

/** The objective of one set of candidates: weighted cost saved against the baseline minus its write penalty. */
export async function objectiveOf(input: SelectionInput, set: readonly CandidateIndex[]): Promise<number> {
  const byTable = queriesByTable(input.shapes);
  const positions = [...new Set(set.flatMap((c) => byTable.get(`${c.schema}.${c.table}`) ?? []))].sort((a, b) => a - b);
  const explained = await input.whatIf.explain(positions.map((i) => input.queries[i]), set);
  let saved = 0;
  explained.forEach((e, k) => {
    const i = positions[k];
    const before = planCost(input.baseline[i]);
    const after = planCost(e);
    if (before !== undefined && after !== undefined) saved += input.queries[i].weight * (before - after);
  });
  return saved - set.reduce((sum, c) => sum + (input.penalty.get(c.id) ?? 0), 0);
}

/**
 * The best set of at most `maxIndexes` candidates by trying every one: the yardstick the greedy
 * selection is measured against (bench/advisor). 2^n plans: for small candidate sets only.
 */
export async function exhaustiveBest(input: SelectionInput, maxIndexes: number, onProgress?: (done: number, total: number) => void): Promise<ExhaustiveResult> {
  const n = input.candidates.length;
  if (n > 20) throw new Error(`exhaustive search over ${n} candidates: 20 at most`);
  const sets: CandidateIndex[][] = [[]];
  for (const c of input.candidates) {
    for (const s of [...sets]) if (s.length < maxIndexes) sets.push([...s, c]);
  }
  let best: ExhaustiveResult = { set: [], objective: 0, configurations: sets.length };
  for (const [i, set] of sets.entries()) {
    onProgress?.(i, sets.length);
    if (!set.length) continue;
    const objective = await objectiveOf(input, set);
    if (objective > best.objective + 1e-9 || (Math.abs(objective - best.objective) <= 1e-9 && set.length < best.set.length)) best = { set, objective, configurations: sets.length };
  }
  return best;
}
