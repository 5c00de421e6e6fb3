import { Decimal } from 'decimal.js';
import { z } from 'zod';
import { installDecimalFastPaths } from './decimal-fast-paths.js';

// One arithmetic context for the whole process: 40 significant digits, banker's rounding.
// Set here because every module that does money arithmetic imports the event vocabulary.
Decimal.set({ precision: 40, rounding: Decimal.ROUND_HALF_EVEN, toExpNeg: -40, toExpPos: 60 });
installDecimalFastPaths();

/**
 * Money, prices and quantities travel through events as decimal strings in one normal form:
 * plain notation (never exponent), no trailing zeros, no leading '+', and zero is always "0".
 * Equal amounts therefore always encode to equal bytes, which the hash chain relies on.
 */
export function normalizeDecimal(value: Decimal.Value): string {
  const d = new Decimal(value);
  if (!d.isFinite()) throw new RangeError(`not a finite decimal: ${String(value)}`);
  if (d.isZero()) return '0';
  return d.toFixed();
}

const DECIMAL_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A decimal amount in an event: accepts any decimal spelling, yields the normal form. */
export const DecimalString = z
  .string()
  .regex(DECIMAL_PATTERN, 'expected a decimal number written as a string')
  .transform((s) => normalizeDecimal(s));

/** A decimal that must be strictly positive (quantities, prices). */
export const PositiveDecimalString = DecimalString.refine((s) => new Decimal(s).gt(0), 'must be > 0');

/** A decimal that must be zero or more (fees, volumes, balances). */
export const NonNegativeDecimalString = DecimalString.refine((s) => new Decimal(s).gte(0), 'must be >= 0');
