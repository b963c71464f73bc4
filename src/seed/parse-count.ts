import { SchemawiseError } from '../errors.js';

/** A row count as people write them: 2000, 1e6, 2M, 100k, 1_000_000. */
export function parseCount(text: string, what: string): number {
  const m = /^(\d[\d_]*(?:\.\d+)?(?:e\d+)?)\s*([kmb])?$/i.exec(text.trim());
  if (!m) throw new SchemawiseError(`${what}: "${text}" is not a count (examples: 5000, 1e6, 2M, 100k)`);
  const unit = { k: 1e3, m: 1e6, b: 1e9 }[(m[2] ?? '').toLowerCase() as 'k' | 'm' | 'b'] ?? 1;
  return Math.round(Number(m[1].replaceAll('_', '')) * unit);
}
