import type { Command } from 'commander';

export function registerMigrateVerify(migrate: Command): void {
  migrate.command('verify').description('(not yet implemented)');
}
