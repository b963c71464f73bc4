import type { Command } from 'commander';

export function registerMigrateLint(migrate: Command): void {
  migrate.command('lint').description('(not yet implemented)');
}
