const UNITS: ReadonlyArray<readonly [suffix: string, ms: number]> = [
  ['w', 7 * 86_400_000],
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
];

/** 60000 -> '1m', 86400000 -> '1d', 1500 -> '1500ms'. */
export function formatInterval(ms: number): string {
  for (const [suffix, size] of UNITS) {
    if (ms >= size && ms % size === 0) return `${ms / size}${suffix}`;
  }
  return `${ms}ms`;
}

/** '1m' -> 60000, '4h' -> 14400000, '250ms' -> 250; null when not an interval. */
export function parseInterval(text: string): number | null {
  const m = /^(\d+)(ms|s|m|h|d|w)$/.exec(text.trim());
  if (!m) return null;
  const count = Number(m[1]);
  const unit = m[2] === 'ms' ? 1 : (UNITS.find(([suffix]) => suffix === m[2])?.[1] ?? 0);
  const ms = count * unit;
  return Number.isSafeInteger(ms) && ms > 0 ? ms : null;
}
