import { renderReport } from '../report/index.js';
import { costLine } from '../report/costs.js';
import { breakerBanner, riskModeLine, riskModeSettingsOf } from '../report/risk-section.js';
import { toFloat64Array } from '../metrics/series.js';
import { buyAndHoldBenchmark } from './benchmark.js';
import type { BacktestResult } from './run-backtest.js';

/** The self-contained HTML page of a backtest (report/renderReport), with buy and hold drawn beside it. */
export function renderBacktestReport(r: BacktestResult, ctx: { strategy: string; symbol: string; params: Readonly<Record<string, string>> }): string {
  const s = r.settings;
  const modes = riskModeSettingsOf(s.risk);
  const held = buyAndHoldBenchmark(r.instrumentPrices, r.equity.values.length, s);
  return renderReport({
    title: `${ctx.strategy} on ${ctx.symbol}`,
    subtitle: `run ${r.runId} · ${r.data.barCount} bars (${r.data.interval ?? 'irregular'}) · fingerprint ${r.fingerprint.slice(0, 16)}… · decisions ${r.decisionFingerprint.slice(0, 16)}…`,
    metrics: r.metrics,
    equity: r.equity,
    trades: r.trades,
    params: ctx.params,
    benchmark: held ? { label: held.label, values: toFloat64Array(held.equityCurve) } : null,
    prices: { symbol: r.prices.symbol, closes: r.prices.closes },
    banner: breakerBanner(r.metrics, r.decisions, modes),
    decisions: r.decisions,
    riskModeLine: riskModeLine(r.metrics, modes),
    costLine: costLine({ feeBps: s.feeBps.toFixed(), slippageBps: s.slippageBps.toFixed(), fill: s.fill, participationCap: s.participationCap?.toFixed() ?? null, quoteAsset: s.quoteAsset }),
  });
}
