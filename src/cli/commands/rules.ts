import { Option, type Command } from 'commander';
import { MIGRATION_RULES } from '../../lint/migration-rules/index.js';
import { RULES } from '../../lint/rules/index.js';
import { CATEGORIES } from '../../lint/types.js';
import { stdoutColors as c } from '../colors.js';
import { runAction } from '../run-action.js';

interface RulesOptions {
  format: 'text' | 'json';
}

/** Every rule as the listing shows it; `migrations` ones are migrate lint's statement rules. */
const ALL = [...RULES, ...MIGRATION_RULES].map((r) => ({
  id: r.id,
  category: r.meta.category,
  severity: r.meta.severity,
  live: 'live' in r.meta && !!r.meta.live,
  command: r.meta.category === 'migrations' ? 'migrate lint' : 'review',
  description: r.meta.description,
  options: r.meta.options ?? {},
}));

export function registerRules(program: Command): void {
  program
    .command('rules')
    .description('list the rules: review\'s by category and migrate lint\'s (migrations), with default severity and what each checks')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText('after', '\nEach rule is documented in docs/rules/<rule-id>.md: why it matters, its options, examples.')
    .action(
      runAction(async (options: RulesOptions) => {
        if (options.format === 'json') {
          process.stdout.write(`${JSON.stringify(ALL, null, 2)}\n`);
          return;
        }
        const width = Math.max(...ALL.map((r) => r.id.length));
        const lines: string[] = [];
        for (const category of CATEGORIES) {
          const rules = ALL.filter((r) => r.category === category);
          if (!rules.length) continue;
          lines.push(c.bold(category === 'migrations' ? 'migrations (schemawise migrate lint)' : category));
          for (const r of rules) lines.push(`  ${r.id.padEnd(width)}  ${r.severity.padEnd(7)}  ${r.live ? c.dim('(live) ') : ''}${r.description}`);
          lines.push('');
        }
        lines.push(
          c.dim(
            `${RULES.length} review rules, ${MIGRATION_RULES.length} migration rules; (live) ones need a postgres:// input; migrate lint also runs the types rules and identifier-too-long. Details: docs/rules/<rule-id>.md`,
          ),
        );
        process.stdout.write(`${lines.join('\n')}\n`);
      }),
    );
}
