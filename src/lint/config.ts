import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { didYouMean } from '../did-you-mean.js';
import { SchemawiseError } from '../errors.js';
import { MIGRATION_RULES } from './migration-rules/index.js';
import { RULES } from './rules/index.js';
import { SEVERITIES, type OptionValue, type Severity } from './types.js';

/** What the config needs of a rule: review rules and `migrate lint`'s statement rules both are one. */
export interface ConfigurableRule {
  id: string;
  meta: {
    severity: Severity;
    options?: Record<string, OptionValue>;
    optionChoices?: { [name: string]: readonly string[] | undefined };
  };
}

export const CONFIG_FILES = ['schemawise.config.json', 'schemawise.config.yaml', 'schemawise.config.yml'];

/** A rule's setting in the config file: a severity, `off`, or `{ severity?, options? }`. */
export type RuleSetting = Severity | 'off' | { severity?: Severity | 'off'; options?: Record<string, OptionValue> };

export interface Config {
  /** The file it came from, if any. */
  file?: string;
  rules: Record<string, RuleSetting>;
  /** Tables whose findings are dropped: globs on `name` or `schema.name`. */
  ignoreTables: string[];
}

export const DEFAULT_CONFIG: Config = { rules: {}, ignoreTables: [] };

/** The config file for `cwd`: the first of CONFIG_FILES in it or a parent directory. */
export function findConfig(cwd: string): string | undefined {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    for (const name of CONFIG_FILES) {
      const path = join(dir, name);
      if (existsSync(path)) return path;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * Reads and validates a config file against the rules that exist: `rules` (the caller's, custom
 * ones included) and every rule of `review` and `migrate lint`, since one file serves both.
 */
export async function readConfig(path: string, rules: readonly ConfigurableRule[] = []): Promise<Config> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SchemawiseError(`${path}: ${code === 'ENOENT' ? 'no such config file' : code === 'EISDIR' ? 'is a directory, not a config file' : `cannot read the config file (${code})`}`);
  }
  // An empty file is an empty config, in JSON as in YAML.
  if (!text.trim()) return { file: path, rules: {}, ignoreTables: [] };
  let raw: unknown;
  try {
    raw = /\.ya?ml$/i.test(path) ? (await import('yaml')).parse(text) : JSON.parse(text);
  } catch (error) {
    throw new SchemawiseError(`${path}: not valid ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'}: ${(error as Error).message.split('\n')[0]}`);
  }
  return validateConfig(raw ?? {}, path, rules);
}

// zod costs ~90 ms to import: only a run with a config file pays for it.
async function validateConfig(raw: unknown, path: string, rules: readonly ConfigurableRule[]): Promise<Config> {
  const { z } = await import('zod');
  const severity = z.enum(['off', ...SEVERITIES] as [string, ...string[]]);
  const schema = z.strictObject({
    $schema: z.string().optional(),
    rules: z.record(z.string(), z.union([severity, z.strictObject({ severity: severity.optional(), options: z.record(z.string(), z.unknown()).optional() })])).default({}),
    ignoreTables: z.array(z.string()).default([]),
  });
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue.path.length ? issue.path.join('.') : '(top level)';
    const hint = issue.code === 'unrecognized_keys' ? didYouMean(issue.keys[0], ['rules', 'ignoreTables']) : '';
    // A rule's setting failed every shape of the union: say what the shapes are.
    const message = issue.path[0] === 'rules' && issue.path.length === 2 && issue.code === 'invalid_union'
      ? `expected off, error, warning, info or { "severity": ..., "options": { ... } }, got ${JSON.stringify((raw as any)?.rules?.[issue.path[1]])}`
      : issue.message;
    throw new SchemawiseError(`${path}: ${at}: ${message}${hint}`);
  }
  const byId = new Map<string, ConfigurableRule>([...RULES, ...MIGRATION_RULES, ...rules].map((r) => [r.id, r]));
  for (const [id, setting] of Object.entries(parsed.data.rules)) {
    const rule = byId.get(id);
    if (!rule) throw new SchemawiseError(`${path}: rules.${id}: unknown rule${didYouMean(id, byId.keys())}`);
    if (typeof setting === 'string' || !setting.options) continue;
    const defaults = rule.meta.options ?? {};
    for (const [name, value] of Object.entries(setting.options)) {
      if (!(name in defaults)) {
        const known = Object.keys(defaults);
        throw new SchemawiseError(`${path}: rules.${id}.options.${name}: unknown option${didYouMean(name, known)}${known.length ? `; options: ${known.join(', ')}` : '; this rule takes no options'}`);
      }
      const expected = defaults[name];
      const ok = Array.isArray(expected) ? Array.isArray(value) && value.every((v) => typeof v === 'string') : typeof value === typeof expected;
      if (!ok) throw new SchemawiseError(`${path}: rules.${id}.options.${name}: expected ${Array.isArray(expected) ? 'a list of strings' : `a ${typeof expected}`}, got ${JSON.stringify(value)}`);
      const choices = rule.meta.optionChoices?.[name];
      if (choices && !choices.includes(value as string)) {
        throw new SchemawiseError(`${path}: rules.${id}.options.${name}: expected one of ${choices.join(', ')}, got ${JSON.stringify(value)}${didYouMean(String(value), choices)}`);
      }
    }
  }
  return { file: path, rules: parsed.data.rules as Config['rules'], ignoreTables: parsed.data.ignoreTables };
}

/** A rule's effective severity (or off) and options under `config`. */
export function settingFor(rule: ConfigurableRule, config: Config): { severity: Severity | 'off'; options: Record<string, OptionValue> } {
  const setting = config.rules[rule.id];
  const defaults = rule.meta.options ?? {};
  if (setting === undefined) return { severity: rule.meta.severity, options: defaults };
  if (typeof setting === 'string') return { severity: setting, options: defaults };
  return { severity: setting.severity ?? rule.meta.severity, options: { ...defaults, ...setting.options } };
}
