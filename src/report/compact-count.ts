/** A row count for people: 950, 12k, 2.0M. */
/**
 * Three significant digits: 906.11 → 906, 51302 → 51.3k, 4.2e9 → 4.2B. What stays the same when an estimate
 * moves a little (one made against now() moves with the clock).
 */
export const significantCount = (n: number): string => (n >= 1e9 ? `${+(n / 1e9).toPrecision(3)}B` : n >= 1e6 ? `${+(n / 1e6).toPrecision(3)}M` : n >= 1e4 ? `${+(n / 1e3).toPrecision(3)}k` : String(+n.toPrecision(3)));

/** Bytes to three significant digits in kB, MB, GB or TB. */
export const significantBytes = (bytes: number): string => {
  const [unit, size] = bytes >= 1024 ** 4 ? ['TB', 1024 ** 4] : bytes >= 1024 ** 3 ? ['GB', 1024 ** 3] : bytes >= 1024 ** 2 ? ['MB', 1024 ** 2] : ['kB', 1024];
  return `${+(bytes / (size as number)).toPrecision(3)} ${unit}`;
};

export const compactCount = (n: number): string => (n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e4 ? `${Math.round(n / 1e3)}k` : String(Math.round(n)));
