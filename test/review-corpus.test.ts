/**
 * `review` over every corpus schema: no rule crashes, every finding from a file has a
 * location, and the index findings agree with independent queries over PostgreSQL's own
 * catalog after the schema is executed on the embedded engine.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbeddedEngine } from '../src/engine/embedded.js';
import type { Engine } from '../src/engine/engine.js';
import { extensionsIn, runScripts } from '../src/load/load-exact.js';
import { loadStatic, readSqlInput } from '../src/load/load-schema.js';
import { review } from '../src/lint/review.js';
import { RULES } from '../src/lint/rules/index.js';
import type { Finding } from '../src/lint/types.js';

const root = path.resolve(__dirname, '..');
const corpus = path.resolve(root, '../shared/corpus');
const inputs = [path.join(root, 'examples/shop/schema.sql')];
if (existsSync(corpus)) {
  for (const f of readdirSync(path.join(corpus, 'schemas')).sort()) inputs.push(path.join(corpus, 'schemas', f));
  inputs.push(path.join(corpus, 'migrations/authelia'));
} else {
  console.log('review-corpus: ../shared/corpus is absent; only our example is reviewed');
}
const CANNOT_RUN_EMBEDDED = new Set(['postgrest-spec.sql', 'supabase.sql']);

/** Foreign keys no index serves: no non-partial btree (or single-column hash) index leads with exactly the FK's columns. */
const FK_WITHOUT_INDEX = `
SELECT n.nspname || '.' || c.relname || '.' || con.conname AS object
FROM pg_constraint con
JOIN pg_class c ON c.oid = con.conrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE con.contype = 'f' AND NOT c.relispartition
  AND NOT EXISTS (
    SELECT 1 FROM pg_index i
    JOIN pg_class ic ON ic.oid = i.indexrelid
    JOIN pg_am am ON am.oid = ic.relam
    WHERE i.indrelid = con.conrelid AND i.indpred IS NULL
      AND (am.amname = 'btree' OR (am.amname = 'hash' AND cardinality(con.conkey) = 1))
      AND i.indnkeyatts >= cardinality(con.conkey)
      AND (SELECT array_agg(k ORDER BY k) FROM unnest((i.indkey::int2[])[0:cardinality(con.conkey) - 1]) k)
        = (SELECT array_agg(k ORDER BY k) FROM unnest(con.conkey) k))
ORDER BY 1`;

const objectsOf = (findings: Finding[], ruleId: string) => findings.filter((f) => f.ruleId === ruleId).map((f) => f.object).sort();

describe.each(inputs.map((i) => [path.relative(root, i), i] as const))('review %s', (_, input) => {
  const scripts = readSqlInput(input).scripts;

  it('runs every file rule without crashing; every finding has a location, a message and help', async () => {
    const { database } = await loadStatic(scripts);
    const result = review({ database, scripts });
    expect(result.ran.length).toBe(RULES.filter((r) => !r.meta.live).length);
    for (const f of result.findings) {
      expect(f.location, `${f.ruleId} ${f.object}`).toBeDefined();
      expect(f.location!.line).toBeGreaterThan(0);
      expect(f.message).not.toMatch(/undefined|NaN|\[object/);
      expect(f.help).not.toMatch(/undefined|NaN|\[object/);
    }
  });

  describe.skipIf(CANNOT_RUN_EMBEDDED.has(path.basename(input)))('on the embedded engine', () => {
    let engine: Engine;
    let findings: Finding[];
    beforeAll(async () => {
      engine = await createEmbeddedEngine({ extensions: extensionsIn(scripts) });
      await runScripts(engine, scripts);
      findings = review({ database: (await loadStatic(scripts)).database, scripts }).findings;
    }, 120_000);
    afterAll(() => engine?.close());

    it('foreign-key-without-index agrees with a catalog query', async () => {
      const expected = (await engine.query<{ object: string }>(FK_WITHOUT_INDEX)).map((r) => r.object);
      expect(objectsOf(findings, 'foreign-key-without-index')).toEqual(expected);
    });
  });
});
