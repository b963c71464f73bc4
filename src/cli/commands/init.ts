import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { SchemawiseError } from '../../errors.js';
import { runAction } from '../run-action.js';
import { writeOutput } from '../write-output.js';

interface InitCommandOptions {
  out: string;
  force?: boolean;
}

/** One answer per question, read line by line (a terminal, or answers piped in); end of input answers with the defaults. */
class Answers {
  private lines: AsyncIterator<string>;
  private done = false;
  constructor() {
    const rl = createInterface({ input: process.stdin, terminal: false });
    this.lines = rl[Symbol.asyncIterator]();
  }

  async ask(question: string, fallback = ''): Promise<string> {
    process.stderr.write(`${question}${fallback ? ` [${fallback}]` : ''}: `);
    if (this.done) {
      process.stderr.write('\n');
      return fallback;
    }
    const next = await this.lines.next();
    if (next.done) {
      this.done = true;
      process.stderr.write('\n');
      return fallback;
    }
    if (!process.stdin.isTTY) process.stderr.write('\n');
    return next.value.trim() || fallback;
  }

  async choose(question: string, choices: string[], fallback: string): Promise<string> {
    for (;;) {
      const answer = (await this.ask(`${question} (${choices.join('/')})`, fallback)).toLowerCase();
      if (choices.includes(answer)) return answer;
      if (this.done) return fallback;
      process.stderr.write(`  one of ${choices.join(', ')}\n`);
    }
  }
}

export function registerInit(program: Command): void {
  program
    .command('init')
    .description('ask the requirements questions (entities, relationships, read/write ratio, volume, growth, queries, consistency) and write a spec for schemawise design')
    .option('-o, --out <file>', 'the spec to write', 'spec.yaml')
    .option('--force', 'overwrite an existing spec')
    .addHelpText('after', `
Questions go to stderr and answers come from stdin, one per line, so answers can be piped:
an empty answer takes the default in brackets; the end of input ends the questionnaire.
Fields are given on one line: email:email! name:text status:enum(open,closed)=open
customer:ref(customer) note:text?  (! unique, ? optional, =default).
The spec is checked as design reads it before it is written; edit it afterwards for what the
questions do not cover (retention, denormalisations, checks).

Example:
  schemawise init --out shop.yaml && schemawise design shop.yaml --out design/`)
    .action(
      runAction(async (options: InitCommandOptions) => {
        if (existsSync(options.out) && !options.force) throw new SchemawiseError(`${options.out} exists: --force to overwrite it, or --out another file`);
        const { parseFieldShorthand } = await import('../../design/field-shorthand.js');
        const { stringify } = await import('yaml');
        const a = new Answers();
        const spec: Record<string, unknown> = {};
        spec.name = await a.ask('Project name (snake_case)', 'app');
        spec.postgres = Number(await a.ask('PostgreSQL version', '16'));
        const type = await a.choose('Workload: transactions, analytics, or both', ['oltp', 'olap', 'mixed'], 'oltp');
        const readsPerWrite = Number(await a.ask('Reads per write', '10'));
        const consistency = await a.choose('Consistency', ['strong', 'eventual'], 'strong');
        spec.workload = { type, reads_per_write: readsPerWrite, consistency };
        const tenant = await a.ask('Multi-tenant: the tenant column, or empty for none', '');
        if (tenant) {
          const entity = await a.ask('The tenant entity (empty if tenants live elsewhere)', '');
          spec.tenancy = entity ? { column: tenant, entity } : { column: tenant };
        }
        const entities: Record<string, unknown> = {};
        for (;;) {
          const name = await a.ask('Entity (singular snake_case; empty when done)', '');
          if (!name) break;
          const entity: Record<string, unknown> = {};
          const rows = await a.ask(`  ${name}: rows now (e.g. 2M; empty if unknown)`, '');
          if (rows) entity.rows = /^\d+$/.test(rows) ? Number(rows) : rows;
          const growth = await a.ask(`  ${name}: growth (e.g. 100k/month; empty if none)`, '');
          if (growth) entity.growth = growth;
          const ids = await a.choose(`  ${name}: ids shown outside (URLs, APIs)`, ['no', 'yes'], 'no');
          if (ids === 'yes') entity.ids = 'exposed';
          for (;;) {
            try {
              entity.fields = parseFieldShorthand(await a.ask(`  ${name}: fields (name:type …, e.g. email:email! total:money customer:ref(customer))`, 'name:text'));
              break;
            } catch (error) {
              if (!(error instanceof SchemawiseError)) throw error;
              process.stderr.write(`  ${error.message}\n`);
            }
          }
          entities[name] = entity;
        }
        if (!Object.keys(entities).length) throw new SchemawiseError('no entity given: nothing to write');
        spec.entities = entities;
        const pairs = await a.ask('Many-to-many pairs (e.g. product-category tag-post; empty for none)', '');
        if (pairs) spec.relationships = pairs.split(/\s+/).map((p) => {
          const [many, toMany] = p.split('-');
          return { many, to_many: toMany };
        });
        const queries: Record<string, unknown>[] = [];
        for (;;) {
          const name = await a.ask('A query that matters: its name (empty when done)', '');
          if (!name) break;
          const sql = await a.ask(`  ${name}: its SQL, on the tables' names (plural by default; $1 for parameters)`, '');
          const perSecond = Number(await a.ask(`  ${name}: runs per second`, '1'));
          queries.push({ name, sql, per_second: perSecond });
        }
        if (queries.length) spec.queries = queries;

        const text = `# Requirements for schemawise design (written by schemawise init).\n# Add retention, denormalize, checks and defaults as needed: schemawise design --json-schema describes every key.\n${stringify(spec, { flowCollectionPadding: true, lineWidth: 0 })}`;
        const { initParser } = await import('../../parse/parse-script.js');
        await initParser();
        const { readSpec } = await import('../../design/read-spec.js');
        readSpec(options.out, text);
        writeOutput(options.out, text);
        const n = Object.keys(entities).length;
        process.stdout.write(`wrote ${options.out}: ${n} entit${n === 1 ? 'y' : 'ies'}, ${queries.length} quer${queries.length === 1 ? 'y' : 'ies'}; next: schemawise design ${options.out} --out design/\n`);
        return 0;
      }),
    );
}
