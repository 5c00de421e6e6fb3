import type { FillTiming } from '../../engine/venues/simulated/fill-model.js';
import type { Decimal } from '../../engine/values.js';
import { buyAndHold, type BuyAndHoldInput } from '../metrics/buy-and-hold.js';
import type { BenchmarkInput } from '../metrics/compute-metrics.js';
import type { Series } from '../metrics/series.js';
import type { PriceSeries } from './price-tape.js';

/**
 * Buy and hold on the backtest's own bars and costs (metrics/buy-and-hold.ts), as the metrics compare it. A run
 * over several instruments is compared with an equal-weight portfolio: the initial cash split evenly, each share
 * buying its instrument at that instrument's first possible fill, held, and sold at its last close. Null when the
 * run marked fewer cycles than it was served (it stopped part-way) or had too few bars to enter.
 */
export function buyAndHoldBenchmark(
  series: readonly PriceSeries[],
  points: number,
  s: { fill: FillTiming; feeBps: Decimal; slippageBps: Decimal; qtyStep: Decimal; initialCash: Decimal },
): BenchmarkInput | null {
  if (series.length === 0 || series.some((p) => p.closes.length !== points)) return null;
  const entry = s.fill === 'next-open' ? "second bar's open" : "first bar's close";
  const share = series.length === 1 ? s.initialCash : s.initialCash.div(series.length);
  const held = series.map((p) => {
    const input = buyAndHoldInputOf(p, { ...s, initialCash: share });
    return input && buyAndHold(input);
  });
  if (held.some((h) => h === null)) return null;
  const parts = held as NonNullable<(typeof held)[number]>[];
  if (parts.length === 1) {
    const only = parts[0]!;
    const description = `all cash into ${series[0]!.symbol} at its ${entry} (the strategy's first possible fill), held, sold at the last close; the same fees and slippage`;
    return { label: 'buy and hold', description, equityCurve: only.equityCurve, finalEquity: only.finalEquity, fees: only.fees };
  }
  const finalEquity = parts.reduce((sum, h) => sum.plus(h.finalEquity), s.initialCash.mul(0));
  const curve = new EqualWeightCurve(parts.map((h) => h.equityCurve), points, finalEquity.toNumber());
  const symbols = series.map((p) => p.symbol).join(', ');
  const description = `the cash split evenly over ${symbols}, each share into its instrument at that instrument's ${entry}, held, sold at its last close; the same fees and slippage`;
  return { label: 'equal-weight buy and hold', description, equityCurve: curve, finalEquity, fees: parts.reduce((sum, h) => sum.plus(h.fees), s.initialCash.mul(0)) };
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

/**
 * The equal-weight portfolio's equity at each bar close, computed when read: the parts' equities summed in
 * the run's instrument order (from 0), and the exact final equity at the last bar.
 */
class EqualWeightCurve implements Series {
  constructor(
    private readonly parts: readonly Series[],
    readonly length: number,
    private readonly last: number,
  ) {}

  at(i: number): number | undefined {
    if (!(i >= 0 && i < this.length)) return undefined;
    if (i === this.length - 1) return this.last;
    let sum = 0;
    for (const p of this.parts) sum = sum + p.at(i)!;
    return sum;
  }
}
