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

/**
 * The bar interval of a series is the most frequent gap between consecutive bars: weekends, holidays
 * and session breaks are the exceptions, not the rule. Bounded memory: at most MAX_DISTINCT gaps are
 * tracked; an irregular series beyond that still yields its most frequent tracked gap.
 */
export class IntervalTally {
  private static readonly MAX_DISTINCT = 4096;
  private readonly counts = new Map<number, number>();

  add(gapMs: number): void {
    const gap = Math.abs(gapMs);
    const seen = this.counts.get(gap);
    if (seen !== undefined) this.counts.set(gap, seen + 1);
    else if (this.counts.size < IntervalTally.MAX_DISTINCT) this.counts.set(gap, 1);
  }

  /** The most frequent gap; ties go to the smaller gap, so the answer does not depend on order. */
  mode(): number | null {
    let best: number | null = null;
    let bestCount = 0;
    for (const [gap, count] of this.counts) {
      if (count > bestCount || (count === bestCount && best !== null && gap < best)) {
        best = gap;
        bestCount = count;
      }
    }
    return best;
  }
}
