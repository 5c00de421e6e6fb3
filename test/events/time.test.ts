import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoTime } from '../../src/events/time.js';

describe('isoTime', () => {
  it('is toISOString, for any time a Date holds', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: -8_640_000_000_000_000, max: 8_640_000_000_000_000 }), fc.integer({ min: 0, max: 253_402_300_799_999 })), (ms) => {
        expect(isoTime(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 20_000 },
    );
  });

  it('is toISOString for runs of nearby times (minute bars, day and year ends, the last four-digit year)', () => {
    const starts = [0, Date.UTC(2024, 1, 28, 23, 58), Date.UTC(2023, 11, 31, 23, 59, 59, 998), Date.UTC(9999, 11, 31, 23, 59), Date.UTC(1969, 11, 31, 23, 59)];
    fc.assert(
      fc.property(fc.constantFrom(...starts), fc.array(fc.integer({ min: 0, max: 3 * 60_000 }), { minLength: 1, maxLength: 50 }), (start, steps) => {
        let t = start;
        for (const step of steps) {
          t += step;
          expect(isoTime(t)).toBe(new Date(t).toISOString());
        }
      }),
    );
  });

  it('throws as toISOString does for a time no Date holds', () => {
    for (const bad of [Number.NaN, 8_640_000_000_000_001, Infinity]) expect(() => isoTime(bad)).toThrow(RangeError);
    // A fraction of a millisecond is truncated by Date; the shortcut leaves such a time to it.
    expect(isoTime(1.7)).toBe(new Date(1.7).toISOString());
  });
});
