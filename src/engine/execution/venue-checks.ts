import type { Side } from '../ports.js';
import { divDown, str } from '../risk/decimal-math.js';
import type { Denial, QtyLimit } from '../risk/checks/types.js';
import { Decimal, floorToStep } from '../values.js';
import type { MarketRules } from '../venues/market-rules.js';

/**
 * The EXECUTION layer, in one place: can the venue express the order (its quantity step, price tick,
 * minimum quantity and notional: the instrument's MarketRules) and can the account pay for it? The risk
 * decision composes these with its own limits (../risk/decide.ts); nothing else checks them.
 */

/** Quantity rounded DOWN to the step, a limit price rounded DOWN to the tick: either rounding to zero is PRECISION. */
export function checkPrecision(qty: Decimal, rules: MarketRules, limitPrice: Decimal | null): Denial | null {
  const q = floorToStep(qty, rules.qtyStep);
  if (q.lte(0)) return { code: 'PRECISION', context: { requestedQty: str(qty), qtyStep: str(rules.qtyStep) } };
  if (limitPrice !== null && floorToStep(limitPrice, rules.priceTick).lte(0)) {
    return { code: 'PRECISION', context: { limitPrice: str(limitPrice), priceTick: str(rules.priceTick) } };
  }
  return null;
}

/** The venue's minimum notional (and minimum quantity) for an order of this size. */
export function checkMinNotional(rules: MarketRules, qty: Decimal, refPrice: Decimal): Denial | null {
  const notional = qty.mul(refPrice);
  if (notional.lt(rules.minNotional)) return { code: 'MIN_NOTIONAL', context: { requested: str(notional), limit: str(rules.minNotional) } };
  if (qty.lt(rules.minQty)) return { code: 'MIN_NOTIONAL', context: { requestedQty: str(qty), minQty: str(rules.minQty) } };
  return null;
}

/** Whether what is left after the limits can still be sent: on the step and at or above the venue's minimums. */
export function sendable(qty: Decimal, rules: MarketRules, refPrice: Decimal): boolean {
  return qty.gt(0) && qty.gte(rules.minQty) && qty.mul(refPrice).gte(rules.minNotional);
}

/**
 * Can the order be paid for? A BUY needs qty x unitCost of free cash (unitCost = refPrice plus headroom for
 * fees, slippage and the gap to the fill price). A SELL without short selling can sell at most what is held.
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

/** The limit price the venue is sent: buys rounded down to the tick, sells up (never a worse price than asked). */
export function limitOnTick(side: Side, limitPrice: Decimal, rules: MarketRules): Decimal {
  if (rules.priceTick.lte(0)) return limitPrice;
  const units = limitPrice.div(rules.priceTick);
  return (side === 'BUY' ? units.floor() : units.ceil()).mul(rules.priceTick);
}
