import { mean, sampleStdDev } from './statistics.js';

/**
 * The strategy against a benchmark, per bar (empyrical's beta, alpha and excess_sharpe, annualised):
 * beta = cov(r, b) / var(b) (the same denominator for both, so ddof cancels); alpha = (1 + mean(r -
 * beta b))^P - 1; information ratio = mean(r - b) / std(r - b, ddof 1) x sqrt(P). Null where undefined
 * (fewer than two returns, a benchmark without variance, no tracking error).
 */
export function relativeFigures(
  returns: ArrayLike<number>,
  benchmark: ArrayLike<number>,
  periodsPerYear: number,
): { beta: number | null; alpha: number | null; informationRatio: number | null } {
  const n = Math.min(returns.length, benchmark.length);
  if (n < 2) return { beta: null, alpha: null, informationRatio: null };
  const r = firstValues(returns, n);
  const b = firstValues(benchmark, n);
  const mb = mean(b);
  const mr = mean(r);
  let cov = 0;
  let varB = 0;
  for (let i = 0; i < n; i++) {
    cov += (b[i]! - mb) * (r[i]! - mr);
    varB += (b[i]! - mb) ** 2;
  }
  const beta = varB / n > 1e-30 ? cov / varB : null;
  // One scratch array, off the JS heap, for both differences (a year of minute bars is 4 MB a series).
  const diff = new Float64Array(n);
  let alpha: number | null = null;
  if (beta !== null) {
    for (let i = 0; i < n; i++) diff[i] = r[i]! - beta * b[i]!;
    alpha = (1 + mean(diff)) ** periodsPerYear - 1;
  }
  for (let i = 0; i < n; i++) diff[i] = r[i]! - b[i]!;
  const active = diff;
  const te = sampleStdDev(active);
  const informationRatio = te !== null && te > 0 ? (mean(active) / te) * Math.sqrt(periodsPerYear) : null;
  return { beta, alpha: alpha !== null && Number.isFinite(alpha) ? alpha : null, informationRatio };
}

/** The first n values, without a copy when they already are a typed array of that length (or can be viewed as one). */
function firstValues(xs: ArrayLike<number>, n: number): ArrayLike<number> {
  if (xs.length === n) return xs;
  if (xs instanceof Float64Array) return xs.subarray(0, n);
  return Float64Array.from({ length: n }, (_, i) => xs[i]!);
}
