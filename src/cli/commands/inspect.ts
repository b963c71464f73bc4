import { Option, type Command } from 'commander';
import { stripSpans } from '../../model/strip-spans.js';
import { toDDL } from '../../report/ddl.js';
import { toMermaid } from '../../report/mermaid.js';
import { runAction } from '../run-action.js';
import { writeOutput } from '../write-output.js';
import { loadForCommand, withInputOptions, type InputOptions } from './shared-options.js';

interface InspectOptions extends InputOptions {
  format: 'json' | 'sql' | 'mermaid';
  out?: string;
  spans?: boolean;
}

export function registerInspect(program: Command): void {
  withInputOptions(
    program
      .command('inspect')
      .description('load a schema and print its model: the JSON snapshot, canonical DDL, or a Mermaid ERD')
      .addOption(new Option('-f, --format <format>', 'output format').choices(['json', 'sql', 'mermaid']).default('json'))
      .option('-o, --out <file>', 'write to this file instead of stdout (written whole or not at all)')
      .option('--spans', 'json: keep each object\'s file:line:col'),
  )
    .addHelpText('after', `
Examples:
  schemawise inspect schema.sql                          JSON snapshot (version 1) on stdout
  schemawise inspect migrations/ --format sql            the DDL the migrations add up to
  schemawise inspect postgres://user@host/db --format sql   the DDL of a live database (read-only)
  schemawise inspect schema.sql --table 'order*' --format mermaid`)
    .action(
      runAction(async (inputs: string[], options: InspectOptions) => {
        const { database } = await loadForCommand(inputs, options);
        let text: string;
        if (options.format === 'sql') text = toDDL(database);
        else if (options.format === 'mermaid') text = toMermaid(database);
        else text = JSON.stringify(options.spans ? database : stripSpans(database), null, 2) + '\n';
        if (options.out) writeOutput(options.out, text);
        else process.stdout.write(text);
      }),
    );
}
