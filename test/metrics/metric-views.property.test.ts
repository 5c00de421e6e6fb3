import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeMetrics, DAY_MS } from '../../src/replay/metrics/index.js';
import { drawdownStats } from '../../src/replay/metrics/drawdown.js';
import { LevelsView, ReturnsView } from '../../src/replay/metrics/series.js';
import { simpleReturns } from '../../src/replay/metrics/statistics.js';
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
});
