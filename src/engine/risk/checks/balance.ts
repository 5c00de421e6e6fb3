import type { Side } from '../../ports.js';
import { Decimal } from '../../values.js';
import { divDown, str } from '../decimal-math.js';
import type { QtyLimit } from './types.js';

/**
 * Can the order be paid for? A BUY needs qty x unitCost of free cash (unitCost = refPrice plus the
 * configured buffer for fees, slippage and the gap to the fill price). A SELL without short selling
 * can sell at most what is held.
 */
export function checkBalance(side: Side, qty: Decimal, cash: Decimal, position: Decimal, unitCost: Decimal, allowShort: boolean): QtyLimit | null {
  if (side === 'BUY') {
    const cost = qty.mul(unitCost);
    if (cost.lte(cash)) return null;
    return { code: 'INSUFFICIENT_BALANCE', maxQty: divDown(Decimal.max(cash, 0), unitCost), context: { requiredCash: str(cost), cash: str(cash) } };
  }
  if (allowShort || qty.lte(position)) return null;
  return { code: 'INSUFFICIENT_BALANCE', maxQty: Decimal.max(position, 0), context: { requestedQty: str(qty), held: str(position) } };
}

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
