import { Decimal } from '../../values.js';
import { divDown, str } from '../decimal-math.js';
import type { QtyLimit } from './types.js';

/**
 * Notional caps limit NEW exposure: the part of an order that closes a position is not counted, so a
 * position can always be closed in one order (a cap that cut a close would leave risk on the book).
 * `reducing` is how much of the order closes exposure; the cap applies to (qty - reducing) x price.
 */
function newNotional(qty: Decimal, reducing: Decimal, refPrice: Decimal): Decimal {
  return Decimal.max(qty.minus(reducing), 0).mul(refPrice);
}

export function checkOrderNotional(cap: Decimal | null, qty: Decimal, reducing: Decimal, refPrice: Decimal): QtyLimit | null {
  if (cap === null) return null;
  const notional = newNotional(qty, reducing, refPrice);
  if (notional.lte(cap)) return null;
  return { code: 'NOTIONAL_CAP_PER_ORDER', maxQty: Decimal.min(qty, reducing).plus(divDown(cap, refPrice)), context: { requested: str(notional), limit: str(cap) } };
}

/** New-exposure notional approved so far this cycle plus this order's may not exceed the cap. */
export function checkCycleNotional(cap: Decimal | null, cycleNotional: Decimal, qty: Decimal, reducing: Decimal, refPrice: Decimal): QtyLimit | null {
  if (cap === null) return null;
  const notional = newNotional(qty, reducing, refPrice);
  if (notional.isZero() || cycleNotional.plus(notional).lte(cap)) return null;
  const room = Decimal.max(cap.minus(cycleNotional), 0);
  return {
    code: 'NOTIONAL_CAP_PER_CYCLE',
    maxQty: Decimal.min(qty, reducing).plus(divDown(room, refPrice)),
    context: { requested: str(notional), alreadyThisCycle: str(cycleNotional), limit: str(cap) },
  };
}
