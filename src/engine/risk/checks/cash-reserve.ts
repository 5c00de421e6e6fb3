import type { Side } from '../../ports.js';
import { Decimal } from '../../values.js';
import { divDown, str } from '../decimal-math.js';
import type { QtyLimit } from './types.js';

/**
 * Cash after a BUY may not fall below reserveFraction x tradable equity. (The self-financing reserve is
 * held apart from cash altogether, so no trade can touch it.)
 */
export function checkCashReserve(side: Side, qty: Decimal, cash: Decimal, floor: Decimal, unitCost: Decimal): QtyLimit | null {
  if (side !== 'BUY') return null;
  const cost = qty.mul(unitCost);
  const after = cash.minus(cost);
  if (after.gte(floor)) return null;
  const spendable = Decimal.max(cash.minus(floor), 0);
  return { code: 'CASH_RESERVE', maxQty: divDown(spendable, unitCost), context: { cashAfter: str(after), limit: str(floor), cash: str(cash) } };
}
