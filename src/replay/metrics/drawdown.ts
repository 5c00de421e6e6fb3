/**
 * Drawdown on an equity curve: the fall from the running peak as a fraction of that peak. The deepest
 * fall is the max drawdown; the longest stretch below a previous peak (until a new high, or the end)
 * is the max drawdown duration.
 */

import type { Series } from './series.js';

export interface DrawdownStats {
  /** In [0, 1]; 0 for a curve that never falls. */
  maxDrawdown: number;
  /** Index of the peak before, and of the trough of, the deepest drawdown (null when none). */
  peakIndex: number | null;
  troughIndex: number | null;
  /** The longest stretch below a previous peak: its points below the peak. */
  longestBars: number;
  longestStartIndex: number | null;
  /** Where that stretch ended: the point that regained the peak, or the last point if none did. */
  longestEndIndex: number | null;
  /** Elapsed time of that stretch, from the peak to its recovery (or to the end); null without times. */
  longestMs: number | null;
}

/**
 * With `timeOf` (the time of a point), the longest stretch is the longest in elapsed time, from the peak to
 * the point that regains it (or the last point): calendar time, whatever the spacing of the points
 * (weekends, sessions, gaps). Without it, the longest in points.
 */
export function drawdownStats(levels: Series, timeOf?: (index: number) => number): DrawdownStats {
  let peak = -Infinity;
  let peakAt = 0;
  let max = 0;
  let maxPeak: number | null = null;
  let maxTrough: number | null = null;
  let below = false;
  let lastBelow = 0;
  const longest = { bars: 0, start: null as number | null, end: null as number | null, ms: null as number | null, key: -1 };
  const closeStretch = (end: number): void => {
    const bars = lastBelow - peakAt;
    const ms = timeOf ? timeOf(end) - timeOf(peakAt) : null;
    const key = ms ?? bars;
    if (key > longest.key) Object.assign(longest, { bars, start: peakAt, end, ms, key });
  };
  for (let i = 0; i < levels.length; i++) {
    const v = levels.at(i)!;
    if (v >= peak) {
      if (below) closeStretch(i);
      below = false;
      peak = v;
      peakAt = i;
      continue;
    }
    below = true;
    lastBelow = i;
    const dd = peak > 0 ? Math.min(1, (peak - v) / peak) : 1;
    if (dd > max) {
      max = dd;
      maxPeak = peakAt;
      maxTrough = i;
    }
  }
  if (below) closeStretch(levels.length - 1);
  return {
    maxDrawdown: max,
    peakIndex: maxPeak,
    troughIndex: maxTrough,
    longestBars: longest.bars,
    longestStartIndex: longest.start,
    longestEndIndex: longest.end,
    longestMs: longest.ms,
  };
}

/** The drawdown fraction at every point (for the report's underwater chart). */
export function drawdownSeries(levels: ArrayLike<number>): Float64Array {
  const out = new Float64Array(levels.length);
  let peak = -Infinity;
  for (let i = 0; i < levels.length; i++) {
    const v = levels[i]!;
    if (v > peak) peak = v;
    out[i] = peak > 0 ? Math.min(1, Math.max(0, (peak - v) / peak)) : 0;
  }
  return out;
}
