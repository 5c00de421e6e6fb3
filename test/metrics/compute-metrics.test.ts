import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeMetrics, DAY_MS, type RoundTrip } from '../../src/replay/metrics/index.js';

const MONDAY = Date.UTC(2024, 0, 1);
const trade = (pnl: Decimal.Value): RoundTrip => ({
  side: 'LONG', qty: new Decimal(1), entryTime: 0, exitTime: 1, entryPrice: new Decimal(1), exitPrice: new Decimal(1), pnl: new Decimal(pnl), fees: new Decimal(0), openAtEnd: false,
});
const daily = (n: number, start = MONDAY) => Array.from({ length: n }, (_, i) => start + i * DAY_MS);

describe('computeMetrics, hand-checked example', () => {
  // initial 100, then closes at 110, 99, 121 on Mon/Tue/Wed (daily, no weekend: 252 periods a year).
  // returns 0.1, -0.1, 22/99; mean 0.0740741, sample sd 0.1626681 (Python's statistics.stdev), downside
  // deviation sqrt(0.01 / 3) = 0.0577350 (empyrical's downside_risk: the mean of min(r, 0)^2 over all 3 returns).
  const m = computeMetrics({
    equityCurve: [110, 99, 121],
    times: daily(3),
    intervalMs: DAY_MS,
    trades: [trade(10), trade(-5), trade(20)],
    fees: '1.5',
    initialEquity: 100,
    finalEquity: '121',
    barsInMarket: 2,
  });

  it('annualises by sqrt(252) for weekday daily bars and says so', () => {
    expect(m.periodsPerYear).toBe(252);
    expect(m.annualizationFactor).toBeCloseTo(Math.sqrt(252), 12);
    expect(m.annualizationBasis).toMatch(/252/);
  });
  it('return figures', () => {
    expect(m.totalReturn).toBeCloseTo(0.21, 12);
    expect(m.netProfit).toBe('21');
    expect(m.finalEquity).toBe('121');
    // empyrical's annual_return: 3 bars at 252 a year are 3/252 years.
    expect(m.cagr! / (1.21 ** (252 / 3) - 1)).toBeCloseTo(1, 12);
    expect(m.cagrYears).toBeCloseTo(3 / 252, 15);
    expect(m.notes.some((n) => n.includes('extrapolated from 3 bars'))).toBe(true);
  });
  it('Sharpe, Sortino and volatility', () => {
    expect(m.sharpe).toBeCloseTo(7.2287657613, 8);
    expect(m.sortino).toBeCloseTo(20.3670030887, 8);
    expect(m.volatility).toBeCloseTo(2.5822757692, 8);
  });
  it('drawdown: 110 -> 99 is 10%, one bar under water, two days from the peak (Mon) to the recovery (Wed)', () => {
    expect(m.maxDrawdown).toBeCloseTo(0.1, 12);
    expect(m.maxDrawdownDurationBars).toBe(1);
    expect(m.maxDrawdownDurationMs).toBe(2 * DAY_MS);
    expect(m.maxDrawdownPeakTime).toBe(new Date(MONDAY).toISOString());
    expect(m.maxDrawdownTroughTime).toBe(new Date(MONDAY + DAY_MS).toISOString());
  });
  it('trade figures, exposure and fees', () => {
    expect(m.tradeCount).toBe(3);
    expect(m.winRate).toBeCloseTo(2 / 3, 12);
    expect(m.profitFactor).toBe(6); // 30 / 5
    expect(m.grossProfit).toBe('30');
    expect(m.grossLoss).toBe('5');
    expect(m.averageTradePnl).toBe('8.333333333333');
    expect(m.exposure).toBeCloseTo(2 / 3, 12);
    expect(m.totalFees).toBe('1.5');
  });
});

describe('computeMetrics, edge cases', () => {
  it('profit factor with no losing trade is null with a note (JSON has no Infinity)', () => {
    const m = computeMetrics({ equityCurve: [101, 102], times: daily(2), intervalMs: DAY_MS, trades: [trade(1), trade(1)], fees: 0, initialEquity: 100, barsInMarket: 1 });
    expect(m.profitFactor).toBeNull();
    expect(m.notes.join(' ')).toMatch(/profit factor is infinite/);
    expect(JSON.parse(JSON.stringify(m))).toEqual(m);
  });
  it('no trades and a flat curve: nulls with notes, drawdown 0', () => {
    const m = computeMetrics({ equityCurve: [100, 100, 100], times: daily(3), intervalMs: DAY_MS, trades: [], fees: 0, initialEquity: 100, barsInMarket: 0 });
    expect([m.winRate, m.profitFactor, m.sharpe, m.sortino]).toEqual([null, null, null, null]);
    expect(m.maxDrawdown).toBe(0);
    expect(m.totalReturn).toBe(0);
  });
  it('an empty run does not throw', () => {
    const m = computeMetrics({ equityCurve: [], times: [], intervalMs: 60_000, trades: [], fees: 0, initialEquity: 100, barsInMarket: 0 });
    expect(m.bars).toBe(0);
    expect(m.finalEquity).toBe('100');
  });
});

