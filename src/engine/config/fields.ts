import { Decimal } from 'decimal.js';
import { IANAZone } from 'luxon';
import { z } from 'zod';
import { normalizeDecimal } from '../../events/decimal-string.js';

/**
 * Field builders for the engine configuration. Amounts are written in the file as JSON strings
 * ("1000.50") or plain numbers (1000.5); either way they come out as a normalised decimal string so
 * the effective config hashes the same however it was spelled, and money never passes through a float
 * in the engine. A JSON number is read by its shortest decimal spelling; a file whose number would not
 * come out as written (12345678901234567890123) is refused before it gets here (strict-json.ts).
 */

const DECIMAL_PATTERN = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function decimal(check: (d: Decimal) => boolean, message: string) {
  return z
    .union([z.string(), z.number()])
    .refine((v) => (typeof v === 'number' ? Number.isFinite(v) : DECIMAL_PATTERN.test(v)), 'expected a decimal number')
    .transform((v) => normalizeDecimal(String(v)))
    .refine((s) => check(new Decimal(s)), message);
}

export const positiveDecimal = () => decimal((d) => d.gt(0), 'must be > 0');
export const nonNegativeDecimal = () => decimal((d) => d.gte(0), 'must be >= 0');
/** A fraction in [0, 1]. */
export const fraction = () => decimal((d) => d.gte(0) && d.lte(1), 'must be a fraction between 0 and 1');
/** A fraction in (0, 1]. */
export const positiveFraction = () => decimal((d) => d.gt(0) && d.lte(1), 'must be a fraction > 0 and <= 1');

export const nonNegativeInt = () => z.number().int('must be a whole number').nonnegative('must be >= 0');
export const positiveInt = () => z.number().int('must be a whole number').positive('must be > 0');
export const nonNegativeNumber = () => z.number().nonnegative('must be >= 0');
/** A rate in basis points: 0 to 10000 (100%); beyond it a fee or slippage takes more than the whole notional. */
export const basisPoints = () => z.number().nonnegative('must be >= 0').max(10_000, 'must be at most 10000 basis points (100%)');

export const ianaTimeZone = () =>
  z.string().refine((tz) => IANAZone.isValidZone(tz), 'must be an IANA time zone such as "UTC" or "America/New_York"');
