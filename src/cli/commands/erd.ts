import type { Command } from 'commander';
import { toMermaid, toMermaidMarkdown } from '../../report/mermaid.js';
import { runAction } from '../run-action.js';
import { writeOutput } from '../write-output.js';
import { loadForCommand, withInputOptions, type InputOptions } from './shared-options.js';

interface ErdOptions extends InputOptions {
  out?: string;
  groupBySchema?: boolean;
}

export function registerErd(program: Command): void {
  withInputOptions(
    program
      .command('erd')
      .description('draw an entity-relationship diagram (Mermaid erDiagram) of a schema')
      .option('-o, --out <file>', 'write to a file: .md wraps the diagram in a mermaid fence, anything else (.mmd) is the bare diagram')
      .option('--group-by-schema', 'one diagram per schema, for large schemas'),
  )
    .addHelpText('after', `
Cardinality comes from the foreign keys: one-to-one when the FK columns are unique,
zero-or-one when they are nullable, many-to-one otherwise.

Examples:
  schemawise erd schema.sql --out erd.md
  schemawise erd migrations/ --schema sales --group-by-schema --out erd.md`)
    .action(
      runAction(async (inputs: string[], options: ErdOptions) => {
        const { database } = await loadForCommand(inputs, options);
        const opts = { groupBySchema: options.groupBySchema };
        const markdown = options.out?.toLowerCase().endsWith('.md');
        const text = markdown ? toMermaidMarkdown(database, opts) : toMermaid(database, opts);
        if (options.out) writeOutput(options.out, text);
        else process.stdout.write(text);
      }),
    );
}