const positiveCurve = fc.array(fc.double({ min: 1, max: 1e7, noNaN: true }), { minLength: 2, maxLength: 200 });

describe('computeMetrics properties', () => {
  it('max drawdown is in [0, 1]', () => {
    fc.assert(
      fc.property(positiveCurve, (curve) => {
        const m = computeMetrics({ equityCurve: curve, times: daily(curve.length), intervalMs: DAY_MS, trades: [], fees: 0, initialEquity: curve[0]!, barsInMarket: 0 });
        expect(m.maxDrawdown).toBeGreaterThanOrEqual(0);
        expect(m.maxDrawdown).toBeLessThanOrEqual(1);
      }),
    );
  });
  it('a monotonically rising curve has no drawdown', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 0.2, noNaN: true }), { minLength: 1, maxLength: 200 }), (gains) => {
        let level = 100;
        const curve = gains.map((g) => (level *= 1 + g));
        const m = computeMetrics({ equityCurve: curve, times: daily(curve.length), intervalMs: DAY_MS, trades: [], fees: 0, initialEquity: 100, barsInMarket: 0 });
        expect(m.maxDrawdown).toBe(0);
        expect(m.maxDrawdownDurationBars).toBe(0);
      }),
    );
  });
  it('Sharpe and Sortino do not depend on the equity level', () => {
    fc.assert(
      fc.property(positiveCurve, fc.double({ min: 1e-3, max: 1e6, noNaN: true }), (curve, k) => {
        // Scaling rounds each level by up to half an ulp, which moves each return by ~1e-16. Where a return
        // is itself float noise (1.0000000000000007 after 1), or the returns barely differ, the ratios divide
        // by that noise: [1.0000000000000007, 1, 1.000000001] has a downside deviation of 4e-16, and its
        // Sortino moves by orders of magnitude with the scale. The property is about real returns: each one
        // zero (equal levels stay equal) or at least 1e-6, and spread by at least 1e-6.
        const returns = curve.slice(1).map((v, i) => v / curve[i]! - 1);
        fc.pre(returns.every((r) => r === 0 || Math.abs(r) >= 1e-6));
        const m = returns.reduce((x, r) => x + r, 0) / returns.length;
        fc.pre(returns.length > 1 && Math.sqrt(returns.reduce((x, r) => x + (r - m) ** 2, 0) / (returns.length - 1)) >= 1e-6);
        const at = (scale: number) =>
          computeMetrics({ equityCurve: curve.map((v) => v * scale), times: daily(curve.length), intervalMs: DAY_MS, trades: [], fees: 0, initialEquity: curve[0]! * scale, barsInMarket: 0 });
        const a = at(1);
        const b = at(k);
        for (const key of ['sharpe', 'sortino', 'maxDrawdown', 'totalReturn'] as const) {
          const x = a[key];
          const y = b[key];
          if (x === null || y === null) expect(y).toBe(x);
          else expect(Math.abs(x - y)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(x)));
        }
      }),
    );
  });
});

describe('drawdown duration is calendar time, whatever the spacing of the bars', () => {
  const metrics = (equityCurve: number[], times: number[]) =>
    computeMetrics({ equityCurve, times, intervalMs: DAY_MS, trades: [], fees: '0', initialEquity: equityCurve[0]!, finalEquity: String(equityCurve.at(-1)), barsInMarket: 0 });

  it('a drawdown across a long gap lasts from its peak to its recovery, not bars x interval', () => {
    // Peak on day 0, under water on days 1 and 40 (a gap of 39 days in the data), recovered on day 41.
    const m = metrics([100, 90, 95, 101], [0, 1, 40, 41].map((d) => MONDAY + d * DAY_MS));
    expect(m.maxDrawdownDurationBars).toBe(2);
    expect(m.maxDrawdownDurationMs).toBe(41 * DAY_MS);
  });

  it('a drawdown never recovered lasts until the last bar', () => {
    const m = metrics([100, 120, 110, 111, 115], [0, 10, 100, 200, 339].map((d) => MONDAY + d * DAY_MS));
    expect(m.maxDrawdownPeakTime).toBe(new Date(MONDAY + 10 * DAY_MS).toISOString());
    expect(m.maxDrawdownDurationMs).toBe(329 * DAY_MS);
  });

  it('the longest drawdown is the longest in time, not in bars', () => {
    // Three bars under water within two days, then one bar under water across thirty days.
    const m = metrics([100, 99, 98, 97, 101, 90, 102], [0, 0.5, 1, 1.5, 2, 3, 33].map((d) => MONDAY + d * DAY_MS));
    expect(m.maxDrawdownDurationMs).toBe(31 * DAY_MS);
    expect(m.maxDrawdownDurationBars).toBe(1);
  });
});
