/** Mermaid's own parser accepts the ERD of every corpus schema and of our examples, whole and per schema. */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSchema } from '../src/load/load-schema.js';
import { mermaidDiagrams } from '../src/report/mermaid.js';
import { expectMermaidParses, parseErDiagram } from './helpers/mermaid-parse.js';

const root = path.resolve(__dirname, '..');
const corpus = path.resolve(root, '../shared/corpus');
const inputs = [path.join(root, 'examples/shop/schema.sql'), path.join(root, 'test/fixtures/features.sql')];
if (existsSync(corpus)) {
  inputs.push(...readdirSync(path.join(corpus, 'schemas')).sort().map((f) => path.join(corpus, 'schemas', f)));
  inputs.push(path.join(corpus, 'migrations/authelia'));
} else {
  console.log('erd corpus: ../shared/corpus is absent; only our examples are checked');
}

describe.each(inputs)('ERD of %s', (input) => {
  it('parses with Mermaid, with one entity per table that is not a partition', async () => {
    const { database } = await loadSchema([input]);
    const [diagram] = mermaidDiagrams(database);
    await expectMermaidParses(diagram.text);
    const parsed = await parseErDiagram(diagram.text);
    const tables = database.schemas.flatMap((s) => s.tables.filter((t) => !t.partitionOf));
    expect(parsed.entities).toHaveLength(tables.length);
  });

  it('parses per schema with --group-by-schema', async () => {
    const { database } = await loadSchema([input]);
    for (const diagram of mermaidDiagrams(database, { groupBySchema: true })) await expectMermaidParses(diagram.text);
  });
});
