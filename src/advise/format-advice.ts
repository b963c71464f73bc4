import { qualifiedName } from '../model/quote-ident.js';
import { compactCount } from '../report/compact-count.js';
import type { Advice } from './advise.js';

const cost = (n: number) => (n >= 1e4 ? compactCount(n) : n >= 100 ? n.toFixed(0) : n.toFixed(1));
const megabytes = (bytes: number) => (bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1)} MB` : `${bytes > 0 ? Math.max(1, Math.round(bytes / 1024)) : 0} kB`);
const change = (before: number, after: number) => (before > 0 ? ` (${after <= before ? '−' : '+'}${Math.abs((100 * (before - after)) / before).toFixed(1)} %)` : '');
const queriesCount = (a: Advice) => `${a.queries.length} quer${a.queries.length === 1 ? 'y' : 'ies'}`;
const where = (a: Advice) => (a.whatIf === 'hypopg' ? 'hypothetical indexes (HypoPG) on the live database' : 'real indexes on the embedded engine\'s seeded data');

function summary(a: Advice): string {
  const t = a.totals;
  return `workload cost ${cost(t.before)} → ${cost(t.after)}${change(t.before, t.after)}, ${a.recommended.length} index${a.recommended.length === 1 ? '' : 'es'} (${megabytes(t.bytes)}), write penalty ${cost(t.penalty)}`;
}

function notes(a: Advice): string[] {
  const out: string[] = [];
  a.shapes.forEach((s) => s.skipped && out.push(`${s.query.name} (${s.query.span.file}:${s.query.span.line}): not analysed: ${s.skipped}`));
  a.baseline.forEach((e) => e.error && out.push(`${e.query.name} (${e.query.span.file}:${e.query.span.line}): not planned: ${e.error}`));
  // One line per reason: an expression PostgreSQL will not index is proposed by every query using it.
  const refused = new Map<string, Set<string>>();
  for (const r of a.refused) refused.set(r.reason, (refused.get(r.reason) ?? new Set()).add(`${r.candidate.table} (${r.candidate.keys.map((k) => k.target.sql).join(', ')})`));
  for (const [reason, what] of refused) out.push(`${what.size} candidate${what.size === 1 ? '' : 's'} not built (${reason}): ${[...what].slice(0, 3).join('; ')}${what.size > 3 ? '; …' : ''}`);
  return out;
}

/** Only the statements to run: CREATE INDEX CONCURRENTLY, then the drops commented out (review them first). */
export function formatAdviceSql(a: Advice): string {
  const lines = [`-- schemawise advise: ${queriesCount(a)} planned on ${where(a)}`, `-- ${summary(a)}`, ''];
  for (const r of a.recommended) {
    const serves = r.serves.map((s) => s.query.name).join(', ');
    lines.push(`-- ${r.name}: ${megabytes(r.bytes)}; serves ${serves || 'no query on its own (kept by the selection)'}`);
    lines.push(r.sql, '');
  }
  if (!a.recommended.length) lines.push('-- no new index lowers this workload\'s cost by more than it costs its writes', '');
  const analyze = [...new Set(a.recommended.filter((r) => r.candidate.keys.some((k) => k.target.column === undefined)).map((r) => qualifiedName(r.schema, r.table)))];
  if (analyze.length) {
    lines.push('-- An expression index has statistics of its own, gathered by ANALYZE: until then the planner guesses how selective it is.');
    lines.push(...analyze.map((t) => `ANALYZE ${t};`), '');
  }
  if (a.drops.length) {
    lines.push('-- Indexes to drop: review first (another workload may need them), then uncomment.');
    for (const d of a.drops) lines.push(`-- ${d.kind}: ${d.reason}`, ...d.sql.split('\n').map((l) => `-- ${l.replace(/^-- /, '')}`));
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

export function formatAdviceText(a: Advice): string {
  const lines = [`${queriesCount(a)}, ${a.candidates.length} candidate indexes, planned on ${where(a)} (${a.evaluations} configurations; ${(a.ms / 1000).toFixed(1)} s, of which ${(a.buildMs / 1000).toFixed(1)} s building candidates)`, summary(a), ''];
  a.recommended.forEach((r, i) => {
    lines.push(`${i + 1}. ${r.name} ON ${r.schema}.${r.table} ${r.definition}`);
    lines.push(`   ${megabytes(r.bytes)}, write penalty ${cost(r.penalty)}; ${r.candidate.reasons.join(', ')}`);
    for (const s of r.serves) lines.push(`   ${s.query.name} (weight ${s.query.weight}): cost ${cost(s.before)} → ${cost(s.after)}  ${s.node}`);
    lines.push('');
  });
  if (!a.recommended.length) lines.push('No new index lowers this workload\'s cost by more than it costs its writes.', '');
  if (a.drops.length) {
    lines.push('Existing indexes to drop (review first):');
    for (const d of a.drops) lines.push(`  ${d.schema}.${d.name} on ${d.table}: ${d.kind}, ${d.reason}`);
    lines.push('');
  }
  const n = notes(a);
  if (n.length) lines.push('Notes:', ...n.map((x) => `  ${x}`), '');
  return `${lines.join('\n').trimEnd()}\n`;
}

export function formatAdviceMarkdown(a: Advice, title = 'Index recommendations'): string {
  const out = [`## ${title}`, '', `${queriesCount(a)} planned on ${where(a)}: ${summary(a)}.`, ''];
  if (a.recommended.length) {
    out.push('| Index | Definition | Size | Write penalty | Serves (cost before → after) |', '|---|---|---|---|---|');
    for (const r of a.recommended) {
      const serves = r.serves.map((s) => `${s.query.name}: ${cost(s.before)} → ${cost(s.after)}`).join('<br>');
      out.push(`| \`${r.name}\` | \`${r.schema}.${r.table} ${r.definition.replace(/\|/g, '\\|')}\` | ${megabytes(r.bytes)} | ${cost(r.penalty)} | ${serves} |`);
    }
    out.push('', '```sql', ...a.recommended.map((r) => r.sql), '```', '');
  } else out.push('No new index lowers this workload\'s cost by more than it costs its writes.', '');
  if (a.drops.length) {
    out.push('### Existing indexes to drop', '', ...a.drops.map((d) => `- \`${d.schema}.${d.name}\` (${d.kind}): ${d.reason}.`), '');
  }
  const n = notes(a);
  if (n.length) out.push('### Notes', '', ...n.map((x) => `- ${x}`), '');
  return `${out.join('\n').trimEnd()}\n`;
}

export function formatAdviceJson(a: Advice): string {
  return `${JSON.stringify(
    {
      whatIf: a.whatIf,
      totals: a.totals,
      evaluations: a.evaluations,
      ms: Math.round(a.ms),
      recommended: a.recommended.map((r) => ({ name: r.name, schema: r.schema, table: r.table, definition: r.definition, sql: r.sql, bytes: Math.round(r.bytes), penalty: r.penalty, reasons: r.candidate.reasons, serves: r.serves.map((s) => ({ query: s.query.name, location: s.query.span, weight: s.query.weight, before: s.before, after: s.after, node: s.node })) })),
      drops: a.drops,
      queries: a.queries.map((q, i) => ({ name: q.name, location: q.span, weight: q.weight, before: a.baseline[i]?.plan?.['Total Cost'] ?? null, after: a.final[i]?.plan?.['Total Cost'] ?? null, error: a.baseline[i]?.error ?? a.shapes[i]?.skipped ?? null })),
      refused: a.refused.map((r) => ({ table: `${r.candidate.schema}.${r.candidate.table}`, keys: r.candidate.keys.map((k) => k.target.sql), reason: r.reason })),
    },
    null,
    2,
  )}\n`;
}
