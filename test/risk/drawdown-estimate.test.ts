import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Drawdown, drawdown } from '../../src/engine/risk/modes.js';
import { Decimal } from '../../src/engine/values.js';
import { approximateDouble } from '../../src/events/decimal-fast-paths.js';

/** Amounts as a run has them: cents to millions, up to 12 decimals, sometimes negative (a short gone wrong). */
const amount = fc
  .tuple(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.integer({ min: 0, max: 12 }))
  .map(([units, scale]) => new Decimal(units.toString()).div(new Decimal(10).pow(scale)));

const threshold = fc.integer({ min: 1, max: 999 }).map((n) => new Decimal(n).div(1000));

describe('Drawdown: thresholds compared without dividing, same answers', () => {
  it('atLeast(t) is drawdown(peak, equity) >= t, for any peak, equity and threshold', () => {
    fc.assert(
      fc.property(amount, amount, threshold, (peak, equity, t) => {
        const dd = new Drawdown(peak, equity);
        expect(dd.atLeast(t)).toBe(drawdown(peak, equity).gte(t));
        expect(dd.value().eq(drawdown(peak, equity))).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it('is exact where the estimate cannot tell: equity at the threshold, and a hair either side of it', () => {
    fc.assert(
      fc.property(amount.filter((p) => p.gt(0)), threshold, fc.integer({ min: 0, max: 40 }), fc.constantFrom(-1, 0, 1), (peak, t, hair, side) => {
        // equity = peak * (1 - t) + side * 10^-hair: its drawdown is t, or t moved by a few units in the last digits.
        const equity = peak.times(new Decimal(1).minus(t)).plus(new Decimal(10).pow(-hair).times(side));
        expect(new Drawdown(peak, equity).atLeast(t)).toBe(drawdown(peak, equity).gte(t));
      }),
      { numRuns: 20_000 },
    );
  });
});

describe('approximateDouble', () => {
  it('is within a relative 1e-14 of the decimal', () => {
    fc.assert(
      fc.property(amount, fc.integer({ min: -30, max: 30 }), (a, shift) => {
        const x = a.times(new Decimal(10).pow(shift));
        const exact = x.toNumber();
        const approx = approximateDouble(x);
        expect(Math.abs(approx - exact)).toBeLessThanOrEqual(1e-14 * Math.abs(exact));
      }),
      { numRuns: 20_000 },
    );
  });
});
