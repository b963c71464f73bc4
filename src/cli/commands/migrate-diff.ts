import type { Command } from 'commander';

export function registerMigrateDiff(migrate: Command): void {
  migrate.command('diff').description('(not yet implemented)');
}
