import { colors as pc } from './colors.js';
import { SchemawiseError } from '../errors.js';

/** Exit codes: 0 success, 1 findings at or above the threshold, 2 bad input or unusable environment. */
export const EXIT = { ok: 0, findings: 1, usage: 2, internal: 70 } as const;

/**
 * Runs a command's action and turns every failure into a message and an exit code:
 * a user's error prints `file:line:col: message` and exits 2, never a stack trace.
 */
export function runAction<A extends unknown[]>(action: (...args: A) => Promise<number | void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      process.exitCode = (await action(...args)) ?? EXIT.ok;
    } catch (error) {
      if (error instanceof SchemawiseError) {
        process.stderr.write(`${pc.red('error')}: ${error.format()}\n`);
        process.exitCode = EXIT.usage;
      } else {
        const message = error instanceof Error ? error.message : String(error);
        process.stderr.write(`${pc.red('internal error')}: ${message}\n`);
        if (process.env.SCHEMAWISE_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
        else process.stderr.write('This is a bug in schemawise; set SCHEMAWISE_DEBUG=1 for the stack trace and report it.\n');
        process.exitCode = EXIT.internal;
      }
    }
  };
}
