import type { SqlSource } from '../load/load-schema.js';
import type { Database, Span } from '../model/types.js';
import { didYouMean } from '../did-you-mean.js';
import { DEFAULT_CONFIG, settingFor, type Config } from './config.js';
import { suppressFindings } from './suppress-findings.js';
import { collectIgnores, matchIgnore, type Ignore } from './ignores.js';
import { findTable } from './model-walk.js';
import { RULES } from './rules/index.js';
import { MIGRATION_RULES } from './migration-rules/index.js';
import type { Finding, LiveFacts, Rule, Severity } from './types.js';

export interface ReviewInput {
  database: Database;
  /** The SQL the model came from: their `-- schemawise-ignore` comments apply. */
  scripts?: SqlSource[];
  /** Statistics and settings of a live database; live rules are skipped without them. */
  live?: LiveFacts;
  config?: Config;
  /** The rules to consider (all by default); the config still turns them off or on. */
  rules?: readonly Rule<any>[];
}

export interface ReviewResult {
  findings: Finding[];
  /** Findings hidden by ignore comments or `ignoreTables`. */
  suppressed: number;
  /** Live rules that did not run because the input is not a live database. */
  skippedLive: string[];
  /** Rules that ran. */
  ran: string[];
}

const UNUSED_IGNORE = 'unused-ignore';

/** Runs the enabled rules over the model and applies the config's and the files' suppressions. */
export function review(input: ReviewInput): ReviewResult {
  const config = input.config ?? DEFAULT_CONFIG;
  const rules = input.rules ?? RULES;
  const findings: Finding[] = [];
  const skippedLive: string[] = [];
  const ran: string[] = [];
  const enabled = new Set<string>();
  for (const rule of rules) {
    const { severity, options } = settingFor(rule, config);
    if (severity === 'off') continue;
    enabled.add(rule.id);
    if (rule.meta.live && !input.live) {
      skippedLive.push(rule.id);
      continue;
    }
    ran.push(rule.id);
    try {
      rule.check({
        database: input.database,
        options,
        live: input.live,
        report: (r) => {
          // An object without a position of its own (a column copied by LIKE) is located at its table.
          const location = r.span ?? (r.table ? tableSpan(input.database, r.table) : undefined);
          findings.push({ ruleId: rule.id, severity, category: rule.meta.category, message: r.message, object: r.object, ...(r.table && { table: r.table }), ...(location && { location }), help: r.help, ...(r.fix && { fix: r.fix }) });
        },
      });
    } catch (error) {
      throw new Error(`rule ${rule.id} failed: ${(error as Error).message}`, { cause: error });
    }
  }

  const ignores: Ignore[] = (input.scripts ?? []).flatMap((s) => collectIgnores(s.file, s.sql));
  const { kept, suppressed } = suppressFindings(findings, config, ignores);

  const unusedRule = rules.find((r) => r.id === UNUSED_IGNORE);
  if (unusedRule && enabled.has(UNUSED_IGNORE)) {
    // A migrations folder carries ignores for the migration rules too: those ids are known, not typos.
    const known = new Set([...RULES, ...MIGRATION_RULES].map((r) => r.id));
    const severity = settingFor(unusedRule, config).severity as Severity;
    // A bare ignore can only be judged when every rule ran (not under --rule).
    const allRan = RULES.every((r) => r.meta.live || ran.includes(r.id) || settingFor(r, config).severity === 'off');
    // Every ignore's problems first: an ignore of unused-ignore is marked used only below.
    const judged = ignores.map((ignore) => {
      const unknown = ignore.rules.filter((id) => !known.has(id));
      const unused = ignore.rules.length
        ? ignore.rules.filter((id) => known.has(id) && id !== UNUSED_IGNORE && ran.includes(id) && !ignore.used.has(id))
        : ignore.used.size || !allRan ? [] : ['any rule'];
      return {
        ignore,
        problems: [...unknown.map((id) => `unknown rule "${id}"${didYouMean(id, known)}`), ...unused.map((id) => `nothing to ignore for ${id}`)],
      };
    });
    for (const { ignore, problems } of judged) {
      if (problems.length && !matchIgnore(ignores.filter((i) => i !== ignore), UNUSED_IGNORE, ignore.span)) {
        kept.push({
          ruleId: UNUSED_IGNORE,
          severity,
          category: unusedRule.meta.category,
          message: `schemawise-ignore: ${problems.join('; ')}`,
          object: ignore.file,
          location: ignore.span,
          help: 'Remove the ignore, or fix the rule id: an ignore that matches nothing hides nothing today and may hide a real finding later.',
        });
      }
    }
  }
  return { findings: sortFindings(kept), suppressed, skippedLive, ran };
}

function tableSpan(db: Database, table: string): Span | undefined {
  const dot = table.indexOf('.');
  return findTable(db, { schema: table.slice(0, dot), name: table.slice(dot + 1) })?.span;
}

export function sortFindings(findings: Finding[]): Finding[] {
  const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
  return findings.sort((a, b) => {
    if (a.location && b.location) {
      return cmp(a.location.file, b.location.file) || a.location.line - b.location.line || a.location.column - b.location.column || cmp(a.ruleId, b.ruleId) || cmp(a.object, b.object);
    }
    if (a.location || b.location) return a.location ? -1 : 1;
    return cmp(a.table ?? a.object, b.table ?? b.object) || cmp(a.object, b.object) || cmp(a.ruleId, b.ruleId) || cmp(a.message, b.message);
  });
}
