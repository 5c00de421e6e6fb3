import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { relativeFigures } from '../../src/replay/metrics/benchmark.js';
import { mean, sampleStdDev } from '../../src/replay/metrics/statistics.js';

/** relativeFigures as it was written before it kept its scratch off the JS heap: plain arrays, map(). */
function onPlainArrays(returns: ArrayLike<number>, benchmark: ArrayLike<number>, periodsPerYear: number) {
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

const ret = fc.double({ min: -0.5, max: 0.5, noNaN: true });
const series = fc.array(ret, { maxLength: 60 });

describe('relativeFigures', () => {
  it('gives bit for bit the figures of the plain-array computation, for typed and plain inputs of any lengths', () => {
    fc.assert(
      fc.property(series, series, fc.constantFrom(252, 365, 525_600), fc.boolean(), (r, b, periods, typed) => {
        const asInput = (xs: number[]) => (typed ? Float64Array.from(xs) : xs);
        const got = relativeFigures(asInput(r), asInput(b), periods);
        const want = onPlainArrays(r, b, periods);
        for (const k of ['beta', 'alpha', 'informationRatio'] as const) expect(Object.is(got[k], want[k]), `${k}: ${got[k]} vs ${want[k]}`).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('a constant benchmark has no beta or alpha, and still an information ratio', () => {
    const got = relativeFigures(Float64Array.of(0.01, -0.02, 0.03, 0), Float64Array.of(0.001, 0.001, 0.001, 0.001), 252);
    expect(got.beta).toBeNull();
    expect(got.alpha).toBeNull();
    expect(got.informationRatio).not.toBeNull();
  });
});
