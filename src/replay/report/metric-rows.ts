import type { Metrics } from '../metrics/compute-metrics.js';
import { duration, isoTime, money, percent, ratio } from './format.js';

/** The metrics as labelled display rows, shared by the stdout summary and the HTML report. */
export function metricRows(m: Metrics): Array<[string, string]> {
  return [
    ['Period', `${m.startTime === null ? 'n/a' : isoTime(Date.parse(m.startTime))} to ${m.endTime === null ? 'n/a' : isoTime(Date.parse(m.endTime))} (${m.bars} bars)`],
    ['Initial equity', money(m.initialEquity)],
    ['Final equity', money(m.finalEquity)],
    ['Net profit', money(m.netProfit)],
    ['Total return', percent(m.totalReturn)],
    ['CAGR', percent(m.cagr)],
    ['Sharpe', ratio(m.sharpe)],
    ['Sortino', ratio(m.sortino)],
    ['Volatility (annualised)', percent(m.volatility)],
    ['Annualisation', `x sqrt(${ratio(m.periodsPerYear, m.periodsPerYear % 1 === 0 ? 0 : 2)}) = ${ratio(m.annualizationFactor)} (${m.annualizationBasis})`],
    ['Max drawdown', percent(m.maxDrawdown)],
    ['Max drawdown duration', `${m.maxDrawdownDurationBars} bars${m.maxDrawdownDurationMs === null ? '' : ` (${duration(m.maxDrawdownDurationMs)})`}`],
    ['Trades', String(m.tradeCount)],
    ['Win rate', percent(m.winRate, 1)],
    ['Profit factor', m.profitFactor === null ? (m.tradeCount > 0 && m.grossLoss === '0' && m.grossProfit !== '0' ? 'inf (no losing trade)' : 'n/a') : ratio(m.profitFactor)],
    ['Average trade pnl', money(m.averageTradePnl)],
    ['Exposure', `${percent(m.exposure, 1)} (${m.barsInMarket} bars in the market)`],
    ['Fees', money(m.totalFees)],
  ];
}
