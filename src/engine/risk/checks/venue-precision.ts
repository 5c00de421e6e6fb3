import { Decimal, floorToStep } from '../../values.js';
import { str } from '../decimal-math.js';
import type { Denial } from './types.js';

export { floorToStep };

/**
 * The order as the venue can express it: quantity rounded DOWN to the step, a limit price rounded DOWN
 * to the tick. Either rounding to zero is PRECISION.
 */
export function checkPrecision(qty: Decimal, qtyStep: Decimal, limitPrice: Decimal | null, priceTick: Decimal): Denial | null {
  const q = floorToStep(qty, qtyStep);
  if (q.lte(0)) return { code: 'PRECISION', context: { requestedQty: str(qty), qtyStep: str(qtyStep) } };
  if (limitPrice !== null && floorToStep(limitPrice, priceTick).lte(0)) {
    return { code: 'PRECISION', context: { limitPrice: str(limitPrice), priceTick: str(priceTick) } };
  }
  return null;
}

export function checkMinNotional(minNotional: Decimal, qty: Decimal, refPrice: Decimal): Denial | null {
  const notional = qty.mul(refPrice);
  if (notional.gte(minNotional)) return null;
  return { code: 'MIN_NOTIONAL', context: { requested: str(notional), limit: str(minNotional) } };
}
