import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Finding, Severity } from '../lint/types.js';

/** What SARIF carries of a rule: review rules and migrate lint's statement rules alike. */
export interface SarifRule {
  id: string;
  meta: { category: string; severity: Severity; description: string; rationale: string };
}

const LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

/** A repository-relative, forward-slash URI: what GitHub code scanning matches files by. */
function uri(file: string, base: string): string {
  const relative = path.relative(base, path.resolve(base, file));
  return relative.split(path.sep).map(encodeURIComponent).join('/');
}

/**
 * SARIF 2.1.0 as GitHub code scanning reads it: the rules that ran (with help text), one
 * result per finding located in a file, with the object as a logical location too, and a
 * fingerprint by rule and object so alerts survive edits.
 */
export function formatSarif(findings: Finding[], rules: readonly SarifRule[], options: { version: string; baseDir: string }): string {
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  // GitHub rejects a whole file when one result has no physical location: findings from a
  // live database (no file) are left out; the CLI says how many.
  const located = findings.filter((f) => f.location);
  // Two findings of one rule on one object (two stale ignores in a file) need two fingerprints.
  const seen = new Map<string, number>();
  const fingerprint = (f: Finding) => {
    const key = `${f.ruleId}\u0000${f.object}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    return createHash('sha256').update(n > 1 ? `${key}\u0000${n}` : key).digest('hex').slice(0, 32);
  };
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'schemawise',
            version: options.version,
            informationUri: 'https://github.com/schemawise/schemawise',
            rules: rules.map((r) => ({
              id: r.id,
              name: r.id.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase()),
              shortDescription: { text: r.meta.description },
              fullDescription: { text: r.meta.rationale },
              help: { text: r.meta.rationale, markdown: `${r.meta.description}\n\n${r.meta.rationale}` },
              defaultConfiguration: { level: LEVEL[r.meta.severity] },
              properties: { tags: [r.meta.category, 'postgresql'] },
            })),
          },
        },
        // Our columns count code points, not UTF-16 units.
        columnKind: 'unicodeCodePoints',
        results: located.map((f) => ({
          ruleId: f.ruleId,
          ...(ruleIndex.has(f.ruleId) && { ruleIndex: ruleIndex.get(f.ruleId) }),
          level: LEVEL[f.severity],
          message: { text: `${f.message}. ${f.help}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: uri(f.location!.file, options.baseDir), uriBaseId: '%SRCROOT%' },
                region: { startLine: f.location!.line, startColumn: f.location!.column },
              },
              logicalLocations: [{ fullyQualifiedName: f.object }],
            },
          ],
          partialFingerprints: { 'schemawise/v1': fingerprint(f) },
          ...(f.fix && { properties: { fix: f.fix } }),
        })),
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}
