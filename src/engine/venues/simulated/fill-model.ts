import { Decimal, floorToStep } from '../../values.js';
import type { Bar } from '../../bar.js';
import type { OrderType, Side } from '../../ports.js';

/**
 * The simulated venue's fill model, as pure functions of (order, bar, rules). No state, no I/O,
 * no randomness: the venue calls these and owns the book.
 */

/** Where market orders fill: the next bar's open (default) or the signal bar's close. */
export type FillTiming = 'next-open' | 'close';
export const FILL_TIMINGS: readonly FillTiming[] = ['next-open', 'close'];

export interface FillRules {
  /** Adverse price move applied to market orders, in basis points. */
  slippageBps: Decimal;
  /** Fee in basis points of notional, charged in the quote asset. */
  feeBps: Decimal;
  /** Max fraction of a bar's volume one order may take per bar (null: no cap). */
  participationCap: Decimal | null;
  /** Quantity step of the venue: fill quantities are floored to it. */
  qtyStep: Decimal;
}

export interface RestingOrder {
  side: Side;
  orderType: OrderType;
  limitPrice: Decimal | null;
  /** Quantity still to fill. */
  remaining: Decimal;
}

export interface FillPlan {
  qty: Decimal;
  price: Decimal;
  liquidity: 'MAKER' | 'TAKER';
}

const BPS = new Decimal(10_000);

/** Market price after adverse slippage: buyers pay more, sellers receive less. */
export function slipped(price: Decimal, side: Side, slippageBps: Decimal): Decimal {
  const factor = slippageBps.div(BPS);
  return side === 'BUY' ? price.mul(factor.add(1)) : price.mul(new Decimal(1).sub(factor));
}

export function feeFor(qty: Decimal, price: Decimal, feeBps: Decimal): Decimal {
  return qty.mul(price).mul(feeBps).div(BPS);
}

/** The most one order may take from this bar, or null when there is no cap. */
export function participationLimit(bar: Bar, rules: FillRules): Decimal | null {
  if (rules.participationCap === null) return null;
  return floorToStep(bar.volume.mul(rules.participationCap), rules.qtyStep);
}

function capped(remaining: Decimal, bar: Bar, rules: FillRules, ignoreCap: boolean): Decimal {
  const limit = ignoreCap ? null : participationLimit(bar, rules);
  return limit === null ? remaining : Decimal.min(remaining, limit);
}

/**
 * What an order fills on one bar, priced at `basis` (the bar's open for next-open timing, its close
 * for close timing). Limit orders fill when the bar touches the price: at the limit, or at the open
 * when the bar gaps through it. Returns null when nothing fills.
 */
export function planFill(order: RestingOrder, bar: Bar, basis: 'open' | 'close', rules: FillRules, ignoreCap = false): FillPlan | null {
  const reference = basis === 'open' ? bar.open : bar.close;
  let price: Decimal;
  let liquidity: 'MAKER' | 'TAKER';
  if (order.orderType === 'MARKET') {
    price = slipped(reference, order.side, rules.slippageBps);
    liquidity = 'TAKER';
  } else {
    const limit = order.limitPrice;
    if (limit === null) return null;
    const touch = limitTouch(order.side, limit, bar, basis);
    if (touch === null) return null;
    ({ price, liquidity } = touch);
  }
  const qty = capped(order.remaining, bar, rules, ignoreCap);
  if (qty.lte(0)) return null;
  return { qty, price, liquidity };
}

function limitTouch(side: Side, limit: Decimal, bar: Bar, basis: 'open' | 'close'): { price: Decimal; liquidity: 'MAKER' | 'TAKER' } | null {
  if (basis === 'close') {
    // Only the closing print is available (an order placed at the close): marketable or not.
    const marketable = side === 'BUY' ? bar.close.lte(limit) : bar.close.gte(limit);
    return marketable ? { price: bar.close, liquidity: 'TAKER' } : null;
  }
  if (side === 'BUY') {
    if (bar.open.lte(limit)) return { price: bar.open, liquidity: 'TAKER' }; // gapped through
    if (bar.low.lte(limit)) return { price: limit, liquidity: 'MAKER' };
    return null;
  }
  if (bar.open.gte(limit)) return { price: bar.open, liquidity: 'TAKER' };
  if (bar.high.gte(limit)) return { price: limit, liquidity: 'MAKER' };
  return null;
}

/**
 * Largest quantity (floored to the step) whose cost, fee included, fits in `cash`. A spot venue never
 * lets a buyer spend more than it has.
 */
export function affordableQty(cash: Decimal, price: Decimal, rules: FillRules): Decimal {
  if (cash.lte(0)) return new Decimal(0);
  const unitCost = price.mul(rules.feeBps.div(BPS).add(1));
  return floorToStep(cash.div(unitCost), rules.qtyStep);
}
