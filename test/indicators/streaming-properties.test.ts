import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bollingerInit,
  bollingerUpdate,
  bollingerValue,
  emaInit,
  emaUpdate,
  emaValue,
  macdInit,
  macdUpdate,
  macdValue,
  rsiInit,
  rsiUpdate,
  rsiValue,
  stdevInit,
  stdevUpdate,
  stdevValue,
  type EmaSeed,
  type RsiSeed,
} from '../../src/engine/indicators/index.js';

/**
 * Streaming = batch: every indicator, fed a random series one value at a time, gives at every step what
 * a plain batch recomputation from the definition gives (written here independently: whole arrays,
 * two-pass variance, explicit loops). Plus the invariants of each definition.
 */

const period = fc.integer({ min: 1, max: 30 });
const price = fc.double({ min: 0.01, max: 1e5, noNaN: true, noDefaultInfinity: true });
const series = fc.array(price, { maxLength: 160 });
const emaSeed = fc.constantFrom<EmaSeed>('sma', 'first');
const rsiSeed = fc.constantFrom<RsiSeed>('sma', 'zero');

function close(a: number | null, b: number | null, scale = 1): void {
  if (a === null || b === null) return expect(a).toBe(b);
  expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(scale), Math.abs(b)));
}

/** EMA by definition over the whole array: null before `n` values. */
function emaBatch(xs: readonly number[], n: number, alpha: number, seed: EmaSeed): Array<number | null> {
  const out: Array<number | null> = [];
  let y = 0;
  for (let i = 0; i < xs.length; i++) {
    if (seed === 'first') y = i === 0 ? xs[0]! : y + alpha * (xs[i]! - y);
    else if (i === n - 1) y = xs.slice(0, n).reduce((a, b) => a + b, 0) / n;
    else if (i >= n) y = y + alpha * (xs[i]! - y);
    out.push(i >= n - 1 ? y : null);
  }
  return out;
}

function rsiBatch(closes: readonly number[], n: number, seed: RsiSeed): Array<number | null> {
  const gains = closes.map((c, i) => (i === 0 ? 0 : Math.max(c - closes[i - 1]!, 0)));
  const losses = closes.map((c, i) => (i === 0 ? 0 : Math.max(closes[i - 1]! - c, 0)));
  // 'sma' smooths the changes only (from the second close); 'zero' includes the first close's 0.
  const from = seed === 'sma' ? 1 : 0;
  const avgGain = emaBatch(gains.slice(from), n, 1 / n, seed === 'sma' ? 'sma' : 'first');
  const avgLoss = emaBatch(losses.slice(from), n, 1 / n, seed === 'sma' ? 'sma' : 'first');
  return closes.map((_, i) => {
    if (i < n) return null;
    const g = avgGain[i - from]!;
    const l = avgLoss[i - from]!;
    return g + l === 0 ? 50 : (100 * g) / (g + l);
  });
}

function windowStdev(xs: readonly number[], n: number, ddof: number): Array<number | null> {
  return xs.map((_, i) => {
    if (i < n - 1) return null;
    const w = xs.slice(i - n + 1, i + 1);
    const m = w.reduce((a, b) => a + b, 0) / n;
    return Math.sqrt(w.reduce((a, x) => a + (x - m) ** 2, 0) / (n - ddof));
  });
}

