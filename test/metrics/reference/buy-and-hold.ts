/** buyAndHold as it was before its curve became a view (src/replay/metrics/buy-and-hold.ts): the reference for test/metrics/metric-views.property.test.ts. */
import { Decimal } from 'decimal.js';
import { affordableQty, feeFor, slipped, type FillRules } from '../../../src/engine/venues/simulated/fill-model.js';

/**
 * The buy-and-hold benchmark on the strategy's own bars and costs: all the initial cash buys the
 * instrument with one market order at the first price the strategy itself could have traded at (the second
 * bar's open under next-open fills, the first bar's close under close fills), slipped and charged like any
 * market fill and floored to the venue's quantity step (the simulated venue's own rules); it is held and
 * sold at the last close, slipped and charged again, as the end-of-data close-out sells. Money in Decimal;
 * the bar-by-bar curve in floats (statistics only).
 */

export interface BuyAndHoldInput {
  /** Close of every bar, in the order of the strategy's equity curve. */
  closes: ArrayLike<number>;
  /** The reference price of the entry (before slippage) and the first bar the position is marked at. */
  entry: { price: Decimal; barIndex: number; time: number };
  /** The last bar's close. */
  exitPrice: Decimal;
  initialCash: Decimal;
  feeBps: Decimal;
  slippageBps: Decimal;
  qtyStep: Decimal;
}

export interface BuyAndHold {
  /** Equity at each bar close; the last point is net of the exit's costs. */
  equityCurve: Float64Array;
  finalEquity: Decimal;
  qty: Decimal;
  entryTime: number;
  entryFillPrice: Decimal;
  exitFillPrice: Decimal;
  fees: Decimal;
}

export function buyAndHold(input: BuyAndHoldInput): BuyAndHold | null {
  const n = input.closes.length;
  if (input.entry.barIndex >= n) return null;
  const rules: FillRules = { feeBps: input.feeBps, slippageBps: input.slippageBps, participationCap: null, qtyStep: input.qtyStep };
  const entryFillPrice = slipped(input.entry.price, 'BUY', input.slippageBps);
  const qty = affordableQty(input.initialCash, entryFillPrice, rules);
  const entryFee = feeFor(qty, entryFillPrice, input.feeBps);
  const cashLeft = input.initialCash.minus(qty.mul(entryFillPrice)).minus(entryFee);
  const exitFillPrice = slipped(input.exitPrice, 'SELL', input.slippageBps);
  const exitFee = feeFor(qty, exitFillPrice, input.feeBps);
  const finalEquity = cashLeft.plus(qty.mul(exitFillPrice)).minus(exitFee);

  const curve = new Float64Array(n);
  const cash = cashLeft.toNumber();
  const units = qty.toNumber();
  const initial = input.initialCash.toNumber();
  for (let i = 0; i < n; i++) curve[i] = i < input.entry.barIndex ? initial : cash + units * input.closes[i]!;
  curve[n - 1] = finalEquity.toNumber();
  return { equityCurve: curve, finalEquity, qty, entryTime: input.entry.time, entryFillPrice, exitFillPrice, fees: entryFee.plus(exitFee) };
}
