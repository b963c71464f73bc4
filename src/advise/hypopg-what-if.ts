import type { Engine } from '../engine/engine.js';
import { explainQuery, type ExplainedQuery, type PlanNode } from '../explain/explain-query.js';
import type { WorkloadQuery } from '../explain/read-queries.js';
import { candidateSql, type CandidateIndex } from './candidate-index.js';
import { candidateName, type WhatIf } from './what-if.js';

/** The HypoPG extension in the connected database: its version, or undefined. */
export async function hypopgVersion(engine: Engine): Promise<string | undefined> {
  const rows = await engine.query<{ version: string }>(`SELECT extversion AS version FROM pg_extension WHERE extname = 'hypopg'`);
  return rows[0]?.version;
}

/**
 * What-if on a live database through HypoPG: a hypothetical index exists only in this
 * session's memory, and only the planner sees it (EXPLAIN without ANALYZE). Nothing is
 * written to the database; every EXPLAIN runs in a READ ONLY transaction under a
 * statement_timeout. HypoPG builds btree, BRIN and hash indexes (not GIN).
 */
export class HypopgWhatIf implements WhatIf {
  readonly kind = 'hypopg';
  private sizes = new Map<number, number>();
  private candidates = new Map<number, CandidateIndex>();
  /** Candidate id → the oid of its hypothetical index while it exists. */
  private present = new Map<number, number>();

  constructor(
    private engine: Engine,
    private options: { timeoutMs?: number } = {},
  ) {}

  async prepare(candidates: CandidateIndex[], onProgress?: (done: number, total: number) => void): Promise<Map<number, string>> {
    await this.engine.query('SELECT hypopg_reset()');
    const failed = new Map<number, string>();
    for (const [i, c] of candidates.entries()) {
      onProgress?.(i, candidates.length);
      try {
        const oid = await this.create(c);
        const [{ bytes }] = await this.engine.query<{ bytes: number }>('SELECT hypopg_relation_size($1::oid)::float8 AS bytes', [oid]);
        this.sizes.set(c.id, bytes);
        this.candidates.set(c.id, c);
        await this.drop(c.id);
      } catch (error) {
        failed.set(c.id, (error as Error).message.replace(/^hypopg: /, 'HypoPG: '));
      }
    }
    onProgress?.(candidates.length, candidates.length);
    return failed;
  }

  bytes(candidate: CandidateIndex): number {
    return this.sizes.get(candidate.id) ?? 0;
  }

  async explain(queries: WorkloadQuery[], on: readonly CandidateIndex[]): Promise<ExplainedQuery[]> {
    const wanted = new Set(on.map((c) => c.id));
    for (const id of [...this.present.keys()]) if (!wanted.has(id)) await this.drop(id);
    for (const c of on) if (!this.present.has(c.id) && this.candidates.has(c.id)) await this.create(c);
    const names = new Map([...this.present].map(([id, oid]) => [oid, candidateName(this.candidates.get(id)!)]));
    const out: ExplainedQuery[] = [];
    for (const q of queries) {
      const explained = await explainQuery(this.engine, q, { timeoutMs: this.options.timeoutMs, readOnly: true });
      if (explained.plan) renameHypothetical(explained.plan, names);
      out.push(explained);
    }
    return out;
  }

  async close(): Promise<void> {
    this.present.clear();
    await this.engine.query('SELECT hypopg_reset()').catch(() => undefined);
  }

  private async create(c: CandidateIndex): Promise<number> {
    const rows = await this.engine.query<{ oid: number }>('SELECT indexrelid::int8 AS oid FROM hypopg_create_index($1)', [candidateSql(c, '')]);
    const oid = Number(rows[0].oid);
    this.present.set(c.id, oid);
    return oid;
  }

  private async drop(id: number): Promise<void> {
    const oid = this.present.get(id);
    if (oid === undefined) return;
    await this.engine.query('SELECT hypopg_drop_index($1::oid)', [oid]);
    this.present.delete(id);
  }
}

/** HypoPG names its indexes `<oid>btree_table_cols`: plans name candidates as the embedded engine does. */
function renameHypothetical(node: PlanNode, names: Map<number, string>): void {
  const m = typeof node['Index Name'] === 'string' ? /^<(\d+)>/.exec(node['Index Name']) : null;
  if (m && names.has(Number(m[1]))) node['Index Name'] = names.get(Number(m[1]));
  for (const child of node.Plans ?? []) renameHypothetical(child, names);
}
