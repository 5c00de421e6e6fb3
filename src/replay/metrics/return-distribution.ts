import { DAY_MS } from './annualization.js';
import { periodReturns } from './period-returns.js';
import { mean, sampleStdDev, shapeOf } from './statistics.js';

/**
 * The distribution of a curve's returns for the report: daily (UTC calendar days) when bars are shorter
 * than a day, per bar otherwise, so minute and hour bars are not a spike of zeros. Days or bars without a
 * position count, as 0. A histogram of equal-width bins over [worst, best], and the moments.
 */

export interface ReturnDistribution {
  basis: 'daily' | 'per bar';
  count: number;
  mean: number | null;
  /** Sample standard deviation (ddof 1). */
  stdev: number | null;
  /** Population moment ratios (scipy's defaults): m3 / m2^1.5 and m4 / m2^2 - 3. */
  skew: number | null;
  excessKurtosis: number | null;
  best: number | null;
  worst: number | null;
  /** Share of periods with a return above 0, and below 0. */
  positiveShare: number;
  negativeShare: number;
  /** `bins` equal-width bins from worst to best: edges has bins + 1 entries. */
  histogram: { edges: number[]; counts: number[] };
}

export function returnDistribution(times: ArrayLike<number>, values: ArrayLike<number>, initial: number, intervalMs: number | null, bins = 30): ReturnDistribution {
  const daily = intervalMs === null || intervalMs < DAY_MS;
  const rs = daily ? periodReturns(times, values, initial, 'day').map((p) => p.return) : perBar(values, initial);
  const n = rs.length;
  let best = -Infinity;
  let worst = Infinity;
  let up = 0;
  let down = 0;
  for (const r of rs) {
    best = Math.max(best, r);
    worst = Math.min(worst, r);
    if (r > 0) up++;
    else if (r < 0) down++;
  }
  const shape = shapeOf(rs);
  return {
    basis: daily ? 'daily' : 'per bar',
    count: n,
    mean: n > 0 ? mean(rs) : null,
    stdev: sampleStdDev(rs),
    skew: shape?.skew ?? null,
    excessKurtosis: shape?.excessKurtosis ?? null,
    best: n > 0 ? best : null,
    worst: n > 0 ? worst : null,
    positiveShare: n > 0 ? up / n : 0,
    negativeShare: n > 0 ? down / n : 0,
    histogram: n > 0 ? histogram(rs, worst, best, bins) : { edges: [], counts: [] },
  };
}

function perBar(values: ArrayLike<number>, initial: number): number[] {
  const out: number[] = [];
  let prev = initial;
  for (let i = 0; i < values.length; i++) {
    if (!(prev > 0)) break;
    out.push(values[i]! / prev - 1);
    prev = values[i]!;
  }
  return out;
}

function histogram(xs: readonly number[], lo: number, hi: number, bins: number): { edges: number[]; counts: number[] } {
  const k = lo === hi ? 1 : bins;
  const width = lo === hi ? 1 : (hi - lo) / k;
  const edges = Array.from({ length: k + 1 }, (_, i) => (i === k && lo !== hi ? hi : lo + i * width));
  const counts = new Array<number>(k).fill(0);
  for (const x of xs) counts[Math.min(k - 1, Math.floor((x - lo) / width))]!++;
  return { edges, counts };
}
