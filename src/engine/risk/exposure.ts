import type { Side } from '../ports.js';
import { Decimal, ZERO } from '../values.js';

/**
 * How much of an order reduces exposure: a SELL against a long or a BUY against a short, up to the
 * position's size. Anything beyond that (opening, adding, or flipping through zero) is new exposure.
 */
export function closingQty(side: Side, position: Decimal): Decimal {
  if (side === 'SELL') return position.gt(0) ? position : ZERO;
  return position.lt(0) ? position.neg() : ZERO;
}

export function reducingPart(side: Side, qty: Decimal, position: Decimal): Decimal {
  return Decimal.min(qty, closingQty(side, position));
}

export function signedQty(side: Side, qty: Decimal): Decimal {
  return side === 'BUY' ? qty : qty.neg();
}
