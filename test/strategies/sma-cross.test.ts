import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createStrategy } from '../../src/engine/strategies/index.js';
import { arbBars, barsFromCloses, runWithInstantFills } from './bars.js';

// SMA(2) and SMA(3) of these closes (hand-computed):
// idx:   0   1   2    3    4     5    6      7      8      9     10    11
// close: 10  10  10   10   9     8    12     14     14     8     6     6
// fast:  -   10  10   10   9.5   8.5  10     13     14     11    7     6
// slow:  -   -   10   10   9.667 9    9.667  11.333 13.333 12    9.333 6.667
// fast crosses below slow at 4 and 9, above at 6.
const CLOSES = [10, 10, 10, 10, 9, 8, 12, 14, 14, 8, 6, 6];
const SMALL = { fast: '2', slow: '3', atr: '2', maxLeverage: '100' };

describe('sma-cross', () => {
  it('long-only: buys exactly at the upward cross and sells the whole position at the downward cross', () => {
    const steps = runWithInstantFills(createStrategy('sma-cross', SMALL), barsFromCloses(CLOSES));
    expect(steps.map((s) => [s.index, s.intents.map((i) => i.side)])).toEqual([
      [6, ['BUY']],
      [9, ['SELL']],
    ]);
    const [buy] = steps[0]!.intents;
    const [sell] = steps[1]!.intents;
    expect(sell!.qty.toString()).toBe(buy!.qty.toString());
    expect(buy!.rationale).toMatch(/^fast SMA\(2\) 10 crossed above slow SMA\(3\) 9\.66667/);
    expect(buy!.context).toMatchObject({ fastSma: '10', equity: '10000', riskFraction: '0.01' });
    expect(Number(buy!.context.slowSma)).toBeCloseTo(29 / 3, 8);
    expect(Number(buy!.context.atr)).toBeGreaterThan(0);
    expect(buy!.orderType).toBe('MARKET');
  });

  it('short=true: opens a short at the first downward cross and reverses at each cross', () => {
    const steps = runWithInstantFills(createStrategy('sma-cross', { ...SMALL, short: 'true' }), barsFromCloses(CLOSES));
    expect(steps.map((s) => [s.index, s.intents.map((i) => i.side)])).toEqual([
      [4, ['SELL']],
      [6, ['BUY', 'BUY']],
      [9, ['SELL', 'SELL']],
    ]);
    expect(steps[1]!.intents[0]!.qty.eq(steps[0]!.intents[0]!.qty)).toBe(true); // covers the whole short
    expect(steps[1]!.intents[0]!.rationale).toContain('close the short position');
  });

  it('proposes nothing before warm-up: no intent before bar index max(slow, atr - 1)', () => {
    fc.assert(
      fc.property(arbBars(), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 20 }), fc.boolean(), (bars, fast, extra, atr, short) => {
        const slow = fast + extra;
        const s = createStrategy('sma-cross', { fast: String(fast), slow: String(slow), atr: String(atr), short: String(short) });
        for (const step of runWithInstantFills(s, bars)) expect(step.index).toBeGreaterThanOrEqual(Math.max(slow, atr - 1));
      }),
    );
  });

  it('every intent has a positive quantity and a rationale', () => {
    fc.assert(
      fc.property(arbBars(), fc.boolean(), (bars, short) => {
        const s = createStrategy('sma-cross', { fast: '3', slow: '7', atr: '5', short: String(short) });
        for (const step of runWithInstantFills(s, bars)) {
          for (const i of step.intents) {
            expect(i.qty.gt(0)).toBe(true);
            expect(i.rationale.length).toBeGreaterThan(10);
          }
        }
      }),
    );
  });

  it('the same upward cross with k times the equity proposes k times the size (up to the quantity step)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1_000, max: 10_000_000 }), fc.integer({ min: 2, max: 50 }), (equity, k) => {
        const size = (e: number): Decimal => {
          const steps = runWithInstantFills(createStrategy('sma-cross', SMALL), barsFromCloses(CLOSES), e);
          return steps[0]!.intents[0]!.qty;
        };
        const base = size(equity);
        const scaled = size(equity * k);
        const step = new Decimal('0.0001');
        expect(base.gt(0)).toBe(true);
        expect(scaled.gte(base.mul(k))).toBe(true);
        expect(scaled.lt(base.mul(k).plus(step.mul(k)))).toBe(true);
      }),
    );
    // and a concrete pair: doubling equity doubles the order
    const at = (e: number) => runWithInstantFills(createStrategy('sma-cross', SMALL), barsFromCloses(CLOSES), e)[0]!.intents[0]!.qty.toString();
    expect(Number(at(20_000))).toBeCloseTo(2 * Number(at(10_000)), 3);
    expect(at(20_000)).not.toBe(at(10_000));
  });
});
