import { Decimal } from '../../engine/values.js';

// Plain or exponent notation only: decimal.js would also accept hex, binary, NaN and Infinity.
const DECIMAL_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export type DecimalParse = { ok: true; value: Decimal } | { ok: false; reason: string };

/** A decimal straight from its text, never through a JS number. */
export function parseDecimalText(text: string): DecimalParse {
  if (text === '') return { ok: false, reason: 'empty value' };
  if (!DECIMAL_TEXT.test(text)) return { ok: false, reason: `not a number: "${text}"` };
  return { ok: true, value: new Decimal(text) };
}
