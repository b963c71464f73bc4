import type { Engine } from '../engine/engine.js';
import { explainQuery, type ExplainedQuery } from '../explain/explain-query.js';
import type { WorkloadQuery } from '../explain/read-queries.js';
import { qualifiedName, quoteIdent } from '../model/quote-ident.js';
import { candidateSql, type CandidateIndex } from './candidate-index.js';
import { candidateName, type WhatIf } from './what-if.js';

/** The relation `$1` and, when partitioned, its partitions (pg_partition_tree lists nothing for a plain index). */
const TREE = 'WHERE c.oid = $1::regclass OR c.oid IN (SELECT relid FROM pg_partition_tree($1::regclass))';

interface RelationStats {
  oid: number;
  /** For an index, its table's oid; 0 for a table. */
  heap: number;
  schema: string;
  name: string;
  pages: number;
  tuples: number;
}

/**
 * What-if on the embedded engine, whose seeded data is ours: every candidate is built for real
 * once, and the indexes outside a configuration are marked invalid (`pg_index.indisvalid =
 * false`: the planner skips invalid indexes, get_relation_info; writes still maintain them).
 * Only the difference from the previous configuration is updated, so planning under a new
 * configuration costs about what planning costs; close() leaves every index valid.
 */
export class EmbeddedWhatIf implements WhatIf {
  readonly kind = 'embedded';
  private oids = new Map<number, number[]>();
  private sizes = new Map<number, number>();
  /** Candidate id → the schema its index was built in (its table's). */
  private schemas = new Map<number, string>();
  /** Index oids now marked invalid. */
  private invalid = new Set<number>();

  constructor(
    private engine: Engine,
    private options: { timeoutMs?: number } = {},
  ) {}

  async prepare(candidates: CandidateIndex[], onProgress?: (done: number, total: number) => void): Promise<Map<number, string>> {
    const failed = new Map<number, string>();
    const tables = [...new Set(candidates.map((c) => qualifiedName(c.schema, c.table)))];
    // Building an index sets its table's reltuples to the rows it read: a sampled table's scaled
    // statistics (seed --max-rows) would be lost. They are put back after the builds.
    const before = new Map<string, RelationStats[]>();
    for (const table of tables) before.set(table, await this.relationStats(table));
    for (const [i, c] of candidates.entries()) {
      onProgress?.(i, candidates.length);
      try {
        await this.engine.exec(candidateSql(c, quoteIdent(candidateName(c))));
        const name = qualifiedName(c.schema, candidateName(c));
        const tree = await this.engine.query<{ oid: number; bytes: number }>(
          `SELECT c.oid::int8 AS oid, pg_relation_size(c.oid)::float8 AS bytes FROM pg_class c ${TREE}`,
          [name],
        );
        this.oids.set(c.id, tree.map((r) => Number(r.oid)));
        this.schemas.set(c.id, c.schema);
        this.sizes.set(c.id, tree.reduce((s, r) => s + r.bytes, 0));
      } catch (error) {
        failed.set(c.id, (error as Error).message);
      }
    }
    onProgress?.(candidates.length, candidates.length);
    // An expression index has statistics of its own (ANALYZE gathers them): without them the
    // planner guesses its selectivity.
    const expressionTables = new Set(candidates.filter((c) => this.oids.has(c.id) && c.keys.some((k) => k.target.column === undefined)).map((c) => qualifiedName(c.schema, c.table)));
    for (const table of expressionTables) await this.engine.exec(`ANALYZE ${table}`);
    for (const table of tables) await this.restoreScale(table, before.get(table)!, candidates.filter((c) => qualifiedName(c.schema, c.table) === table));
    return failed;
  }

  bytes(candidate: CandidateIndex): number {
    return this.sizes.get(candidate.id) ?? 0;
  }

