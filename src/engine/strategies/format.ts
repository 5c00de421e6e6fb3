import { Decimal } from 'decimal.js';
import { normalizeDecimal } from '../../events/decimal-string.js';

/** Indicator values (floats) as context strings: 10 significant digits, plain notation. */
export function floatString(x: number): string {
  return normalizeDecimal(new Decimal(x.toPrecision(10)));
}

/** Indicator values in a rationale: 6 significant digits, plain notation. */
export function shortFloat(x: number): string {
  return normalizeDecimal(new Decimal(x.toPrecision(6)));
}

export function decimalString(d: Decimal): string {
  return normalizeDecimal(d);
}
