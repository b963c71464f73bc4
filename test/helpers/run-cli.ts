import { spawnSync } from 'node:child_process';
import path from 'node:path';

/** The built CLI (`npm test` builds first). */
export const CLI = path.resolve(__dirname, '../../dist/cli/main.js');

/** The CLI run as a user runs it, colours left to the terminal's absence (and `input` on its stdin): exit code, stdout, stderr. */
export function runCli(args: string[], cwd: string, timeoutMs = 180_000, input?: string): { code: number | null; stdout: string; stderr: string } {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.FORCE_COLOR;
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd, timeout: timeoutMs, env, ...(input !== undefined && { input }) });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
