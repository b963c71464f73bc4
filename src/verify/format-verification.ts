import type pc from 'picocolors';
import type { MigrationConvention } from '../migrations/read-migration-folder.js';
import type { MigrationVerification, VerifyProblem, VerifyResult } from './verify-migrations.js';

type Colors = ReturnType<typeof pc.createColors>;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** How a migration is named in reports: `0003 add_users`; drizzle's tag already holds its number. */
export function migrationLabel(convention: MigrationConvention, migration: { version: string; name: string }): string {
  if (convention === 'drizzle' || !migration.version) return migration.name;
  return migration.name ? `${migration.version} ${migration.name}` : migration.version;
}

/** One line per migration with ✓/✗, its problems (`file:line:col: message`) and differences under it, then a summary line. */
export function formatVerificationText(result: VerifyResult, c: Colors): string {
  const lines: string[] = [];
  // The run stops at a failed up, or when the database cannot be rebuilt after a failed step.
  const stopped = result.migrations.some((m) => m.up === 'failed' && !m.problems.every((p) => p.onlyWithData))
    ? 'an earlier up failed'
    : 'the run stopped earlier (see the notes)';
  for (const migration of result.migrations) {
    const label = migrationLabel(result.convention, migration);
    if (migration.status === 'not-run') {
      lines.push(c.dim(`- ${label}  not run: ${stopped}`));
      continue;
    }
    if (migration.status === 'problems') lines.push(`${c.red('✗')} ${label}`);
    else lines.push(`${c.green('✓')} ${label}${migration.status === 'up-only' ? c.dim('  up only: no down migration') : ''}`);
    for (const problem of migration.problems) lines.push(...problemLines(problem, c));
  }
  lines.push(summaryLine(result, c));
  return `${lines.join('\n')}\n`;
}

function problemLines(problem: VerifyProblem, c: Colors): string[] {
  const where = problem.span ? `${problem.span.file}:${problem.span.line}:${problem.span.column}` : problem.file;
  const lines = [`    ${c.dim(`${where}:`)} ${problem.message}`];
  for (const difference of problem.differences ?? []) lines.push(`      ${difference.message}`);
  return lines;
}

function summaryLine(result: VerifyResult, c: Colors): string {
  const { summary } = result;
  const parts: string[] = [];
  if (summary.verified) parts.push(`${summary.verified} verified`);
  if (summary.upOnly) parts.push(`${summary.upOnly} up only`);
  if (summary.notRun) parts.push(`${summary.notRun} not run`);
  const data = result.withData ? ' with generated rows' : '';
  if (summary.problems === 0) {
    return c.green(`✔ ${plural(summary.migrations, 'migration')} replayed${data}: no problems`) + (parts.length ? ` (${parts.join(', ')})` : '');
  }
  const kinds = new Map<string, number>();
  for (const problem of result.migrations.flatMap((m: MigrationVerification) => m.problems)) kinds.set(problem.kind, (kinds.get(problem.kind) ?? 0) + 1);
  const detail = [...kinds].map(([kind, n]) => `${n} ${kind}`).join(', ');
  return (
    c.red(`✖ ${plural(summary.problems, 'problem')} in ${summary.withProblems} of ${plural(summary.migrations, 'migration')}${data}`) +
    ` (${detail})${parts.length ? ` · ${parts.join(', ')}` : ''}`
  );
}
