import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeMetrics, DAY_MS } from '../../src/replay/metrics/index.js';
import { drawdownStats } from '../../src/replay/metrics/drawdown.js';
import { Decimal } from 'decimal.js';
import { buyAndHoldBenchmark } from '../../src/replay/backtest/benchmark.js';
import { LevelsView, ReturnsView, toFloat64Array } from '../../src/replay/metrics/series.js';
import { simpleReturns } from '../../src/replay/metrics/statistics.js';
import { buyAndHold as referenceBuyAndHold } from './reference/buy-and-hold.js';
import { computeMetrics as referenceMetrics } from './reference/compute-metrics.js';

/** Every number as its 64 bits (so -0, NaN and the last bit count), everything else as JSON has it. */
function bits(x: unknown): string {
  return JSON.stringify(x, (_k, v: unknown) => {
    if (typeof v !== 'number') return v;
    const b = new DataView(new ArrayBuffer(8));
    b.setFloat64(0, v);
    return `f64:${b.getBigUint64(0).toString(16)}`;
  });
}

// Equity levels: mostly around 100, sometimes exactly 0 or below (ruin), sometimes repeated (flat stretches).
const level = fc.oneof(
  { weight: 12, arbitrary: fc.double({ min: 50, max: 150, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -5, 100) },
);
const curvePair = fc.integer({ min: 0, max: 80 }).chain((n) =>
  fc.record({ own: fc.array(level, { minLength: n, maxLength: n }), theirs: fc.array(level, { minLength: n, maxLength: n }) }),
);
const interval = fc.constantFrom(60_000, 3_600_000, DAY_MS);

describe('the end-of-run metrics read through views', () => {
  it('are bit for bit the metrics computed on copied arrays (the reference, kept from before the views), with and without a benchmark', () => {
    fc.assert(
      fc.property(curvePair, interval, fc.double({ min: 50, max: 150, noNaN: true }), fc.boolean(), fc.boolean(), ({ own, theirs }, ms, initial, withBenchmark, typed) => {
        const times = own.map((_, i) => Date.UTC(2024, 0, 1) + i * ms);
        const arr = (xs: number[]) => (typed ? Float64Array.from(xs) : xs);
        const input = {
          equityCurve: arr(own),
          times: arr(times),
          intervalMs: ms,
          trades: [],
          fees: '0',
          initialEquity: initial,
          barsInMarket: Math.floor(own.length / 2),
          benchmark: withBenchmark ? { label: 'buy and hold', description: 'held', equityCurve: Float64Array.from(theirs), finalEquity: theirs.at(-1) ?? initial, fees: '1' } : null,
        };
        expect(bits(computeMetrics(input))).toBe(bits(referenceMetrics(input)));
      }),
      { numRuns: 400 },
    );
  });

  it('levels and returns views hold the values and length of the copied arrays, ruin included', () => {
    fc.assert(
      fc.property(fc.array(level, { maxLength: 60 }), fc.double({ min: -1, max: 150, noNaN: true }), (curve, initial) => {
        const copied = Float64Array.from([initial, ...curve]);
        const levels = new LevelsView(initial, Float64Array.from(curve));
        expect(levels.length).toBe(copied.length);
        for (let i = 0; i <= copied.length; i++) expect(Object.is(levels.at(i), copied.at(i))).toBe(true);
        const want = simpleReturns(copied);
        const got = new ReturnsView(initial, curve);
        expect([got.length, got.ruined]).toEqual([want.returns.length, want.ruined]);
        for (let i = 0; i <= want.returns.length; i++) expect(Object.is(got.at(i), want.returns.at(i))).toBe(true);
        expect(bits(drawdownStats(levels, (i) => i * 60_000))).toBe(bits(drawdownStats(copied, (i) => i * 60_000)));
      }),
      { numRuns: 300 },
    );
  });

  it("buy and hold's curve, computed when read, is the array it used to fill; so is the equal-weight sum of several", () => {
    const closes = fc.array(fc.double({ min: 1, max: 500, noNaN: true }), { minLength: 1, maxLength: 50 });
    fc.assert(
      fc.property(fc.array(closes, { minLength: 1, maxLength: 3 }), fc.nat(), fc.constantFrom('0.0001', '1'), fc.constantFrom<'next-open' | 'close'>('next-open', 'close'), (instruments, at, step, fill) => {
        const n = Math.min(...instruments.map((c) => c.length));
        const series = instruments.map((c, k) => {
          const first = [at % n, Math.min(n - 1, (at % n) + 1)].map((index) => ({ index, bar: { time: index, open: new Decimal(c[index]!), high: new Decimal(c[index]!), low: new Decimal(c[index]!), close: new Decimal(c[index]!), volume: new Decimal(1) } }));
          return { symbol: `S${k}`, closes: Float64Array.from(c.slice(0, n)), firstBars: first, lastBar: { ...first[0]!.bar, close: new Decimal(c[n - 1]!) } };
        });
        const costs = { fill, feeBps: new Decimal(10), slippageBps: new Decimal(5), qtyStep: new Decimal(step), initialCash: new Decimal(10_000) };
        const got = buyAndHoldBenchmark(series, n, costs);
        // The arrays it used to build: each instrument's curve by the previous buyAndHold, summed in order from 0, the exact final equity last.
        const share = series.length === 1 ? costs.initialCash : costs.initialCash.div(series.length);
        const parts = series.map((p) => {
          const entry = fill === 'next-open' ? p.firstBars[1]! : p.firstBars[0]!;
          return referenceBuyAndHold({ closes: p.closes, entry: { price: fill === 'next-open' ? entry.bar.open : entry.bar.close, barIndex: entry.index, time: entry.bar.time }, exitPrice: p.lastBar.close, initialCash: share, feeBps: costs.feeBps, slippageBps: costs.slippageBps, qtyStep: costs.qtyStep });
        });
        if (parts.some((p) => p === null)) return expect(got).toBeNull();
        let want = parts[0]!.equityCurve;
        if (parts.length > 1) {
          want = new Float64Array(n);
          for (const h of parts) for (let i = 0; i < n; i++) want[i] = want[i]! + h!.equityCurve[i]!;
          want[n - 1] = parts.reduce((sum, h) => sum.plus(h!.finalEquity), new Decimal(0)).toNumber();
        }
        expect(bits(Array.from(toFloat64Array(got!.equityCurve)))).toBe(bits(Array.from(want)));
        // And the metrics of a run compared with it: the view as the benchmark, or its copy in an array.
        const times = Array.from({ length: n }, (_, i) => i * 60_000);
        const input = { equityCurve: instruments[0]!.slice(0, n), times, intervalMs: 60_000, trades: [], fees: '0', initialEquity: 10_000, barsInMarket: 0 };
        expect(bits(computeMetrics({ ...input, benchmark: got }))).toBe(bits(referenceMetrics({ ...input, benchmark: { ...got!, equityCurve: want } })));
      }),
      { numRuns: 300 },
    );
  });
});
