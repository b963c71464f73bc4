import type { LiveFacts } from '../engine/live-facts.js';
import type { Database, Span } from '../model/types.js';

export type { LiveFacts };

export type Severity = 'error' | 'warning' | 'info';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];
export const severityRank = (s: Severity) => (s === 'error' ? 2 : s === 'warning' ? 1 : 0);

/** `migrations` holds the statement rules of `migrate lint`; the others are review's. */
export type Category = 'naming' | 'types' | 'integrity' | 'indexes' | 'scale' | 'operations' | 'migrations';
export const CATEGORIES: readonly Category[] = ['naming', 'types', 'integrity', 'indexes', 'scale', 'operations', 'migrations'];

export interface Fix {
  title: string;
  /** SQL safe to run on a live system (CONCURRENTLY, NOT VALID + VALIDATE), `;`-terminated statements. */
  sql: string;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  category: Category;
  message: string;
  /** The object's qualified name: `schema.table`, `schema.table.column`, `schema.index`. */
  object: string;
  /** `schema.table` the object belongs to, when it belongs to one. */
  table?: string;
  location?: Span;
  /** Why it matters and what to do. */
  help: string;
  fix?: Fix;
}

export type OptionValue = number | string | boolean | string[];

export interface RuleMeta<O extends Record<string, OptionValue>> {
  category: Category;
  severity: Severity;
  /** One line: what the rule checks. */
  description: string;
  /** Why it matters: PostgreSQL behaviour, costs, the trade-off. Markdown. */
  rationale: string;
  /** SQL that triggers the rule; every line that must be reported ends with `-- flagged`. */
  invalid: string[];
  /** SQL that must produce no finding. */
  valid: string[];
  /** Needs statistics or settings of a live database; skipped, with a note, on files. */
  live?: boolean;
  /** Option defaults; their types are the options' types. */
  options?: O;
  /** One line per option, for the docs. */
  optionDocs?: { [K in keyof O]: string };
  /** The values a string option accepts; the config loader rejects others. */
  optionChoices?: { [K in keyof O]?: readonly string[] };
}

export interface Report {
  message: string;
  object: string;
  table?: string;
  span?: Span;
  help: string;
  fix?: Fix;
}

export interface RuleContext<O> {
  database: Database;
  options: O;
  /** Present when the model came from a live database. */
  live?: LiveFacts;
  report(finding: Report): void;
}

export interface Rule<O extends Record<string, OptionValue> = Record<string, OptionValue>> {
  id: string;
  meta: RuleMeta<O>;
  check(context: RuleContext<O>): void;
}

/** Typed constructor for a rule module: `export default defineRule({...})`. */
export function defineRule<O extends Record<string, OptionValue> = Record<string, never>>(rule: Rule<O>): Rule<O> {
  return rule;
}
