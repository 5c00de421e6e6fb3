/**
 * Drawdown on an equity curve: the fall from the running peak as a fraction of that peak. The deepest
 * fall is the max drawdown; the longest stretch below a previous peak (until a new high, or the end)
 * is the max drawdown duration.
 */

export interface DrawdownStats {
  /** In [0, 1]; 0 for a curve that never falls. */
  maxDrawdown: number;
  /** Index of the peak before, and of the trough of, the deepest drawdown (null when none). */
  peakIndex: number | null;
  troughIndex: number | null;
  /** Longest run of points below the running peak, in bars (points). */
  longestBars: number;
  longestStartIndex: number | null;
}

export function drawdownStats(levels: ArrayLike<number>): DrawdownStats {
  let peak = -Infinity;
  let peakAt = 0;
  let max = 0;
  let maxPeak: number | null = null;
  let maxTrough: number | null = null;
  let longest = 0;
  let longestStart: number | null = null;
  for (let i = 0; i < levels.length; i++) {
    const v = levels[i]!;
    if (v >= peak) {
      peak = v;
      peakAt = i;
      continue;
    }
    const dd = peak > 0 ? Math.min(1, (peak - v) / peak) : 1;
    if (dd > max) {
      max = dd;
      maxPeak = peakAt;
      maxTrough = i;
    }
    if (i - peakAt > longest) {
      longest = i - peakAt;
      longestStart = peakAt;
    }
  }
  return { maxDrawdown: max, peakIndex: maxPeak, troughIndex: maxTrough, longestBars: longest, longestStartIndex: longestStart };
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
