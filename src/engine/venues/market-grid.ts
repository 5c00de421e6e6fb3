import { Decimal } from '../values.js';
import type { OrderType, Side } from '../ports.js';
import type { MarketRules } from './market-rules.js';

/**
 * Putting an order on a venue's grid (MarketRules), with Decimal only. Pure. Quantities round down to
 * the lot step; a buy limit rounds down and a sell limit up to the tick (never more aggressive than
 * asked); the minimum quantity and notional are checked after rounding, on the rounded values.
 */

export interface GridInput {
  side: Side;
  orderType: OrderType;
  qty: Decimal;
  limitPrice: Decimal | null;
  /** Price a market order is expected to trade at (the last close): its notional is checked with it. */
  referencePrice: Decimal;
}

export type GridFit =
  | { ok: true; qty: Decimal; limitPrice: Decimal | null }
  | { ok: false; reasonCode: 'PRECISION' | 'MIN_NOTIONAL'; detail: string };

export function roundDownToStep(value: Decimal, step: Decimal): Decimal {
  if (step.lte(0)) return value;
  return value.div(step).floor().mul(step);
}

export function roundUpToStep(value: Decimal, step: Decimal): Decimal {
  if (step.lte(0)) return value;
  return value.div(step).ceil().mul(step);
}

export function isOnGrid(value: Decimal, step: Decimal): boolean {
  return step.lte(0) || value.div(step).isInteger();
}

export function fitOrderToMarket(order: GridInput, rules: MarketRules): GridFit {
  const qty = roundDownToStep(order.qty, rules.qtyStep);
  if (qty.lte(0)) return { ok: false, reasonCode: 'PRECISION', detail: `quantity ${order.qty.toFixed()} rounds to 0 at step ${rules.qtyStep.toFixed()}` };
  if (qty.lt(rules.minQty)) {
    return { ok: false, reasonCode: 'PRECISION', detail: `quantity ${qty.toFixed()} is below the minimum ${rules.minQty.toFixed()}` };
  }
  let limitPrice: Decimal | null = null;
  if (order.orderType === 'LIMIT') {
    if (order.limitPrice === null || order.limitPrice.lte(0)) return { ok: false, reasonCode: 'PRECISION', detail: 'a limit order needs a positive limit price' };
    limitPrice = order.side === 'BUY' ? roundDownToStep(order.limitPrice, rules.priceTick) : roundUpToStep(order.limitPrice, rules.priceTick);
    if (limitPrice.lte(0)) return { ok: false, reasonCode: 'PRECISION', detail: `limit ${order.limitPrice.toFixed()} rounds to 0 at tick ${rules.priceTick.toFixed()}` };
  }
  const notional = qty.mul(limitPrice ?? order.referencePrice);
  if (notional.lt(rules.minNotional)) {
    return { ok: false, reasonCode: 'MIN_NOTIONAL', detail: `notional ${notional.toFixed()} is below the minimum ${rules.minNotional.toFixed()}` };
  }
  return { ok: true, qty, limitPrice };
}

/**
 * Why an order is not on the grid as it stands, or null when it is. Adapters refuse such an order
 * before sending it: rounding there would make the venue's order differ from the one the log recorded.
 */
export function offGridReason(order: { qty: Decimal; limitPrice: Decimal | null; orderType: OrderType }, rules: MarketRules): string | null {
  if (order.qty.lte(0)) return `quantity ${order.qty.toFixed()} is not positive`;
  if (!isOnGrid(order.qty, rules.qtyStep)) return `quantity ${order.qty.toFixed()} is not a multiple of the lot step ${rules.qtyStep.toFixed()}`;
  if (order.qty.lt(rules.minQty)) return `quantity ${order.qty.toFixed()} is below the minimum ${rules.minQty.toFixed()}`;
  if (order.orderType === 'LIMIT') {
    if (order.limitPrice === null || order.limitPrice.lte(0)) return 'a limit order needs a positive limit price';
    if (!isOnGrid(order.limitPrice, rules.priceTick)) return `limit ${order.limitPrice.toFixed()} is not a multiple of the tick ${rules.priceTick.toFixed()}`;
    const notional = order.qty.mul(order.limitPrice);
    if (notional.lt(rules.minNotional)) return `notional ${notional.toFixed()} is below the minimum ${rules.minNotional.toFixed()}`;
  }
  return null;
}

/** Plain notation, never an exponent: what goes on the wire. */
export function wireDecimal(value: Decimal): string {
  return value.toFixed();
}