describe('streaming = batch recomputation', () => {
  it('EMA, both smoothings and both seeds', () => {
    fc.assert(
      fc.property(period, series, emaSeed, fc.boolean(), (n, xs, seed, wilder) => {
        let s = emaInit(n, { seed, smoothing: wilder ? 'wilder' : 'ema' });
        const batch = emaBatch(xs, n, wilder ? 1 / n : 2 / (n + 1), seed);
        xs.forEach((x, i) => {
          s = emaUpdate(s, x);
          close(emaValue(s), batch[i]!);
        });
      }),
    );
  });

  it('RSI, both seeds', () => {
    fc.assert(
      fc.property(period, series, rsiSeed, (n, xs, seed) => {
        let s = rsiInit(n, { seed });
        const batch = rsiBatch(xs, n, seed);
        xs.forEach((x, i) => {
          s = rsiUpdate(s, x);
          const v = rsiValue(s);
          close(v, batch[i]!, 100);
        });
      }),
    );
  });

  it('MACD: line, signal and histogram', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 15 }), fc.integer({ min: 1, max: 15 }), fc.integer({ min: 1, max: 10 }), series, emaSeed, (fast, extra, sig, xs, seed) => {
        const slow = fast + extra;
        let s = macdInit({ fast, slow, signal: sig, seed });
        const f = emaBatch(xs, fast, 2 / (fast + 1), seed);
        const l = emaBatch(xs, slow, 2 / (slow + 1), seed);
        const line = xs.map((_, i) => (i >= slow - 1 ? f[i]! - l[i]! : null));
        const signal = [...Array<null>(slow - 1).fill(null), ...emaBatch(line.slice(slow - 1) as number[], sig, 2 / (sig + 1), seed)];
        xs.forEach((x, i) => {
          s = macdUpdate(s, x);
          const v = macdValue(s);
          if (i < slow + sig - 2) return expect(v).toBeNull();
          close(v!.macd, line[i]!, 1e5);
          close(v!.signal, signal[i]!, 1e5);
          close(v!.histogram, line[i]! - signal[i]!, 1e5);
        });
      }),
    );
  });

  it('rolling standard deviation, sample and population', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 30 }), series, fc.constantFrom<0 | 1>(0, 1), (n, xs, ddof) => {
        let s = stdevInit(n, { ddof });
        const batch = windowStdev(xs, n, ddof);
        xs.forEach((x, i) => {
          s = stdevUpdate(s, x);
          close(stdevValue(s), batch[i]!, 1e5);
        });
      }),
    );
  });

  it('Bollinger bands: SMA +/- k population deviations, bandwidth and %B', () => {
    fc.assert(
      fc.property(period, series, fc.double({ min: 0.5, max: 4, noNaN: true }), (n, xs, k) => {
        let s = bollingerInit(n, k);
        const sd = windowStdev(xs, n, 0);
        xs.forEach((x, i) => {
          s = bollingerUpdate(s, x);
          const b = bollingerValue(s);
          if (i < n - 1) return expect(b).toBeNull();
          const mean = xs.slice(i - n + 1, i + 1).reduce((a, v) => a + v, 0) / n;
          close(b!.middle, mean, 1e5);
          close(b!.upper, mean + k * sd[i]!, 1e5);
          close(b!.lower, mean - k * sd[i]!, 1e5);
          expect(b!.upper).toBeGreaterThanOrEqual(b!.middle);
          expect(b!.middle).toBeGreaterThanOrEqual(b!.lower);
          if (b!.percentB !== null) close(b!.percentB * (b!.upper - b!.lower) + b!.lower, x, 1e5);
        });
      }),
    );
  });
});

