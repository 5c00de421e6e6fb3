import { renderReport } from '../report/index.js';
import type { BacktestResult } from './run-backtest.js';

/** The self-contained HTML page of a backtest (report/renderReport). */
export function renderBacktestReport(r: BacktestResult, ctx: { strategy: string; symbol: string; params: Readonly<Record<string, string>> }): string {
  return renderReport({
    title: `${ctx.strategy} on ${ctx.symbol}`,
    subtitle: `run ${r.runId} · ${r.data.barCount} bars (${r.data.interval ?? 'irregular'}) · fingerprint ${r.fingerprint.slice(0, 16)}… · decisions ${r.decisionFingerprint.slice(0, 16)}…`,
    metrics: r.metrics,
    equity: r.equity,
    trades: r.trades,
    params: ctx.params,
  });
}
