import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { relativeFigures } from '../../src/replay/metrics/benchmark.js';
import { relativeFigures as onPlainArrays } from './reference/benchmark.js';

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
