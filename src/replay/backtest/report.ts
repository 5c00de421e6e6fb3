import type { BacktestResult } from './run-backtest.js';

/** The HTML report of a backtest (H4a's renderer once it lands). */
export async function renderBacktestReport(r: BacktestResult, ctx: { strategy: string; symbol: string }): Promise<string> {
  return `<!doctype html><meta charset="utf-8"><title>${ctx.strategy} ${ctx.symbol} ${r.runId}</title><pre>${JSON.stringify(r.metrics, null, 2)}</pre>`;
}
