import { Option, type Command } from 'commander';
import { didYouMean } from '../../did-you-mean.js';
import { SchemawiseError } from '../../errors.js';
import { applyBaseline, readBaseline, toBaseline } from '../../lint/baseline.js';
import { DEFAULT_CONFIG, findConfig, readConfig } from '../../lint/config.js';
import { fixScript } from '../../lint/fix-script.js';
import { loadStatic } from '../../load/load-schema.js';
import { copySpans } from '../../model/copy-spans.js';
import { initNormalizer } from '../../model/normalize.js';
import { filterModel } from '../../model/filter-model.js';
import { review } from '../../lint/review.js';
import { RULES } from '../../lint/rules/index.js';
import { SEVERITIES, severityRank, type Severity } from '../../lint/types.js';
import { formatJson } from '../../report/findings-json.js';
import { formatMarkdown } from '../../report/findings-markdown.js';
import { formatSarif } from '../../report/findings-sarif.js';
import { formatText } from '../../report/findings-text.js';
import picocolors from 'picocolors';
import { colors as pc, stdoutColors } from '../colors.js';
import { EXIT, runAction } from '../run-action.js';
import { writeOutput } from '../write-output.js';
import { list, loadForCommand, withInputOptions, type InputOptions } from './shared-options.js';
import { PACKAGE_VERSION } from '../package-version.js';

interface ReviewOptions extends InputOptions {
  format: 'text' | 'json' | 'sarif' | 'markdown';
  out?: string;
  config?: string;
  rule?: string[];
  failOn: Severity | 'never';
  fixSql?: string;
  baseline?: string;
  writeBaseline?: string;
}

export function registerReview(program: Command): void {
  withInputOptions(
    program
      .command('review')
      .description('check a schema against the design checklist: naming, types, integrity, indexes, scale and operations')
      .addOption(new Option('-f, --format <format>', 'report format').choices(['text', 'json', 'sarif', 'markdown']).default('text'))
      .option('-o, --out <file>', 'write the report to this file instead of stdout (written whole or not at all)')
      .option('-c, --config <file>', 'config file (default: schemawise.config.json|yaml|yml in this folder or a parent)')
      .addOption(new Option('--rule <ids>', 'run only these rules (comma-separated, repeatable)').argParser(list))
      .addOption(new Option('--fail-on <severity>', 'exit 1 when a finding at or above this severity remains').choices([...SEVERITIES, 'never']).default('warning'))
      .option('--fix-sql <file>', 'write one migration with the SQL of every fixable finding')
      .option('--baseline <file>', 'hide the findings recorded in this baseline file')
      .option('--write-baseline <file>', 'record the current findings as accepted, in this file'),
  )
    .addHelpText('after', `
Inputs are .sql files, migration folders, or a postgres:// URL: a live database also gets the
rules that need statistics and settings (unused and invalid indexes, sequence exhaustion, bloat,
vacuum, timeouts, connections). Every rule is documented in docs/rules/<rule-id>.md.

Suppressing findings:
  -- schemawise-ignore rule-id[, rule-id]    before a statement: that statement only
  -- schemawise-ignore-file rule-id          anywhere in a file: the whole file
  config: { "rules": { "rule-id": "off" | "error" | "warning" | "info" |
                       { "severity": "...", "options": { ... } } },
            "ignoreTables": ["audit.*", "legacy_*"] }

Exit codes: 0 no finding at or above --fail-on, 1 findings, 2 bad input.

Examples:
  schemawise review schema.sql
  schemawise review migrations/ --format sarif --out review.sarif
  schemawise review postgres://app@db.internal/shop --fail-on error
  schemawise review schema.sql --fix-sql fixes.sql`)
    .action(
      runAction(async (inputs: string[], options: ReviewOptions) => {
        const configFile = options.config ?? findConfig(process.cwd());
        const config = configFile ? await readConfig(configFile, RULES) : DEFAULT_CONFIG;
        let rules = RULES;
        if (options.rule) {
          if (!options.rule.length) throw new SchemawiseError('--rule: no rule ids given (comma-separated rule ids, see docs/rules/)');
          const known = new Set(RULES.map((r) => r.id));
          for (const id of options.rule) if (!known.has(id)) throw new SchemawiseError(`--rule ${id}: unknown rule${didYouMean(id, known)}`);
          rules = RULES.filter((r) => options.rule!.includes(r.id));
        }
        const baseline = options.baseline ? readBaseline(options.baseline) : undefined;

        const loaded = await loadForCommand(inputs, { ...options, liveFacts: true });
        // The engine's model has no source positions: take them from a static load of the same files.
        if (options.exact && loaded.scripts.length) {
          const spans = filterModel((await loadStatic(loaded.scripts)).database, { schemas: options.schema, tables: options.table });
          loaded.database = copySpans(loaded.database, spans);
        }
        if (!options.quiet && configFile) process.stderr.write(pc.dim(`config: ${configFile}\n`));
        await initNormalizer(); // rules compare expressions; a database input has not loaded the parser
        const result = review({ database: loaded.database, scripts: loaded.scripts, live: loaded.live, config, rules });
        let findings = result.findings;
        let baselined = 0;
        if (baseline) {
          const applied = applyBaseline(findings, baseline);
          findings = applied.findings;
          baselined = applied.hidden;
        }
        const summary = { suppressed: result.suppressed, baselined, skippedLive: result.skippedLive };

        if (options.writeBaseline) {
          writeOutput(options.writeBaseline, `${JSON.stringify(toBaseline(result.findings), null, 2)}\n`);
          if (!options.quiet) process.stderr.write(pc.dim(`baseline: ${result.findings.length} findings recorded in ${options.writeBaseline}\n`));
        }
        if (options.fixSql) {
          if (findings.some((f) => f.fix)) writeOutput(options.fixSql, fixScript(findings));
          else if (!options.quiet) process.stderr.write(pc.dim(`no finding has a fix: ${options.fixSql} not written\n`));
        }

        const text =
          options.format === 'json'
            ? formatJson(findings, summary)
            : options.format === 'sarif'
              ? formatSarif(findings, rules, { version: PACKAGE_VERSION, baseDir: process.cwd() })
              : options.format === 'markdown'
                ? formatMarkdown(findings, summary)
                : formatText(findings, summary, options.out ? picocolors.createColors(false) : stdoutColors);
        if (options.out) writeOutput(options.out, text);
        else process.stdout.write(text);
        const unlocated = findings.filter((f) => !f.location).length;
        if (options.format === 'sarif' && unlocated && !options.quiet) {
          process.stderr.write(pc.dim(`${unlocated} finding(s) without a file location (from a live database) are not in the SARIF: GitHub code scanning needs one; use --format json for them\n`));
        }

        if (options.failOn === 'never') return EXIT.ok;
        const threshold = severityRank(options.failOn);
        return findings.some((f) => severityRank(f.severity) >= threshold) ? EXIT.findings : EXIT.ok;
      }),
    );
}
