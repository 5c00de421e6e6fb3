import { mean, sampleStdDev } from './statistics.js';

/**
 * The strategy against a benchmark, per bar (empyrical's beta, alpha and excess_sharpe, annualised):
 * beta = cov(r, b) / var(b) (the same denominator for both, so ddof cancels); alpha = (1 + mean(r -
 * beta b))^P - 1; information ratio = mean(r - b) / std(r - b, ddof 1) x sqrt(P). Null where undefined
 * (fewer than two returns, a benchmark without variance, no tracking error). Written the plain way (arrays,
 * map()): the oracle of relative-figures.test.ts and of the reference computeMetrics.
 */
export function relativeFigures(
  returns: ArrayLike<number>,
  benchmark: ArrayLike<number>,
  periodsPerYear: number,
): { beta: number | null; alpha: number | null; informationRatio: number | null } {
  const n = Math.min(returns.length, benchmark.length);
  if (n < 2) return { beta: null, alpha: null, informationRatio: null };
  const r = Array.prototype.slice.call(returns, 0, n) as number[];
  const b = Array.prototype.slice.call(benchmark, 0, n) as number[];
  const mb = mean(b);
  const mr = mean(r);
  let cov = 0;
  let varB = 0;
  for (let i = 0; i < n; i++) {
    cov += (b[i]! - mb) * (r[i]! - mr);
    varB += (b[i]! - mb) ** 2;
  }
  const beta = varB / n > 1e-30 ? cov / varB : null;
  const alpha = beta === null ? null : (1 + mean(r.map((x, i) => x - beta * b[i]!))) ** periodsPerYear - 1;
  const active = r.map((x, i) => x - b[i]!);
  const te = sampleStdDev(active);
  const informationRatio = te !== null && te > 0 ? (mean(active) / te) * Math.sqrt(periodsPerYear) : null;
  return { beta, alpha: alpha !== null && Number.isFinite(alpha) ? alpha : null, informationRatio };
}
