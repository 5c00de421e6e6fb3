import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src/engine/values.js';
import { exactDouble } from '../../src/events/decimal-to-number.js';

/** decimal.js's own toNumber (string out, parse back), kept by the installer. */
const viaString = (Decimal.prototype as unknown as { __stringToNumber: (this: Decimal) => number }).__stringToNumber;

function same(a: number, b: number): boolean {
  return Object.is(a, b);
}

/** Decimals written as digit strings with a point anywhere and an exponent: prices, quantities, tiny and huge values. */
const decimalText = fc
  .tuple(
    fc.boolean(),
    fc.stringMatching(/^[0-9]{1,30}$/),
    fc.nat({ max: 30 }),
    fc.integer({ min: -40, max: 40 }),
  )
  .map(([neg, digits, point, exp]) => {
    const p = Math.min(point, digits.length);
    const body = p === 0 ? digits : `${digits.slice(0, digits.length - p)}.${digits.slice(digits.length - p)}`;
    return `${neg ? '-' : ''}${body.startsWith('.') ? `0${body}` : body}e${exp}`;
  });

describe('toNumber without the string round trip', () => {
  it('gives the very double decimal.js gives, for any decimal', () => {
    fc.assert(
      fc.property(decimalText, (text) => {
        const d = new Decimal(text);
        expect(same(d.toNumber(), viaString.call(d)), `${text}: ${d.toNumber()} vs ${viaString.call(d)}`).toBe(true);
        expect(same(d.toNumber(), Number(d.valueOf()))).toBe(true);
      }),
      { numRuns: 20_000 },
    );
  });

  it('gives the same double for results of arithmetic (values decimal.js made, not parsed)', () => {
    fc.assert(
      fc.property(decimalText, decimalText, (a, b) => {
        const x = new Decimal(a);
        const y = new Decimal(b);
        for (const r of [x.plus(y), x.minus(y), x.times(y), y.isZero() ? x : x.div(y)]) {
          expect(same(r.toNumber(), viaString.call(r)), `${r.toString()}`).toBe(true);
        }
      }),
      { numRuns: 5_000 },
    );
  });

  it('takes the shortcut for ordinary prices, and hands the rest to the string route', () => {
    expect(exactDouble(new Decimal('12345.67'))).toBe(12345.67);
    expect(Object.is(exactDouble(new Decimal('-0')), -0)).toBe(true);
    expect(exactDouble(new Decimal('0.1'))).toBe(0.1);
    // 17 significant digits: more than a double's integer range, so no shortcut is claimed.
    expect(exactDouble(new Decimal('12345678901234567'))).toBeNull();
    expect(exactDouble(new Decimal('1e-30'))).toBeNull();
    expect(exactDouble(new Decimal(NaN))).toBeNull();
    expect(exactDouble(new Decimal(Infinity))).toBeNull();
    for (const edge of ['1e-30', '12345678901234567.891', 'NaN', 'Infinity', '-Infinity', '9007199254740993']) {
      const d = new Decimal(edge);
      expect(same(d.toNumber(), Number(d.valueOf()))).toBe(true);
    }
  });
});
