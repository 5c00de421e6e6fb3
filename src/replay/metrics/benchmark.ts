import { DifferenceView, PrefixView, type Series } from './series.js';
import { mean, sampleStdDev } from './statistics.js';

/**
 * The strategy against a benchmark, per bar (empyrical's beta, alpha and excess_sharpe, annualised):
 * beta = cov(r, b) / var(b) (the same denominator for both, so ddof cancels); alpha = (1 + mean(r -
 * beta b))^P - 1; information ratio = mean(r - b) / std(r - b, ddof 1) x sqrt(P). Null where undefined
 * (fewer than two returns, a benchmark without variance, no tracking error).
 */
export function relativeFigures(
  returns: Series,
  benchmark: Series,
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
    const bi = b.at(i)!;
    cov += (bi - mb) * (r.at(i)! - mr);
    varB += (bi - mb) ** 2;
  }
  const beta = varB / n > 1e-30 ? cov / varB : null;
  // The differences are views, computed when read: no scratch array of bar length (4 MB a year of minute bars).
  const alpha = beta === null ? null : (1 + mean(new DifferenceView(r, b, n, beta))) ** periodsPerYear - 1;
  const active = new DifferenceView(r, b, n);
  const te = sampleStdDev(active);
  const informationRatio = te !== null && te > 0 ? (mean(active) / te) * Math.sqrt(periodsPerYear) : null;
  return { beta, alpha: alpha !== null && Number.isFinite(alpha) ? alpha : null, informationRatio };
}

/** The first n values, without a copy. */
function firstValues(xs: Series, n: number): Series {
  return xs.length === n ? xs : new PrefixView(xs, n);
}