  async explain(queries: WorkloadQuery[], on: readonly CandidateIndex[]): Promise<ExplainedQuery[]> {
    const wanted = new Set(on.map((c) => c.id));
    await this.markInvalid(new Set([...[...this.oids].filter(([id]) => !wanted.has(id)).flatMap(([, oids]) => oids)]));
    const out: ExplainedQuery[] = [];
    for (const q of queries) out.push(await explainQuery(this.engine, q, { timeoutMs: this.options.timeoutMs }));
    return out;
  }

  /** Makes exactly `off` invalid (of the candidates), updating only what changes. */
  private async markInvalid(off: Set<number>): Promise<void> {
    const invalidate = [...off].filter((oid) => !this.invalid.has(oid));
    const validate = [...this.invalid].filter((oid) => !off.has(oid));
    if (invalidate.length) await this.engine.exec(`UPDATE pg_index SET indisvalid = false WHERE indexrelid IN (${invalidate.join(', ')})`);
    if (validate.length) await this.engine.exec(`UPDATE pg_index SET indisvalid = true WHERE indexrelid IN (${validate.join(', ')})`);
    this.invalid = off;
  }

  async close(): Promise<void> {
    await this.markInvalid(new Set());
    for (const [id, schema] of this.schemas) await this.engine.exec(`DROP INDEX IF EXISTS ${qualifiedName(schema, `sw_candidate_${id}`)}`);
    this.oids.clear();
    this.schemas.clear();
  }

  /** The table, its partitions, and every index on them: their pages and reltuples. */
  private async relationStats(table: string): Promise<RelationStats[]> {
    const rows = await this.engine.query<RelationStats>(
      `WITH tree AS (SELECT c.oid FROM pg_class c ${TREE})
       SELECT c.oid::int8 AS oid, n.nspname AS schema, c.relname AS name, c.relpages AS pages, c.reltuples::float8 AS tuples, coalesce(x.indrelid, 0)::int8 AS heap
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace LEFT JOIN pg_index x ON x.indexrelid = c.oid
       WHERE c.oid IN (SELECT oid FROM tree) OR x.indrelid IN (SELECT oid FROM tree)`,
      [table],
    );
    return rows.map((r) => ({ ...r, oid: Number(r.oid), heap: Number(r.heap) }));
  }

  /**
   * Puts back every reltuples the builds and ANALYZE overwrote (the table's, its partitions',
   * its existing indexes'), and gives the candidates the same scale as their table: their
   * reltuples and sizes × (reltuples before / rows the build read).
   */
  private async restoreScale(table: string, before: RelationStats[], candidates: CandidateIndex[]): Promise<void> {
    const after = await this.relationStats(table);
    const was = new Map(before.map((r) => [r.oid, r]));
    const factor = new Map<number, number>();
    for (const now of after) {
      const old = was.get(now.oid);
      if (!old) continue;
      if (!now.heap) factor.set(now.oid, old.tuples > 0 && now.tuples > 0 ? old.tuples / now.tuples : 1);
      if (old.tuples <= 0 || Math.abs(now.tuples - old.tuples) < 1) continue;
      await this.engine.query(`SELECT pg_restore_relation_stats('schemaname', $1::text, 'relname', $2::text, 'relpages', $3::int, 'reltuples', $4::real)`, [now.schema, now.name, now.pages, old.tuples]);
    }
    for (const c of candidates) {
      const oids = new Set(this.oids.get(c.id) ?? []);
      let bytes = 0;
      for (const index of after.filter((r) => oids.has(r.oid))) {
        const f = factor.get(index.heap) ?? 1;
        const [{ size }] = await this.engine.query<{ size: number }>('SELECT pg_relation_size($1::oid)::float8 AS size', [index.oid]);
        bytes += size * f;
        if (f !== 1 && index.tuples > 0) {
          await this.engine.query(`SELECT pg_restore_relation_stats('schemaname', $1::text, 'relname', $2::text, 'relpages', $3::int, 'reltuples', $4::real)`, [index.schema, index.name, index.pages, index.tuples * f]);
        }
      }
      if (oids.size) this.sizes.set(c.id, bytes);
    }
  }
}
