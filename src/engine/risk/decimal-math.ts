import { Decimal } from '../values.js';

const RoundDown = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_DOWN });

/** a / b rounded toward zero, so that (a / b) * b never exceeds a: a cap divided by a price stays within the cap. */
export function divDown(a: Decimal, b: Decimal): Decimal {
  return new Decimal(new RoundDown(a).div(new RoundDown(b)));
}

/** Decimal in the events' normal form, for reason-code context values. */
export function str(d: Decimal): string {
  if (d.isZero()) return '0';
  return d.toFixed();
}
