export { formatInterval, parseInterval } from '../../engine/interval.js';

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
