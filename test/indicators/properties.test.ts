import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { atrInit, atrUpdate, atrValue, donchianInit, donchianUpdate, donchianValue, smaInit, smaUpdate, smaValue } from '../../src/engine/indicators/index.js';

const period = fc.integer({ min: 1, max: 40 });
const priceValue = fc.double({ min: 0.01, max: 1e6, noNaN: true, noDefaultInfinity: true });
const bar = fc
  .tuple(priceValue, priceValue, fc.double({ min: 0, max: 1, noNaN: true }))
  .map(([a, b, t]) => ({ high: Math.max(a, b), low: Math.min(a, b), close: Math.min(a, b) + t * Math.abs(a - b) }));

describe('indicator properties', () => {
  it('SMA of a constant series is the constant, and null before the window is full', () => {
    fc.assert(
      fc.property(period, priceValue, fc.integer({ min: 0, max: 200 }), (n, c, len) => {
        let s = smaInit(n);
        for (let i = 0; i < len; i++) {
          s = smaUpdate(s, c);
          const v = smaValue(s);
          if (i + 1 < n) expect(v).toBeNull();
          else expect(Math.abs(v! - c)).toBeLessThanOrEqual(1e-9 * c);
        }
      }),
    );
  });

  it('SMA equals the naive mean of the last N values', () => {
    fc.assert(
      fc.property(period, fc.array(priceValue, { maxLength: 150 }), (n, xs) => {
        let s = smaInit(n);
        xs.forEach((x, i) => {
          s = smaUpdate(s, x);
          if (i + 1 >= n) {
            const naive = xs.slice(i + 1 - n, i + 1).reduce((a, b) => a + b, 0) / n;
            expect(Math.abs(smaValue(s)! - naive)).toBeLessThanOrEqual(1e-9 * Math.max(1, naive));
          }
        });
      }),
    );
  });

  it('Donchian upper >= lower, and they are the max high / min low of the last N bars', () => {
    fc.assert(
      fc.property(period, fc.array(bar, { maxLength: 150 }), (n, bars) => {
        let s = donchianInit(n);
        bars.forEach((b, i) => {
          s = donchianUpdate(s, b.high, b.low);
          const v = donchianValue(s);
          if (i + 1 < n) return expect(v).toBeNull();
          const win = bars.slice(i + 1 - n, i + 1);
          expect(v!.upper).toBeGreaterThanOrEqual(v!.lower);
          expect(v!.upper).toBe(Math.max(...win.map((w) => w.high)));
          expect(v!.lower).toBe(Math.min(...win.map((w) => w.low)));
        });
      }),
    );
  });

  it('ATR is >= 0 and bounded by the largest true range seen', () => {
    fc.assert(
      fc.property(period, fc.array(bar, { maxLength: 150 }), (n, bars) => {
        let s = atrInit(n);
        let maxTr = 0;
        for (const b of bars) {
          s = atrUpdate(s, b.high, b.low, b.close);
          maxTr = Math.max(maxTr, s.lastTrueRange!);
          const v = atrValue(s);
          if (v !== null) {
            expect(v).toBeGreaterThanOrEqual(0);
            expect(v).toBeLessThanOrEqual(maxTr * (1 + 1e-12));
          }
        }
      }),
    );
  });

  it('old states stay valid: updating an earlier state again gives the same result (persistence)', () => {
    fc.assert(
      fc.property(period, fc.array(priceValue, { minLength: 1, maxLength: 100 }), fc.nat(), (n, xs, k) => {
        const states = [smaInit(n)];
        for (const x of xs) states.push(smaUpdate(states[states.length - 1]!, x));
        const i = k % xs.length;
        const replayed = smaUpdate(states[i]!, xs[i]!);
        expect(smaValue(replayed)).toBe(smaValue(states[i + 1]!));
      }),
    );
  });

  it('rejects a non-integer or zero period', () => {
    expect(() => smaInit(0)).toThrow(RangeError);
    expect(() => donchianInit(2.5)).toThrow(RangeError);
    expect(() => atrInit(-1)).toThrow(RangeError);
  });
});
