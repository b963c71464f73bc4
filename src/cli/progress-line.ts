import { colors as pc } from './colors.js';

/** One line of progress on stderr, rewritten in place (for a terminal only: callers check isTTY). */
export class ProgressLine {
  say(text: string): void {
    process.stderr.write(`\r\x1b[2K${pc.dim(text)}`);
  }
  clear(): void {
    process.stderr.write('\r\x1b[2K');
  }
}
