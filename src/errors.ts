import type { Span } from './model/types.js';

/**
 * An error the user caused (bad SQL, missing file, unreachable database, invalid spec).
 * The CLI prints `message` (prefixed by the location when there is one) and exits 2;
 * it never prints a stack trace for these.
 */
export class SchemawiseError extends Error {
  readonly span?: Span;
  constructor(message: string, span?: Span) {
    super(message);
    this.name = 'SchemawiseError';
    this.span = span;
  }

  /** `file:line:col: message`, or the message alone. */
  format(): string {
    return this.span ? `${this.span.file}:${this.span.line}:${this.span.column}: ${this.message}` : this.message;
  }
}
