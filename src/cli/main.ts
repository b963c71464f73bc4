#!/usr/bin/env node
import { Command } from 'commander';
import { registerAdvise } from './commands/advise.js';
import { registerDesign } from './commands/design.js';
import { registerErd } from './commands/erd.js';
import { registerExplain } from './commands/explain.js';
import { PACKAGE_VERSION } from './package-version.js';
import { registerInit } from './commands/init.js';
import { registerInspect } from './commands/inspect.js';
import { registerMigrate } from './commands/migrate.js';
import { registerReview } from './commands/review.js';
import { registerRules } from './commands/rules.js';
import { registerSeed } from './commands/seed.js';


const program = new Command('schemawise')
  .description('Design and review PostgreSQL schemas for performance, scalability and data integrity.')
  .version(PACKAGE_VERSION)
  .showHelpAfterError('(run with --help for usage)');
program.configureOutput({ outputError: (text, write) => write(text) });
// commander's own usage errors (unknown option, missing argument) exit 2 like ours.
program.exitOverride((error) => {
  process.exit(error.exitCode === 0 ? 0 : 2);
});

registerInspect(program);
registerErd(program);
registerReview(program);
registerRules(program);
registerMigrate(program);
registerSeed(program);
registerExplain(program);
registerAdvise(program);
registerDesign(program);
registerInit(program);

await program.parseAsync();
