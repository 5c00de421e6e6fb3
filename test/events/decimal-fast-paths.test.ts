import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src/engine/values.js';
import { exactDouble } from '../../src/events/decimal-fast-paths.js';

/** decimal.js's own methods, kept by the installer. */
const original = (Decimal.prototype as unknown as { __original: { toNumber: (this: Decimal) => number; cmp: (this: Decimal, y: Decimal.Value) => number } }).__original;
const viaString = original.toNumber;

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

/** Decimals as decimal.js makes them: parsed, and results of arithmetic (signs, zeros, long digit arrays). */
const anyDecimal = fc.oneof(
  decimalText.map((t) => new Decimal(t)),
  fc.tuple(decimalText, decimalText, fc.constantFrom('plus', 'minus', 'times', 'div')).map(([a, b, op]) => {
    const x = new Decimal(a);
    const y = new Decimal(b);
    return op === 'div' && y.isZero() ? x : (x[op as 'plus'](y) as Decimal);
  }),
  fc.constantFrom('0', '-0', 'NaN', 'Infinity', '-Infinity', '1e9000000000000000', '1e-9000000000000000').map((t) => new Decimal(t)),
);

describe('comparison without copying the argument', () => {
  it('orders any two decimals exactly as decimal.js does (cmp, eq, gt, gte, lt, lte)', () => {
    fc.assert(
      fc.property(anyDecimal, fc.oneof(anyDecimal, decimalText), (x, y) => {
        const want = original.cmp.call(x, y);
        const got = x.cmp(y);
        expect(Number.isNaN(want) ? Number.isNaN(got) : got === want, `${x.toString()} vs ${String(y)}`).toBe(true);
        expect(x.eq(y)).toBe(want === 0);
        expect(x.gt(y)).toBe(want > 0);
        expect(x.gte(y)).toBe(want === 1 || want === 0);
        expect(x.lt(y)).toBe(want < 0);
        expect(x.lte(y)).toBe(want < 1);
      }),
      { numRuns: 20_000 },
    );
  });

  it('orders a decimal and its own truncation (same leading words, different lengths) as decimal.js does', () => {
    fc.assert(
      fc.property(decimalText, fc.integer({ min: 1, max: 30 }), fc.boolean(), (t, digits, down) => {
        const x = new Decimal(t);
        const y = x.toSignificantDigits(digits, down ? Decimal.ROUND_DOWN : Decimal.ROUND_UP);
        for (const [a, b] of [[x, y], [y, x]] as const) expect(a.cmp(b)).toBe(original.cmp.call(a, b));
      }),
      { numRuns: 20_000 },
    );
  });

  it('compares equal values with different digit arrays and signs of zero as equal', () => {
    expect(new Decimal('-0').cmp(new Decimal('0'))).toBe(0);
    expect(new Decimal('1.50').cmp(new Decimal('1.5'))).toBe(0);
    expect(new Decimal('0.1').plus('0.2').eq(new Decimal('0.3'))).toBe(true);
    expect(new Decimal('-2').cmp(new Decimal('-10'))).toBe(1);
  });
});
