import type { FillTiming } from '../../engine/venues/simulated/fill-model.js';
import type { Decimal } from '../../engine/values.js';
import { buyAndHold, type BuyAndHoldInput } from '../metrics/buy-and-hold.js';
import type { BenchmarkInput } from '../metrics/compute-metrics.js';
import type { PriceSeries } from './price-tape.js';

/**
 * Buy and hold on the backtest's own bars and costs (metrics/buy-and-hold.ts), as the metrics compare it:
 * of the run's first instrument when it trades several. Null when the run marked fewer cycles than it was
 * served (it stopped part-way) or had too few bars to enter.
 */
export function buyAndHoldBenchmark(
  prices: PriceSeries,
  points: number,
  s: { symbol: string; fill: FillTiming; feeBps: Decimal; slippageBps: Decimal; qtyStep: Decimal; initialCash: Decimal },
): BenchmarkInput | null {
  const input = prices.closes.length === points ? buyAndHoldInputOf(prices, s) : null;
  const held = input && buyAndHold(input);
  if (!held) return null;
  const entry = s.fill === 'next-open' ? "its second bar's open" : "its first bar's close";
  const description = `all cash into ${s.symbol} at ${entry} (the strategy's first possible fill), held, sold at the last close; the same fees and slippage`;
  return { label: 'buy and hold', description, equityCurve: held.equityCurve, finalEquity: held.finalEquity, fees: held.fees };
}

/**
 * Where buy and hold enters and exits under the run's fill timing: the first price a market order of the
 * strategy could fill at (next-open: the second bar's open, marked from that bar on; close: the first bar's
 * close), and the last close. Null with too few bars to enter.
 */
export function buyAndHoldInputOf(
  prices: PriceSeries,
  costs: { fill: FillTiming; feeBps: Decimal; slippageBps: Decimal; qtyStep: Decimal; initialCash: Decimal },
): BuyAndHoldInput | null {
  const entry = costs.fill === 'next-open' ? prices.firstBars[1] : prices.firstBars[0];
  if (entry === undefined || prices.lastBar === null) return null;
  return {
    closes: prices.closes,
    entry: { price: costs.fill === 'next-open' ? entry.bar.open : entry.bar.close, barIndex: entry.index, time: entry.bar.time },
    exitPrice: prices.lastBar.close,
    initialCash: costs.initialCash,
    feeBps: costs.feeBps,
    slippageBps: costs.slippageBps,
    qtyStep: costs.qtyStep,
  };
}
