/**
 * Differences between two JSON-like values as readable paths, matching array items by
 * `name` when they have one (`schemas[public].tables[users].columns[email].type: a ≠ b`),
 * so an oracle failure says exactly what disagrees.
 */
export function modelDiff(a: unknown, b: unknown, path = ''): string[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return [];
  if (Array.isArray(a) && Array.isArray(b)) {
    const named = (x: unknown[]) => x.length > 0 && x.every((i) => i && typeof i === 'object' && typeof (i as any).name === 'string');
    if (named(a) || named(b)) {
      const out: string[] = [];
      const key = (i: any) => (i.table ? `${i.table.name}.${i.name}` : i.arguments !== undefined ? `${i.name}(${i.arguments})` : i.name);
      const mapA = new Map(a.map((i: any) => [key(i), i]));
      const mapB = new Map(b.map((i: any) => [key(i), i]));
      for (const [k, v] of mapA) {
        if (!mapB.has(k)) out.push(`${path}[${k}]: only in first`);
        else out.push(...modelDiff(v, mapB.get(k), `${path}[${k}]`));
      }
      for (const k of mapB.keys()) if (!mapA.has(k)) out.push(`${path}[${k}]: only in second`);
      return out;
    }
    return [`${path}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`];
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    const out: string[] = [];
    for (const k of keys) out.push(...modelDiff((a as any)[k], (b as any)[k], path ? `${path}.${k}` : k));
    return out;
  }
  return [`${path}: ${JSON.stringify(a)} ≠ ${JSON.stringify(b)}`];
}
