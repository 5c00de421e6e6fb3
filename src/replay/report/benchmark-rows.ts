import { Decimal } from 'decimal.js';
import type { Metrics } from '../metrics/compute-metrics.js';
import { money, percent, ratio } from './format.js';

/**
 * "Better than holding?": the strategy's figures beside buy and hold's on the same bars and costs, the
 * differences, beta / alpha / information ratio, and a one-line verdict. Shared by the summary and the report.
 */

export interface BenchmarkView {
  header: [string, string, string, string];
  rows: Array<[string, string, string, string]>;
  relative: string;
  verdict: string;
  beat: boolean;
}

export function benchmarkView(m: Metrics): BenchmarkView | null {
  const b = m.benchmark;
  if (b === null) return null;
  const pp = (x: number | null) => (x === null ? 'n/a' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(2)} pp`);
  const signed = (x: number | null) => (x === null ? 'n/a' : `${x >= 0 ? '+' : ''}${x.toFixed(2)}`);
  const rows: Array<[string, string, string, string]> = [
    ['Final equity', money(m.finalEquity), money(b.finalEquity), money(new Decimal(m.finalEquity).minus(b.finalEquity))],
    ['Total return', percent(m.totalReturn), percent(b.totalReturn), pp(b.excess.totalReturn)],
    ['CAGR', percent(m.cagr), percent(b.cagr), pp(b.excess.cagr)],
    ['Sharpe', ratio(m.sharpe), ratio(b.sharpe), signed(b.excess.sharpe)],
    ['Sortino', ratio(m.sortino), ratio(b.sortino), signed(b.excess.sortino)],
    ['Volatility', percent(m.volatility), percent(b.volatility), pp(m.volatility === null || b.volatility === null ? null : m.volatility - b.volatility)],
    ['Max drawdown', percent(m.maxDrawdown), percent(b.maxDrawdown), pp(b.excess.maxDrawdown)],
    ['Fees', money(m.totalFees), money(b.fees), ''],
  ];
  const relative = `beta ${ratio(b.beta)}, alpha ${percent(b.alpha)} a year, information ratio ${ratio(b.informationRatio)} (per-bar returns against buy and hold)`;
  const sharpeWord = b.beatOnSharpe === null ? 'Sharpe not comparable' : b.beatOnSharpe ? `a higher Sharpe (${signed(b.excess.sharpe)})` : `a lower Sharpe (${signed(b.excess.sharpe)})`;
  const verdict = b.beatOnReturn
    ? `the strategy BEAT buy and hold: ${pp(b.excess.totalReturn)} of return, ${sharpeWord}`
    : `the strategy did NOT beat buy and hold: ${pp(b.excess.totalReturn)} of return, ${sharpeWord}`;
  return { header: ['', 'strategy', b.label, 'difference'], rows, relative, verdict, beat: b.beatOnReturn };
}
