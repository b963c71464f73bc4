/**
 * Whether ALTER COLUMN … TYPE can lose data or fail on existing values, from the two type
 * spellings (format_type's): a shorter length, a smaller precision or integer, or a cast that
 * may not succeed (text → integer). Whether it rewrites the table is `typeChangeCost`'s
 * (src/lint/type-change-cost.ts), shared with migrate lint.
 */

const VARCHAR = /^character varying(?:\((\d+)\))?$/;
const NUMERIC = /^numeric(?:\((\d+)(?:,\s*(\d+))?\))?$/;
const BIT_VARYING = /^bit varying(?:\((\d+)\))?$/;
const INTEGER_WIDTH: Record<string, number> = { smallint: 2, integer: 4, bigint: 8 };
const CHAR = /^character(?:\((\d+)\))?$/;
const WIDENS: Record<string, string[]> = { real: ['double precision', 'numeric'], smallint: ['real', 'double precision'], integer: ['double precision'] };

export function narrowingTypeChange(from: string, to: string): boolean {
  if (from === to) return false;
  // An array changes as its elements do.
  if (from.endsWith('[]') && to.endsWith('[]')) return narrowingTypeChange(from.slice(0, -2), to.slice(0, -2));
  if (WIDENS[from]?.includes(to)) return false;
  const charFrom = CHAR.exec(from);
  const charTo = CHAR.exec(to);
  if (charFrom && charTo) return Number(charTo[1] ?? 1) < Number(charFrom[1] ?? 1);
  if (charFrom && (to === 'text' || VARCHAR.test(to))) return VARCHAR.exec(to)?.[1] !== undefined && Number(VARCHAR.exec(to)![1]) < Number(charFrom[1] ?? 1);
  const varcharFrom = VARCHAR.exec(from);
  const varcharTo = VARCHAR.exec(to);
  const limit = (m: RegExpExecArray | null) => (m?.[1] === undefined ? Infinity : Number(m[1]));
  // Only a shorter length limit can cut a string.
  if ((varcharFrom || from === 'text') && (varcharTo || to === 'text')) return (varcharTo ? limit(varcharTo) : Infinity) < (varcharFrom ? limit(varcharFrom) : Infinity);
  const numericFrom = NUMERIC.exec(from);
  const numericTo = NUMERIC.exec(to);
  if (numericFrom && numericTo) {
    // Unconstrained numeric accepts every value; a constrained one must keep the scale and not lose integer digits.
    if (numericTo[1] === undefined) return false;
    if (numericFrom[1] === undefined) return true;
    const [p1, s1, p2, s2] = [Number(numericFrom[1]), Number(numericFrom[2] ?? 0), Number(numericTo[1]), Number(numericTo[2] ?? 0)];
    return s2 < s1 || p2 - s2 < p1 - s1;
  }
  const bitFrom = BIT_VARYING.exec(from);
  const bitTo = BIT_VARYING.exec(to);
  if (bitFrom && bitTo) return limit(bitTo) < limit(bitFrom);
  if (from === 'cidr' && to === 'inet') return false;
  if (from in INTEGER_WIDTH && to in INTEGER_WIDTH) return INTEGER_WIDTH[to] < INTEGER_WIDTH[from];
  if (from in INTEGER_WIDTH && (to === 'numeric' || to === 'text' || NUMERIC.test(to))) return NUMERIC.exec(to)?.[1] !== undefined;
  if (from === 'timestamp without time zone' && to === 'timestamp with time zone') return false;
  if (to === 'text') return false;
  // Any other change may fail on existing values (text → integer) or lose precision.
  return true;
}
