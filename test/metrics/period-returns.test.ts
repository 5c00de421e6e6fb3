import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { calendarReturns, DAY_MS, periodReturns, returnDistribution } from '../../src/replay/metrics/index.js';

const HOUR = 3_600_000;

describe('calendar returns', () => {
  it('hand-checked: each month is its last equity over the previous month end (the initial equity first)', () => {
    const times = [Date.UTC(2024, 0, 30), Date.UTC(2024, 0, 31), Date.UTC(2024, 1, 1), Date.UTC(2024, 1, 29), Date.UTC(2025, 0, 2)];
    const c = calendarReturns(times, [105, 110, 99, 121, 242], 100, [100, 100, 100, 100, 50]);
    expect(c.monthly.map((m) => m.period)).toEqual(['2024-01', '2024-02', '2025-01']);
    expect(c.monthly[0]!.return).toBeCloseTo(0.1, 12);
    expect(c.monthly[1]!.return).toBeCloseTo(0.1, 12);
    expect(c.monthly[2]!.return).toBeCloseTo(1, 12);
    expect(c.monthly[2]!.benchmark).toBeCloseTo(-0.5, 12);
    expect(c.yearly.map((y) => [y.period, Number(y.return.toFixed(12))])).toEqual([['2024', 0.21], ['2025', 1]]);
  });

  it('months and years chain to the total return, and a year is the product of its months', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 72 }), fc.double({ min: -0.05, max: 0.05, noNaN: true })), { minLength: 1, maxLength: 300 }),
        fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }),
        (steps, start) => {
          const times: number[] = [];
          const values: number[] = [];
          let t = start;
          let v = 1000;
          for (const [hours, r] of steps) {
            times.push((t += hours * HOUR));
            values.push((v *= 1 + r));
          }
          const c = calendarReturns(times, values, 1000, null);
          const chain = (rs: number[]) => rs.reduce((a, r) => a * (1 + r), 1);
          expect(chain(c.monthly.map((m) => m.return))).toBeCloseTo(v / 1000, 9);
          expect(chain(c.yearly.map((y) => y.return))).toBeCloseTo(v / 1000, 9);
          for (const y of c.yearly) expect(chain(c.monthly.filter((m) => m.period.startsWith(y.period)).map((m) => m.return))).toBeCloseTo(1 + y.return, 9);
          expect(new Set(c.monthly.map((m) => m.period)).size).toBe(c.monthly.length);
        },
      ),
    );
  });
});

describe('return distribution', () => {
  it('intraday bars are taken per UTC day; the histogram counts every day once', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -0.03, max: 0.03, noNaN: true }), { minLength: 1, maxLength: 400 }), (rs) => {
        let v = 100;
        const values = rs.map((r) => (v *= 1 + r));
        const times = rs.map((_, i) => Date.UTC(2024, 0, 1) + i * HOUR);
        const d = returnDistribution(times, values, 100, HOUR);
        const days = periodReturns(times, values, 100, 'day');
        expect(d.basis).toBe('daily');
        expect(d.count).toBe(days.length);
        expect(d.histogram.counts.reduce((a, b) => a + b, 0)).toBe(days.length);
        expect(d.histogram.edges.length).toBe(d.histogram.counts.length + 1);
        expect(d.worst).toBe(Math.min(...days.map((x) => x.return)));
        expect(d.best).toBe(Math.max(...days.map((x) => x.return)));
      }),
    );
  });

  it('daily bars are taken per bar; skew and excess kurtosis are the population moment ratios', () => {
    const values = [110, 99, 108.9, 108.9, 119.79];
    const d = returnDistribution(values.map((_, i) => i * DAY_MS), values, 100, DAY_MS);
    expect(d.basis).toBe('per bar');
    const rs = [0.1, -0.1, 0.1, 0, 0.1];
    expect(d.histogram.counts.reduce((a, b) => a + b, 0)).toBe(5);
    const m = rs.reduce((a, b) => a + b, 0) / 5;
    const mom = (k: number) => rs.reduce((a, r) => a + (r - m) ** k, 0) / 5;
    expect(d.skew).toBeCloseTo(mom(3) / mom(2) ** 1.5, 9);
    expect(d.excessKurtosis).toBeCloseTo(mom(4) / mom(2) ** 2 - 3, 9);
    expect(d.positiveShare).toBeCloseTo(0.6, 12);
    expect(d.negativeShare).toBeCloseTo(0.2, 12);
  });
});
