import { Decimal } from 'decimal.js';
import { affordableQty, feeFor, slipped, type FillRules } from '../../engine/venues/simulated/fill-model.js';
import type { Series } from './series.js';

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
  equityCurve: BuyAndHoldCurve;
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

  const curve = new BuyAndHoldCurve(input.closes, input.entry.barIndex, input.initialCash.toNumber(), cashLeft.toNumber(), qty.toNumber(), finalEquity.toNumber());
  return { equityCurve: curve, finalEquity, qty, entryTime: input.entry.time, entryFillPrice, exitFillPrice, fees: entryFee.plus(exitFee) };
}

/**
 * Buy and hold's equity at each bar close, computed when read from the closes (no array of bar length):
 * the initial cash before the entry bar, then the cash left plus the units at that close, and the final
 * equity (net of the exit's costs) at the last bar.
 */
export class BuyAndHoldCurve implements Series {
  readonly length: number;
  constructor(
    private readonly closes: ArrayLike<number>,
    private readonly entryIndex: number,
    private readonly initial: number,
    private readonly cash: number,
    private readonly units: number,
    private readonly last: number,
  ) {
    this.length = closes.length;
  }

  at(i: number): number | undefined {
    if (!(i >= 0 && i < this.length)) return undefined;
    if (i === this.length - 1) return this.last;
    return i < this.entryIndex ? this.initial : this.cash + this.units * this.closes[i]!;
  }
}
