import { Decimal } from 'decimal.js';
import '../events/decimal-string.js'; // arithmetic context

/**
 * Money, prices and quantities are Decimal, never a JS number. The aliases document intent; the
 * constructors check the invariant that each kind of value must hold.
 */
export type Price = Decimal;
export type Quantity = Decimal;
export type Money = Decimal;

export class InvalidValueError extends Error {
  override readonly name = 'InvalidValueError';
}

export function price(value: Decimal.Value): Price {
  const d = new Decimal(value);
  if (!d.isFinite() || d.lte(0)) throw new InvalidValueError(`price must be > 0, got ${String(value)}`);
  return d;
}

export function quantity(value: Decimal.Value): Quantity {
  const d = new Decimal(value);
  if (!d.isFinite() || d.lt(0)) throw new InvalidValueError(`quantity must be >= 0, got ${String(value)}`);
  return d;
}

export function money(value: Decimal.Value): Money {
  const d = new Decimal(value);
  if (!d.isFinite()) throw new InvalidValueError(`money must be finite, got ${String(value)}`);
  return d;
}

export const ZERO = new Decimal(0);

/** Round a quantity down to a venue step (e.g. 0.001): never round an order up. */
export function floorToStep(q: Quantity, step: Decimal): Quantity {
  if (step.lte(0)) return q;
  return q.div(step).floor().mul(step);
}

export { Decimal };
