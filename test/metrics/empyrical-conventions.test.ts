import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeMetrics, DAY_MS } from '../../src/replay/metrics/index.js';

/**
 * The metric conventions, checked against empyrical's formulas. Python is not available here, so each
 * empyrical function is written out below from its documented definition (empyrical/stats.py), on plain
 * arrays and with nothing shared with src/replay/metrics:
 *
 *   sharpe_ratio(r, risk_free=0)  = mean(r - rf) / std(r - rf, ddof=1) * sqrt(ann)
 *   downside_risk(r, required=0)  = sqrt(mean(clip(r - required, -inf, 0)^2)) * sqrt(ann)
 *   sortino_ratio(r, required=0)  = mean(r - required) * ann / downside_risk(r, required)
 *   annual_volatility(r)          = std(r, ddof=1) * sqrt(ann)
 *   annual_return(r) (= cagr)     = prod(1 + r)^(1 / (len(r) / ann)) - 1
 *   max_drawdown(r)               = min((cum - cummax(cum)) / cummax(cum)), cum starting at 100 before r
 *   beta(r, f)                    = mean((f - mean f) * r) / mean((f - mean f)^2)
 *   alpha(r, f)                   = (1 + mean(r - beta * f))^ann - 1
 *   excess_sharpe(r, f)           = mean(r - f) / std(r - f, ddof=1)     (annualised below by sqrt(ann))
 */

const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const std1 = (xs: number[]) => {
  const m = avg(xs);
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
};
const empyrical = {
  sharpe: (r: number[], ann: number) => (avg(r) / std1(r)) * Math.sqrt(ann),
  downsideRisk: (r: number[], ann: number) => Math.sqrt(avg(r.map((x) => Math.min(x, 0) ** 2))) * Math.sqrt(ann),
  sortino: (r: number[], ann: number) => (avg(r) * ann) / empyrical.downsideRisk(r, ann),
  volatility: (r: number[], ann: number) => std1(r) * Math.sqrt(ann),
  annualReturn: (r: number[], ann: number) => r.reduce((a, x) => a * (1 + x), 1) ** (1 / (r.length / ann)) - 1,
  maxDrawdown: (r: number[]) => {
    let cum = 100;
    let peak = 100;
    let worst = 0;
    for (const x of r) {
      cum *= 1 + x;
      peak = Math.max(peak, cum);
      worst = Math.min(worst, (cum - peak) / peak);
    }
    return worst;
  },
  beta: (r: number[], f: number[]) => {
    const mf = avg(f);
    const resid = f.map((x) => x - mf);
    return avg(resid.map((x, i) => x * r[i]!)) / avg(resid.map((x) => x * x));
  },
  alpha: (r: number[], f: number[], ann: number) => {
    const b = empyrical.beta(r, f);
    return (1 + avg(r.map((x, i) => x - b * f[i]!))) ** ann - 1;
  },
  excessSharpe: (r: number[], f: number[]) => {
    const active = r.map((x, i) => x - f[i]!);
    return avg(active) / std1(active);
  },
};

const near = (actual: number | null, expected: number, rel = 1e-9) => {
  expect(actual).not.toBeNull();
  expect(Math.abs(actual! - expected)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(expected)));
};

/** Per-bar returns in hundredths of a basis point, at least one negative (so Sortino is defined) and not all equal. */
const bps = (min: number, max: number) => fc.integer({ min: min * 100, max: max * 100 }).map((x) => x / 1_000_000);
const returnsArb = fc
  .array(bps(-2000, 2500), { minLength: 3, maxLength: 120 })
  .filter((r) => r.some((x) => x < 0) && new Set(r).size > 1);

function curveOf(returns: number[], initial: number): number[] {
  const out: number[] = [];
  let level = initial;
  for (const r of returns) out.push((level *= 1 + r));
  return out;
}

/** Weekday daily bars: 252 periods a year. */
function weekdays(n: number): number[] {
  const out: number[] = [];
  for (let t = Date.UTC(2024, 0, 1); out.length < n; t += DAY_MS) {
    const wd = new Date(t).getUTCDay();
    if (wd !== 0 && wd !== 6) out.push(t);
  }
  return out;
}

