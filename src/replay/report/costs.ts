import type { Metrics } from '../metrics/compute-metrics.js';
import { METRIC_CONVENTIONS } from '../metrics/conventions.js';
import { ratio } from './format.js';

/** The cost and fill model of a run in words, and the metric conventions: stated wherever figures are. */

export interface CostModel {
  feeBps: string;
  slippageBps: string;
  fill: 'next-open' | 'close';
  /** Max share of a bar's volume per order; null = none. */
  participationCap: string | null;
  quoteAsset: string;
}

export function costLine(c: CostModel): string {
  const fill = c.fill === 'next-open' ? "market orders fill at the next bar's open" : "market orders fill at the signal bar's close";
  const cap = c.participationCap === null ? 'no volume cap' : `at most ${c.participationCap} of a bar's volume per order`;
  return `fee ${c.feeBps} bps of notional per fill (in ${c.quoteAsset}); slippage ${c.slippageBps} bps against market fills; ${fill}; limit orders fill at their price when a bar touches it; ${cap}`;
}

export function conventionsLine(m: Metrics): string {
  const p = m.periodsPerYear % 1 === 0 ? String(m.periodsPerYear) : m.periodsPerYear.toFixed(2);
  return (
    `per-bar simple returns of the bar-close equity (initial equity first); risk-free rate ${METRIC_CONVENTIONS.riskFreeRate}; ` +
    `Sharpe and volatility: sample std (ddof ${METRIC_CONVENTIONS.stdevDdof}) x sqrt(${p}) = ${ratio(m.annualizationFactor)}; ` +
    `Sortino: downside deviation sqrt(mean(min(r,0)^2)) over all returns; CAGR: (final/initial)^(${p}/bars) - 1` +
    `${m.cagrYears === null ? '' : ` over ${m.cagrYears.toFixed(2)} years`}; as empyrical computes them`
  );
}
