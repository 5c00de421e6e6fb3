import { Decimal } from '../../engine/values.js';
import { quote } from './quote.js';

// Plain or exponent notation only: decimal.js would also accept hex, binary, NaN and Infinity.
const DECIMAL_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Market data values the engine takes: at most 34 significant digits, and (zero aside) between 1e-18
 * and 1e18 in size. Beyond that a value is a broken export, and "1e999999999" would otherwise become
 * a billion-digit decimal string in every event that carries it.
 */
export const MAX_SIGNIFICANT_DIGITS = 34;
const MAX_MAGNITUDE = new Decimal('1e18');
const MIN_MAGNITUDE = new Decimal('1e-18');

export type DecimalParse = { ok: true; value: Decimal } | { ok: false; reason: string };

/** A decimal straight from its text, never through a JS number. */
export function parseDecimalText(text: string): DecimalParse {
  if (text === '') return { ok: false, reason: 'empty value' };
  if (text.length > 100 || !DECIMAL_TEXT.test(text)) return { ok: false, reason: `not a number: ${quote(text)}` };
  const exponent = /[eE]([+-]?\d+)$/.exec(text)?.[1];
  if (exponent !== undefined && Math.abs(Number(exponent)) > 100) return { ok: false, reason: `out of range: ${quote(text)} (values lie between 1e-18 and 1e18)` };
  const value = new Decimal(text);
  if (!value.isZero()) {
    const size = value.abs();
    if (size.gte(MAX_MAGNITUDE) || size.lt(MIN_MAGNITUDE)) return { ok: false, reason: `out of range: ${quote(text)} (values lie between 1e-18 and 1e18)` };
    if (value.sd() > MAX_SIGNIFICANT_DIGITS) return { ok: false, reason: `${quote(text)} has more than ${MAX_SIGNIFICANT_DIGITS} significant digits` };
  }
  return { ok: true, value };
}
