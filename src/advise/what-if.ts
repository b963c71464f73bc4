import type { ExplainedQuery } from '../explain/explain-query.js';
import type { WorkloadQuery } from '../explain/read-queries.js';
import type { CandidateIndex } from './candidate-index.js';

/**
 * Plans of a workload under a set of indexes that may not exist: real indexes on the embedded
 * engine's seeded data (switched on and off inside rolled-back transactions), or HypoPG's
 * hypothetical ones on a server. Either way a plan names a candidate `sw_candidate_<id>`.
 */
export interface WhatIf {
  readonly kind: 'embedded' | 'hypopg';
  /** Makes the candidates available; returns those PostgreSQL would not build, with its reason. */
  prepare(candidates: CandidateIndex[], onProgress?: (done: number, total: number) => void): Promise<Map<number, string>>;
  /** The candidate's size in bytes at the table's volume (estimated for a hypothetical index). */
  bytes(candidate: CandidateIndex): number;
  /** Each query planned with the database's own indexes and exactly the candidates `on`. */
  explain(queries: WorkloadQuery[], on: readonly CandidateIndex[]): Promise<ExplainedQuery[]>;
  /** Removes every candidate (the embedded engine's real ones; HypoPG's from the session). */
  close(): Promise<void>;
}

/** The name plans give a candidate. */
export const candidateName = (c: CandidateIndex) => `sw_candidate_${c.id}`;
