import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { SchemawiseError } from '../../errors.js';
import { ProgressLine } from '../progress-line.js';
import { runAction } from '../run-action.js';
import { writeFolder } from '../write-folder.js';

interface DesignCommandOptions {
  out: string;
  force?: boolean;
  jsonSchema?: boolean;
  quiet?: boolean;
}

export function registerDesign(program: Command): void {
  program
    .command('design')
    .description('turn a requirements spec (YAML) into a schema: schema.sql, the first migration, an ERD and DESIGN.md with every decision and its reason')
    .argument('[spec]', 'the requirements spec (YAML); see --json-schema for its format')
    .option('-o, --out <folder>', 'the folder to write', 'design')
    .option('--force', 'write into a folder that already holds files (the design\'s files are replaced, design files this spec no longer produces are removed, others left alone)')
    .option('--json-schema', 'print the JSON Schema of the spec (for editors: yaml-language-server, VS Code) and exit')
    .option('-q, --quiet', 'print no progress on stderr')
    .addHelpText('after', `
The spec names entities (singular), their fields with logical types (text, email, url, phone,
slug, money, integer, bigint, smallint, decimal, percent, boolean, date, time, timestamp,
duration, json, uuid, ip, bytes, tsvector, enum, ref, text[], integer[]), volumes, growth and
retention, relationships, the queries that matter and declared denormalisations. Every field is
required unless optional: true. Errors name the spec's line and column.

The declared queries are planned on the design seeded at the declared volume (the embedded
PostgreSQL): the index advisor adds the indexes they pay for (indexes.sql says why each index
exists; queries.md shows each plan before and after). Everything generated is run there before
it is written: schema.sql and the initial migration must build the same schema, and its down
migration must undo it. The same spec gives byte-identical files. The folder is written whole or
not at all: every file is written to a staging folder first, then moved into place.

Exit codes: 0 written; 2 an invalid spec (every problem listed), a folder that already has files, or a
file that cannot be written (the folder is then left as it was).

Examples:
  schemawise design shop.yaml --out design/
  schemawise design --json-schema > spec.schema.json`)
    .action(
      runAction(async (specFile: string | undefined, options: DesignCommandOptions) => {
        const { specJsonSchema } = await import('../../design/spec.js');
        if (options.jsonSchema) {
          process.stdout.write(`${JSON.stringify(specJsonSchema(), null, 2)}\n`);
          return 0;
        }
        if (!specFile) throw new SchemawiseError('no spec: give the requirements file (schemawise design spec.yaml), or --json-schema');
        const text = readSpecFile(specFile);
        checkOutFolder(options.out, !!options.force);
        const progress = !options.quiet && process.stderr.isTTY ? new ProgressLine() : undefined;
        const { initParser } = await import('../../parse/parse-script.js');
        const { initNormalizer } = await import('../../model/normalize.js');
        await initParser();
        await initNormalizer();
        const { readSpec } = await import('../../design/read-spec.js');
        const { designModel } = await import('../../design/design-model.js');
        const { DESIGN_FILES, emitDesign } = await import('../../design/emit-design.js');
        const { verifyDesign } = await import('../../design/verify-design.js');
        const { adviseDesign } = await import('../../design/design-indexes.js');
        const { spec, spanOf } = readSpec(specFile, text);
        const design = designModel(spec);
        const context = { specFile: path.basename(specFile), spanOf };
        progress?.say('starting the embedded PostgreSQL (PGlite)…');
        // One engine for both: seeding and advising, then running the generated SQL (a boot is seconds).
        const { createEmbeddedEngine } = await import('../../engine/embedded.js');
        const engine = await createEmbeddedEngine();
        let problems: string[];
        let files;
        try {
          const workload = await adviseDesign(spec, design, { ...context, engine, onProgress: progress && ((m) => progress.say(m)) });
          files = emitDesign(spec, design, context, workload);
          progress?.say('checking the generated SQL on the embedded PostgreSQL…');
          problems = await verifyDesign(files, engine);
        } finally {
          await engine.close();
        }
        progress?.clear();
        if (problems.length) throw new Error(`the generated design does not run on PostgreSQL:\n${problems.join('\n')}`);
        const removed = writeFolder(options.out, files, { replace: DESIGN_FILES });
        const tables = design.database.schemas.reduce((n, s) => n + s.tables.length, 0);
        const stale = removed.length ? `removed ${removed.join(', ')}: written by a previous design, not by this one\n` : '';
        process.stdout.write(`wrote ${options.out}/: ${[...files.keys()].join(', ')}\n${stale}${tables} tables, ${design.decisions.length} decisions, ${design.warnings.length} warning${design.warnings.length === 1 ? '' : 's'} on the requirements (DESIGN.md)\n`);
        return 0;
      }),
    );
}

function readSpecFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SchemawiseError(`${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a spec file' : `cannot read it (${code})`}`);
  }
}

/** The output folder must be new or empty, unless --force: a design never mixes into someone's files silently. */
function checkOutFolder(folder: string, force: boolean): void {
  if (!existsSync(folder)) return;
  if (!statSync(folder).isDirectory()) throw new SchemawiseError(`--out ${folder}: is a file, not a folder`);
  if (!force && readdirSync(folder).length) throw new SchemawiseError(`--out ${folder}: the folder already has files; --force replaces the design's files in it (others are left alone)`);
}
