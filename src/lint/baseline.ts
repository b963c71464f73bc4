import { readFileSync } from 'node:fs';
import { SchemawiseError } from '../errors.js';
import type { Finding } from './types.js';

/**
 * A baseline records accepted findings by rule and object, with a count, not by line: it
 * survives edits that move statements, and a second finding of the same rule on the same
 * object still shows. Messages are kept for people reading the file.
 */
export interface Baseline {
  version: 1;
  findings: { ruleId: string; object: string; count: number; messages: string[] }[];
}

const key = (f: { ruleId: string; object: string }) => `${f.ruleId}\u0000${f.object}`;

export function toBaseline(findings: Finding[]): Baseline {
  const byKey = new Map<string, Baseline['findings'][number]>();
  for (const f of findings) {
    const entry = byKey.get(key(f)) ?? { ruleId: f.ruleId, object: f.object, count: 0, messages: [] };
    entry.count++;
    entry.messages.push(f.message);
    byKey.set(key(f), entry);
  }
  return { version: 1, findings: [...byKey.values()] };
}

export function readBaseline(file: string): Baseline {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new SchemawiseError(`${file}: ${code === 'ENOENT' ? 'no such baseline file (create it with --write-baseline)' : code ? `cannot read: ${code}` : `not a baseline: ${(error as Error).message}`}`);
  }
  const b = raw as Baseline;
  if (!b || b.version !== 1 || !Array.isArray(b.findings) || !b.findings.every((f) => f !== null && typeof f === 'object' && typeof f.ruleId === 'string' && typeof f.object === 'string' && Number.isInteger(f.count))) {
    throw new SchemawiseError(`${file}: not a schemawise baseline (expected {"version": 1, "findings": [...]}, written by --write-baseline)`);
  }
  return b;
}

/** The findings the baseline does not account for, and how many it hid. */
export function applyBaseline(findings: Finding[], baseline: Baseline): { findings: Finding[]; hidden: number } {
  const left = new Map(baseline.findings.map((f) => [key(f), f.count]));
  const kept: Finding[] = [];
  for (const f of findings) {
    const n = left.get(key(f)) ?? 0;
    if (n > 0) left.set(key(f), n - 1);
    else kept.push(f);
  }
  return { findings: kept, hidden: findings.length - kept.length };
}
