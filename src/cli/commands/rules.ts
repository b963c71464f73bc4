import { Option, type Command } from 'commander';
import { RULES } from '../../lint/rules/index.js';
import { CATEGORIES } from '../../lint/types.js';
import { stdoutColors as c } from '../colors.js';
import { runAction } from '../run-action.js';

interface RulesOptions {
  format: 'text' | 'json';
}

export function registerRules(program: Command): void {
  program
    .command('rules')
    .description('list the review rules: id, category, default severity, what each checks')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .addHelpText('after', '\nEach rule is documented in docs/rules/<rule-id>.md: why it matters, its options, examples.')
    .action(
      runAction(async (options: RulesOptions) => {
        if (options.format === 'json') {
          const rules = RULES.map((r) => ({ id: r.id, category: r.meta.category, severity: r.meta.severity, live: !!r.meta.live, description: r.meta.description, options: r.meta.options ?? {} }));
          process.stdout.write(`${JSON.stringify(rules, null, 2)}\n`);
          return;
        }
        const width = Math.max(...RULES.map((r) => r.id.length));
        const lines: string[] = [];
        for (const category of CATEGORIES) {
          const rules = RULES.filter((r) => r.meta.category === category);
          if (!rules.length) continue;
          lines.push(c.bold(category));
          for (const r of rules) lines.push(`  ${r.id.padEnd(width)}  ${r.meta.severity.padEnd(7)}  ${r.meta.live ? c.dim('(live) ') : ''}${r.meta.description}`);
          lines.push('');
        }
        lines.push(c.dim(`${RULES.length} rules; (live) ones need a postgres:// input. Details: docs/rules/<rule-id>.md`));
        process.stdout.write(`${lines.join('\n')}\n`);
      }),
    );
}