describe('indicator invariants', () => {
  it('RSI is in [0, 100], does not depend on the price scale, reads 100 on a rising series and 50 on a flat one', () => {
    fc.assert(
      fc.property(period, series, fc.double({ min: 1e-3, max: 1e3, noNaN: true }), rsiSeed, (n, xs, k, seed) => {
        let a = rsiInit(n, { seed });
        let b = rsiInit(n, { seed });
        for (const x of xs) {
          a = rsiUpdate(a, x);
          b = rsiUpdate(b, x * k);
          const v = rsiValue(a);
          if (v === null) continue;
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(100);
          close(rsiValue(b), v, 100);
        }
      }),
    );
    let rising = rsiInit(5);
    let flat = rsiInit(5);
    for (let i = 1; i <= 10; i++) {
      rising = rsiUpdate(rising, i);
      flat = rsiUpdate(flat, 7);
    }
    expect(rsiValue(rising)).toBe(100);
    expect(rsiValue(flat)).toBe(50);
  });

  it('an EMA stays within the range of its inputs; period 1 is the input itself (to float rounding)', () => {
    fc.assert(
      fc.property(period, fc.array(price, { minLength: 1, maxLength: 100 }), emaSeed, (n, xs, seed) => {
        let s = emaInit(n, { seed });
        let one = emaInit(1, { seed });
        xs.forEach((x, i) => {
          s = emaUpdate(s, x);
          one = emaUpdate(one, x);
          close(emaValue(one), x);
          const v = emaValue(s);
          if (v === null) return;
          const seen = xs.slice(0, i + 1);
          const slack = 1e-12 * Math.max(...seen); // rounding is relative to the largest input
          expect(v).toBeGreaterThanOrEqual(Math.min(...seen) - slack);
          expect(v).toBeLessThanOrEqual(Math.max(...seen) + slack);
        });
      }),
    );
  });

  it('the standard deviation is shift-invariant, scales with |k|, is exactly 0 on a constant series', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 20 }), fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { maxLength: 80 }), fc.double({ min: -1e3, max: 1e3, noNaN: true }), (n, xs, c) => {
        let a = stdevInit(n);
        let shifted = stdevInit(n);
        let scaled = stdevInit(n);
        let constant = stdevInit(n);
        for (const x of xs) {
          a = stdevUpdate(a, x);
          shifted = stdevUpdate(shifted, x + c);
          scaled = stdevUpdate(scaled, -3 * x);
          constant = stdevUpdate(constant, c);
          const v = stdevValue(a);
          if (v === null) continue;
          expect(Math.abs(stdevValue(shifted)! - v)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(c)));
          expect(Math.abs(stdevValue(scaled)! - 3 * v)).toBeLessThanOrEqual(1e-9 * Math.max(1, v));
          expect(stdevValue(constant)).toBe(0);
        }
      }),
    );
  });

  it('the deviation of prices near 1e9 moving by cents is exact to 1e-6 (no sum-of-squares cancellation), however long the series', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 50, maxLength: 3000 }), (cents) => {
        const xs = cents.map((c) => 1e9 + c / 100);
        const n = 20;
        let s = stdevInit(n);
        for (const x of xs) s = stdevUpdate(s, x);
        // Two-pass on the small offsets (exact inputs): the reference.
        const w = cents.slice(-n).map((c) => c / 100);
        const m = w.reduce((a, b) => a + b, 0) / n;
        const ref = Math.sqrt(w.reduce((a, x) => a + (x - m) ** 2, 0) / (n - 1));
        expect(Math.abs(stdevValue(s)! - ref)).toBeLessThanOrEqual(1e-6 * Math.max(1, ref));
      }),
      { numRuns: 30 },
    );
  });

  it('MACD of a constant series is 0 once warm', () => {
    let s = macdInit();
    for (let i = 0; i < 60; i++) s = macdUpdate(s, 42.5);
    expect(macdValue(s)).toEqual({ macd: 0, signal: 0, histogram: 0 });
  });

  it('old states stay valid: re-updating an earlier state gives what it gave then (windows are persistent)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 20 }), fc.array(price, { minLength: 1, maxLength: 100 }), fc.nat(), (n, xs, k) => {
        const states = [bollingerInit(n)];
        for (const x of xs) states.push(bollingerUpdate(states[states.length - 1]!, x));
        const i = k % xs.length;
        expect(bollingerValue(bollingerUpdate(states[i]!, xs[i]!))).toEqual(bollingerValue(states[i + 1]!));
      }),
    );
  });

  it('rejects bad parameters', () => {
    expect(() => emaInit(0)).toThrow(RangeError);
    expect(() => rsiInit(1.5)).toThrow(RangeError);
    expect(() => macdInit({ fast: 26, slow: 12 })).toThrow(/less than the slow/);
    expect(() => stdevInit(1)).toThrow(/period >= 2/);
    expect(() => stdevInit(5, { ddof: 2 as 0 })).toThrow(/ddof/);
    expect(() => bollingerInit(20, 0)).toThrow(RangeError);
  });
});
