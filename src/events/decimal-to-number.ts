import { Decimal } from 'decimal.js';

/**
 * decimal.js's toNumber() writes the value out as a string and parses it back: about a microsecond, three
 * times a bar for a strategy that reads high, low and close as floats. The same double can be had from the
 * digits themselves: when the value is an integer M of at most 2^53 times 10^-k with |k| <= 22, both M and
 * 10^k are exact doubles, so one IEEE division (or multiplication) rounds the exact quotient once, to nearest,
 * exactly as parsing the decimal string does. Anything else (more digits, extreme exponents, NaN, infinities)
 * takes decimal.js's own path. Same result bit for bit, -0 included (property-tested against the original).
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

/** Digits of a word below 10^7. */
function digitCount(word: number): number {
  if (word < 1e3) return word < 10 ? 1 : word < 100 ? 2 : 3;
  return word < 1e4 ? 4 : word < 1e5 ? 5 : word < 1e6 ? 6 : 7;
}

/** Makes every Decimal's toNumber() take the exact shortcut first (the process has one decimal.js). */
export function installExactToNumber(): void {
  const proto = Decimal.prototype as unknown as { toNumber(this: Decimal): number; __stringToNumber?: (this: Decimal) => number };
  if (proto.__stringToNumber) return;
  const viaString = proto.toNumber;
  Object.defineProperty(proto, '__stringToNumber', { value: viaString });
  proto.toNumber = function toNumber(this: Decimal): number {
    return exactDouble(this) ?? viaString.call(this);
  };
}
