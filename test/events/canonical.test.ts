import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/events/canonical.js';
import { DecimalString, normalizeDecimal } from '../../src/events/decimal-string.js';

describe('canonical encoding', () => {
  it('is independent of key insertion order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(obj));
      }),
    );
  });

  it('round-trips through JSON.parse to an equal value, with no insignificant whitespace', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it('sorts keys and writes Decimals and Maps canonically', () => {
    const m = new Map<string, unknown>([
      ['b', new Decimal('1.500')],
      ['a', { z: 1, y: [new Decimal('-0')] }],
    ]);
    expect(canonicalJson(m)).toBe('{"a":{"y":["0"],"z":1},"b":"1.5"}');
  });

  it('refuses values JSON cannot carry faithfully', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(TypeError);
  });
});

describe('decimal normal form', () => {
  it('equal amounts encode to equal strings whatever their spelling', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), fc.integer({ min: 0, max: 18 }), fc.integer({ min: 0, max: 5 }), (units, scale, pad) => {
        const d = new Decimal(units.toString()).div(new Decimal(10).pow(scale));
        const plain = d.toFixed(scale + pad); // trailing zeros
        const exp = d.toExponential();
        expect(normalizeDecimal(plain)).toBe(normalizeDecimal(exp));
        expect(DecimalString.parse(plain)).toBe(normalizeDecimal(d));
        expect(normalizeDecimal(plain)).not.toMatch(/e|E|^\+|\.$|\.\d*0$/);
      }),
    );
  });

  it('rejects what is not a decimal', () => {
    for (const bad of ['', 'abc', '1,5', 'NaN', 'Infinity', '1.2.3']) expect(DecimalString.safeParse(bad).success).toBe(false);
  });
});
