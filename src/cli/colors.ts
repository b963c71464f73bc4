import pc from 'picocolors';

/**
 * Colours for stderr, on a terminal only. picocolors alone also colours whenever `CI` is
 * set, which puts escape codes into CI logs and anything that parses our output.
 * NO_COLOR and FORCE_COLOR are honoured (no-color.org, and as Node itself does).
 */
function enabled(stream: NodeJS.WriteStream): boolean {
  const force = process.env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  return !!stream.isTTY && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb';
}

export const colors = pc.createColors(enabled(process.stderr));
/** For reports on stdout: coloured only when stdout itself is a terminal (not when piped). */
export const stdoutColors = pc.createColors(enabled(process.stdout));
