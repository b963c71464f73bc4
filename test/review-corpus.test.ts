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
const inputs = [path.join(root, 'examples/shop/schema.sql'), ...readdirSync(path.join(root, 'test/fixtures')).filter((f) => f.endsWith('.sql')).map((f) => path.join(root, 'test/fixtures', f))];
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

/** Per index of a user table: its keys as PostgreSQL prints them one by one, and what else makes two indexes equal. */
const INDEXES = `
WITH ix AS (
  SELECT n.nspname AS schema, c.relname AS "table", ic.relname AS name, am.amname AS method, i.indisunique AS is_unique,
         EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x')) AS is_constraint,
         i.indnkeyatts AS nkeys,
         ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(1, i.indnkeyatts) k) AS keys,
         ARRAY(SELECT pg_get_indexdef(i.indexrelid, k, true) FROM generate_series(i.indnkeyatts + 1, i.indnatts) k ORDER BY 1) AS include,
         -- oidvector and int2vector count from 0; slicing rebases them to 1, as array equality needs
         (i.indclass::oid[])[0:] AS classes, (i.indcollation::oid[])[0:] AS colls, (i.indoption::int2[])[0:] AS opts,
         pg_get_expr(i.indpred, i.indrelid) AS pred
  FROM pg_index i
  JOIN pg_class ic ON ic.oid = i.indexrelid
  JOIN pg_class c ON c.oid = i.indrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_am am ON am.oid = ic.relam
  WHERE NOT c.relispartition AND c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast'))
`;

/** Groups of indexes with the same method, keys (text, operator class, collation, order), predicate and INCLUDE set. */
const DUPLICATE_GROUPS = `${INDEXES}
SELECT schema, array_agg(name ORDER BY name) AS names
FROM ix GROUP BY schema, "table", method, keys, classes, colls, opts, pred, include
HAVING count(*) > 1 ORDER BY 1, 2`;

/**
 * Btree indexes A whose keys lead another btree index B (same operator classes and collations,
 * the same or all-reversed order, the same predicate), A neither unique nor a constraint, A's
 * INCLUDE within B's columns; exact duplicates are the other rule's, and of two indexes that
 * cover each other only the later by name counts.
 */
const REDUNDANT = `${INDEXES},
covers AS (
  SELECT a.schema, a.name AS a, b.name AS b
  FROM ix a JOIN ix b ON a.schema = b.schema AND a."table" = b."table" AND a.name <> b.name
  WHERE a.method = 'btree' AND b.method = 'btree' AND a.nkeys <= b.nkeys
    AND a.pred IS NOT DISTINCT FROM b.pred
    AND a.keys = b.keys[1:a.nkeys] AND a.classes = b.classes[1:a.nkeys] AND a.colls = b.colls[1:a.nkeys]
    AND (a.opts = b.opts[1:a.nkeys]
         OR a.opts = ARRAY(SELECT (o # 3)::int2 FROM unnest(b.opts[1:a.nkeys]) WITH ORDINALITY u(o, k) ORDER BY k))
    AND a.include <@ (b.keys || b.include)
    AND NOT (a.nkeys = b.nkeys AND a.opts = b.opts AND a.include = b.include))
SELECT DISTINCT c.schema || '.' || c.a AS object
FROM covers c JOIN ix a ON a.schema = c.schema AND a.name = c.a
WHERE NOT a.is_unique AND NOT a.is_constraint
  AND NOT EXISTS (SELECT 1 FROM covers m WHERE m.a = c.b AND m.b = c.a AND c.a < c.b)
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

    it('duplicate-index agrees with a catalog query: every finding pairs two indexes of one group, every group is reported', async () => {
      const groups = (await engine.query<{ schema: string; names: string[] }>(DUPLICATE_GROUPS)).map((g) => g.names.map((n) => `${g.schema}.${n}`));
      const pairs = findings.filter((f) => f.ruleId === 'duplicate-index').map((f) => [f.object, `${f.object.split('.')[0]}.${/duplicates (\S+):/.exec(f.message)![1]}`]);
      for (const pair of pairs) expect(groups.some((g) => pair.every((x) => g.includes(x))), pair.join(' ~ ')).toBe(true);
      for (const group of groups) expect(pairs.some((p) => group.includes(p[0])), group.join(', ')).toBe(true);
    });

    it('redundant-index agrees with a catalog query', async () => {
      const expected = (await engine.query<{ object: string }>(REDUNDANT)).map((r) => r.object);
      expect(objectsOf(findings, 'redundant-index')).toEqual(expected);
    });

    it('foreign-key-without-index agrees with a catalog query', async () => {
      const expected = (await engine.query<{ object: string }>(FK_WITHOUT_INDEX)).map((r) => r.object);
      expect(objectsOf(findings, 'foreign-key-without-index')).toEqual(expected);
    });
  });
});
