/** Per-bar return statistics on floats (statistics, not money). */

export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s / xs.length;
}

/** Sample standard deviation (n - 1); null for fewer than two values. */
export function sampleStdDev(xs: ArrayLike<number>): number | null {
  const n = xs.length;
  if (n < 2) return null;
  const m = mean(xs);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (xs[i]! - m) ** 2;
  return Math.sqrt(ss / (n - 1));
}

/** Downside deviation against a 0 target, with the same n - 1 denominator as the sample deviation. */
export function downsideDeviation(xs: ArrayLike<number>): number | null {
  const n = xs.length;
  if (n < 2) return null;
  let ss = 0;
  for (let i = 0; i < n; i++) if (xs[i]! < 0) ss += xs[i]! ** 2;
  return Math.sqrt(ss / (n - 1));
}

/** Simple returns between consecutive points; stops at the first non-positive level (ruin). */
export function simpleReturns(levels: ArrayLike<number>): { returns: Float64Array; ruined: boolean } {
  const out = new Float64Array(Math.max(0, levels.length - 1));
  for (let i = 1; i < levels.length; i++) {
    const prev = levels[i - 1]!;
    if (!(prev > 0)) return { returns: out.subarray(0, i - 1), ruined: true };
    out[i - 1] = levels[i]! / prev - 1;
  }
  return { returns: out, ruined: false };
}
