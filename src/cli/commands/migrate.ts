import type { Command } from 'commander';
import { registerMigrateDiff } from './migrate-diff.js';
import { registerMigrateLint } from './migrate-lint.js';
import { registerMigrateVerify } from './migrate-verify.js';

/** `schemawise migrate diff|lint|verify`. */
export function registerMigrate(program: Command): void {
  const migrate = program
    .command('migrate')
    .description('write migrations from a schema change (diff), check them for lock and data hazards (lint), and replay them up and down (verify)');
  registerMigrateDiff(migrate);
  registerMigrateLint(migrate);
  registerMigrateVerify(migrate);
}
