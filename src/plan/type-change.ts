/**
 * What ALTER COLUMN … TYPE costs, from the two type spellings (format_type's).
 * PostgreSQL skips the table rewrite when the old type is binary-coercible to the new one
 * and no constraint on the new one can fail (e.g. a length limit that only grows); it still
 * rebuilds the column's indexes when the type's comparison changes. Everything else rewrites
 * the table under ACCESS EXCLUSIVE.
 */
export interface TypeChange {
  rewrites: boolean;
  /** Some values of the old type may not fit the new one: data can be lost or the change fail. */
  narrowing: boolean;
}

const VARCHAR = /^character varying(?:\((\d+)\))?$/;
const NUMERIC = /^numeric(?:\((\d+)(?:,\s*(\d+))?\))?$/;
const BIT_VARYING = /^bit varying(?:\((\d+)\))?$/;
const INTEGER_WIDTH: Record<string, number> = { smallint: 2, integer: 4, bigint: 8 };

const CHAR = /^character(?:\((\d+)\))?$/;
const WIDENS: Record<string, string[]> = { real: ['double precision', 'numeric'], smallint: ['real', 'double precision'], integer: ['double precision'] };

export function typeChange(from: string, to: string): TypeChange {
  if (from === to) return { rewrites: false, narrowing: false };
  // An array changes as its elements do.
  if (from.endsWith('[]') && to.endsWith('[]')) return typeChange(from.slice(0, -2), to.slice(0, -2));
  if (WIDENS[from]?.includes(to)) return { rewrites: true, narrowing: false };
  const charFrom = CHAR.exec(from);
  const charTo = CHAR.exec(to);
  if (charFrom && charTo) return { rewrites: true, narrowing: Number(charTo[1] ?? 1) < Number(charFrom[1] ?? 1) };
  if (charFrom && (to === 'text' || VARCHAR.test(to))) return { rewrites: true, narrowing: VARCHAR.exec(to)?.[1] !== undefined && Number(VARCHAR.exec(to)![1]) < Number(charFrom[1] ?? 1) };
  const varcharFrom = VARCHAR.exec(from);
  const varcharTo = VARCHAR.exec(to);
  const limit = (m: RegExpExecArray | null) => (m?.[1] === undefined ? Infinity : Number(m[1]));
  // varchar(n) → varchar(m ≥ n), varchar, text; text → varchar: the same bytes on disk.
  if ((varcharFrom || from === 'text') && (varcharTo || to === 'text')) {
    const before = varcharFrom ? limit(varcharFrom) : Infinity;
    const after = varcharTo ? limit(varcharTo) : Infinity;
    return after >= before ? { rewrites: false, narrowing: false } : { rewrites: true, narrowing: true };
  }
  const numericFrom = NUMERIC.exec(from);
  const numericTo = NUMERIC.exec(to);
  if (numericFrom && numericTo) {
    // Unconstrained numeric accepts every value; a constrained one must keep the scale and not lose integer digits.
    if (numericTo[1] === undefined) return { rewrites: false, narrowing: false };
    if (numericFrom[1] === undefined) return { rewrites: true, narrowing: true };
    const [p1, s1, p2, s2] = [Number(numericFrom[1]), Number(numericFrom[2] ?? 0), Number(numericTo[1]), Number(numericTo[2] ?? 0)];
    if (s1 === s2 && p2 >= p1) return { rewrites: false, narrowing: false };
    return { rewrites: true, narrowing: s2 < s1 || p2 - s2 < p1 - s1 };
  }
  const bitFrom = BIT_VARYING.exec(from);
  const bitTo = BIT_VARYING.exec(to);
  if (bitFrom && bitTo) return limit(bitTo) >= limit(bitFrom) ? { rewrites: false, narrowing: false } : { rewrites: true, narrowing: true };
  if (from === 'cidr' && to === 'inet') return { rewrites: false, narrowing: false };
  if (from in INTEGER_WIDTH && to in INTEGER_WIDTH) return { rewrites: true, narrowing: INTEGER_WIDTH[to] < INTEGER_WIDTH[from] };
  if (from in INTEGER_WIDTH && (to === 'numeric' || to === 'text' || NUMERIC.test(to))) return { rewrites: true, narrowing: NUMERIC.exec(to)?.[1] !== undefined };
  if (from === 'timestamp without time zone' && to === 'timestamp with time zone') return { rewrites: true, narrowing: false };
  if (to === 'text') return { rewrites: true, narrowing: false };
  // Any other change may fail on existing values (text → integer) or lose precision.
  return { rewrites: true, narrowing: true };
}
