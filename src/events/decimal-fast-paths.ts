import { Decimal } from 'decimal.js';

/**
 * Two of decimal.js's hot methods, made cheaper with the very same results (property-tested against the
 * originals in test/events/decimal-fast-paths.test.ts). Installed once, on the one Decimal the process has.
 *
 * toNumber(): decimal.js's writes the value out as a string and parses it back: about a microsecond, three
 * times a bar for a strategy that reads high, low and close as floats. The same double can be had from the
 * digits themselves: when the value is an integer M of at most 2^53 times 10^-k with |k| <= 22, both M and
 * 10^k are exact doubles, so one IEEE division (or multiplication) rounds the exact quotient once, to nearest,
 * exactly as parsing the decimal string does. Anything else (more digits, extreme exponents, NaN, infinities)
 * takes decimal.js's own path. Same result bit for bit, -0 included.
 *
 * cmp() (and with it eq, gt, gte, lt, lte): decimal.js first copies its argument into a new Decimal, digit
 * array and all, even when it already is one. Two per bar for every comparison a risk check makes. When the
 * argument is a finite Decimal within the exponent limits (what the copy would keep unchanged) the comparison
 * below reads it as it is; it is decimal.js's own comparison, without the copy.
 */

/** decimal.js keeps digits in base-10^7 words: `d` the words (the first one unpadded), `e` the decimal exponent of the first digit, `s` the sign. */
interface DecimalInternals {
  d: number[] | null;
  e: number;
  s: number;
}

const WORD_DIGITS = 7;
const WORD_BASE = 1e7;
const MAX_EXACT_POWER = 22;
const POWERS_OF_TEN: readonly number[] = Array.from({ length: MAX_EXACT_POWER + 1 }, (_, i) => 10 ** i);

/** The double nearest the decimal, or null when only the string route is known to give it. */
export function exactDouble(x: Decimal): number | null {
  const { d, e, s } = x as unknown as DecimalInternals;
  if (d === null) return null;
  let m = d[0]!;
  const first = m;
  for (let i = 1; i < d.length; i++) {
    m = m * WORD_BASE + d[i]!;
    if (m > Number.MAX_SAFE_INTEGER) return null;
  }
  const digits = digitCount(first) + WORD_DIGITS * (d.length - 1);
  // value = m * 10^-k, where k counts the digits after the decimal point (negative: trailing zeros implied).
  const k = digits - 1 - e;
  if (k >= 0) return k <= MAX_EXACT_POWER ? s * (m / POWERS_OF_TEN[k]!) : null;
  return -k <= MAX_EXACT_POWER ? s * (m * POWERS_OF_TEN[-k]!) : null;
}

/**
 * A double within a relative 1e-14 of the decimal (its first three words, at least 15 digits, scaled by a power
 * of ten): for estimates that only need to be close, e.g. on which side of a threshold a ratio lies.
 */
export function approximateDouble(x: Decimal): number {
  const { d, e, s } = x as unknown as DecimalInternals;
  if (d === null) return x.toNumber();
  const words = d.length < 3 ? d.length : 3;
  let m = 0;
  for (let i = 0; i < words; i++) m = m * WORD_BASE + d[i]!;
  const k = digitCount(d[0]!) + WORD_DIGITS * (words - 1) - 1 - e;
  return s * (k >= 0 ? m / 10 ** k : m * 10 ** -k);
}

/** Digits of a word below 10^7. */
function digitCount(word: number): number {
  if (word < 1e3) return word < 10 ? 1 : word < 100 ? 2 : 3;
  return word < 1e4 ? 4 : word < 1e5 ? 5 : word < 1e6 ? 6 : 7;
}

/** What decimal.js's cmp returns, for two finite Decimals (same steps as its own, on the argument itself). */
function compareFinite(x: DecimalInternals, y: DecimalInternals): number {
  const xd = x.d!;
  const yd = y.d!;
  const xs = x.s;
  const ys = y.s;
  if (!xd[0] || !yd[0]) return xd[0] ? xs : yd[0] ? -ys : 0;
  if (xs !== ys) return xs;
  if (x.e !== y.e) return (x.e > y.e) !== xs < 0 ? 1 : -1;
  const xl = xd.length;
  const yl = yd.length;
  for (let i = 0, n = xl < yl ? xl : yl; i < n; i++) {
    if (xd[i] !== yd[i]) return (xd[i]! > yd[i]!) !== xs < 0 ? 1 : -1;
  }
  return xl === yl ? 0 : (xl > yl) !== xs < 0 ? 1 : -1;
}

type Patchable = {
  toNumber(this: Decimal): number;
  cmp(this: Decimal, y: Decimal.Value): number;
  comparedTo(this: Decimal, y: Decimal.Value): number;
  __original?: { toNumber: (this: Decimal) => number; cmp: (this: Decimal, y: Decimal.Value) => number };
};

/** Installs both shortcuts on Decimal's prototype (once; every Decimal of the process shares it). */
export function installDecimalFastPaths(): void {
  const proto = Decimal.prototype as unknown as Patchable;
  if (proto.__original) return;
  const original = { toNumber: proto.toNumber, cmp: proto.cmp };
  Object.defineProperty(proto, '__original', { value: original });
  proto.toNumber = function toNumber(this: Decimal): number {
    return exactDouble(this) ?? original.toNumber.call(this);
  };
  const ctor = Decimal as unknown as { maxE: number; minE: number };
  proto.cmp = proto.comparedTo = function cmp(this: Decimal, y: Decimal.Value): number {
    const x = this as unknown as DecimalInternals;
    if (y instanceof Decimal && x.d !== null) {
      const v = y as unknown as DecimalInternals;
      if (v.d !== null && v.e <= ctor.maxE && v.e >= ctor.minE) return compareFinite(x, v);
    }
    return original.cmp.call(this, y);
  };
}