describe("metrics follow empyrical's formulas", () => {
  it('Sharpe, Sortino, volatility, CAGR and max drawdown of the equity curve', () => {
    // Found by fast-check once: three bars losing 40% compound to -100% a year in floating point.
    const underflow = [0, -0.19946, -0.199986];
    const m = computeMetrics({ equityCurve: curveOf(underflow, 100), times: weekdays(3), intervalMs: DAY_MS, trades: [], fees: 0, initialEquity: 100, barsInMarket: 0 });
    expect(m.cagr! + 1).toBeLessThan(1e-12);
    fc.assert(
      fc.property(returnsArb, fc.double({ min: 100, max: 1e7, noNaN: true }), (r, initial) => {
        const curve = curveOf(r, initial);
        const m = computeMetrics({ equityCurve: curve, times: weekdays(curve.length), intervalMs: DAY_MS, trades: [], fees: 0, initialEquity: initial, barsInMarket: 0 });
        expect(m.periodsPerYear).toBe(252);
        near(m.sharpe, empyrical.sharpe(r, 252), 1e-7);
        near(m.sortino, empyrical.sortino(r, 252), 1e-7);
        near(m.volatility, empyrical.volatility(r, 252), 1e-7);
        // A short losing curve compounded to a year underflows to -100% in both (log1p would be -Infinity on each side).
        const expectedCagr = empyrical.annualReturn(r, 252);
        if (expectedCagr + 1 < 1e-12) expect(m.cagr! + 1).toBeLessThan(1e-12);
        else near(m.cagr === null ? null : Math.log1p(m.cagr), Math.log1p(expectedCagr), 1e-6);
        near(-m.maxDrawdown, empyrical.maxDrawdown(r), 1e-9);
      }),
    );
  });

  it('with hourly bars around the clock (two days or more) the same formulas use 8760 periods a year', () => {
    fc.assert(
      fc.property(fc.array(bps(-500, 500), { minLength: 48, maxLength: 200 }).filter((r) => r.some((x) => x < 0) && new Set(r).size > 1), (r) => {
        const curve = curveOf(r, 1000);
        const times = curve.map((_, i) => Date.UTC(2024, 0, 1) + i * 3_600_000);
        const m = computeMetrics({ equityCurve: curve, times, intervalMs: 3_600_000, trades: [], fees: 0, initialEquity: 1000, barsInMarket: 0 });
        expect(m.periodsPerYear).toBe(8760);
        near(m.sharpe, empyrical.sharpe(r, 8760), 1e-7);
        near(m.sortino, empyrical.sortino(r, 8760), 1e-7);
      }),
    );
  });

  it('beta, alpha, information ratio and the buy-and-hold figures against a benchmark curve', () => {
    fc.assert(
      fc.property(
        returnsArb.chain((r) => fc.tuple(fc.constant(r), fc.array(bps(-1500, 2000), { minLength: r.length, maxLength: r.length }))),
        ([r, f]) => {
          fc.pre(new Set(f).size > 1 && f.some((x) => x < 0) && new Set(r.map((x, i) => x - f[i]!)).size > 1);
          const curve = curveOf(r, 1000);
          const bench = curveOf(f, 1000);
          const m = computeMetrics({
            equityCurve: curve,
            times: weekdays(curve.length),
            intervalMs: DAY_MS,
            trades: [],
            fees: 0,
            initialEquity: 1000,
            barsInMarket: 0,
            benchmark: { label: 'buy and hold', description: 'test', equityCurve: bench, finalEquity: String(bench.at(-1)), fees: 0 },
          });
          const b = m.benchmark!;
          near(b.beta, empyrical.beta(r, f), 1e-7);
          near(b.alpha, empyrical.alpha(r, f, 252), 1e-6); // may be -1 (the power underflows) or large: compare relatively
          near(b.informationRatio, empyrical.excessSharpe(r, f) * Math.sqrt(252), 1e-7);
          near(b.sharpe, empyrical.sharpe(f, 252), 1e-7);
          near(-b.maxDrawdown, empyrical.maxDrawdown(f), 1e-9);
          near(b.excess.sharpe, m.sharpe! - b.sharpe!, 1e-12);
          near(b.excess.totalReturn, m.totalReturn - b.totalReturn, 1e-12);
        },
      ),
    );
  });
});
