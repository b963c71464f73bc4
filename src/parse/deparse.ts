import { deparseSync } from 'pgsql-deparser';

/** SQL text of a parse-tree node (an expression or a statement), via pgsql-deparser. */
export function deparse(node: unknown): string {
  try {
    return deparseSync(node as any).trim();
  } catch {
    // The deparser lags the grammar on rare nodes; the model keeps a marker rather than
    // failing the whole load over one expression.
    return '/* expression schemawise cannot print */';
  }
}
