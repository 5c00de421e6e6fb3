import { Decimal } from '../../values.js';
import { divDown, str } from '../decimal-math.js';
import type { QtyLimit } from './types.js';

/** One order's notional (qty x reference price) may not exceed the cap; applies to closes too (fat-finger guard). */
export function checkOrderNotional(cap: Decimal | null, qty: Decimal, refPrice: Decimal): QtyLimit | null {
  if (cap === null) return null;
  const notional = qty.mul(refPrice);
  if (notional.lte(cap)) return null;
  return { code: 'NOTIONAL_CAP_PER_ORDER', maxQty: divDown(cap, refPrice), context: { requested: str(notional), limit: str(cap) } };
}

/** The notional approved so far this cycle plus this order may not exceed the cap. */
export function checkCycleNotional(cap: Decimal | null, cycleNotional: Decimal, qty: Decimal, refPrice: Decimal): QtyLimit | null {
  if (cap === null) return null;
  const notional = qty.mul(refPrice);
  if (cycleNotional.plus(notional).lte(cap)) return null;
  const room = Decimal.max(cap.minus(cycleNotional), 0);
  return {
    code: 'NOTIONAL_CAP_PER_CYCLE',
    maxQty: divDown(room, refPrice),
    context: { requested: str(notional), alreadyThisCycle: str(cycleNotional), limit: str(cap) },
  };
}
