/** Per-bar return statistics on floats (statistics, not money). */

import type { Series } from './series.js';

export function mean(xs: Series): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs.at(i)!;
  return s / xs.length;
}

/** Sample standard deviation (n - 1); null for fewer than two values. */
export function sampleStdDev(xs: Series): number | null {
  const n = xs.length;
  if (n < 2) return null;
  const m = mean(xs);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (xs.at(i)! - m) ** 2;
  return Math.sqrt(ss / (n - 1));
}

/**
 * Downside deviation against a 0 target: sqrt(mean(min(r, 0)^2)) over ALL n returns (empyrical's
 * downside_risk: the mean, not n - 1, and positive returns count as zeros). Null for fewer than two values.
 */
export function downsideDeviation(xs: Series): number | null {
  const n = xs.length;
  if (n < 2) return null;
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const x = xs.at(i)!;
    if (x < 0) ss += x ** 2;
  }
  return Math.sqrt(ss / n);
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

/**
 * Skewness and excess kurtosis as moment ratios with the population (biased) moments: m3 / m2^1.5 and
 * m4 / m2^2 - 3 (scipy.stats.skew and kurtosis with their defaults). Null for fewer than three values or
 * no variance.
 */
export function shapeOf(xs: Series): { skew: number; excessKurtosis: number } | null {
  const n = xs.length;
  if (n < 3) return null;
  const m = mean(xs);
  let m2 = 0;
  let m3 = 0;
  let m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = xs.at(i)! - m;
    const d2 = d * d;
    m2 += d2;
    m3 += d2 * d;
    m4 += d2 * d2;
  }
  m2 /= n;
  m3 /= n;
  m4 /= n;
  if (!(m2 > 0)) return null;
  return { skew: m3 / m2 ** 1.5, excessKurtosis: m4 / (m2 * m2) - 3 };
}
