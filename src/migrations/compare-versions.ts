/**
 * Orders migration versions such as `9`, `0010`, `1.10`, `20230101120000`: dot-separated runs
 * of digits compared numerically part by part, so `10` follows `9` and `1.10` follows `1.9`.
 * A missing part counts as 0, so `1` and `1.0` (or `0001`) are the same version, as Flyway
 * treats them. Parts are compared as digit strings, not numbers, so no timestamp overflows.
 */
export function compareVersions(a: string, b: string): number {
  const left = a.split('.');
  const right = b.split('.');
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const order = compareDigits(left[i] ?? '0', right[i] ?? '0');
    if (order !== 0) return order;
  }
  return 0;
}

function compareDigits(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) return x.length - y.length;
  return x < y ? -1 : x > y ? 1 : 0;
}
