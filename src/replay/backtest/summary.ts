import { renderSummary } from '../report/index.js';
import type { BacktestResult } from './run-backtest.js';

/** The human summary `engine backtest` prints on stdout: the metrics (report/renderSummary), then the run's own facts. */
export function formatBacktestSummary(
  r: BacktestResult,
  ctx: { symbol: string; strategy: string; params: Readonly<Record<string, string>>; db: string; report: string | null },
): string[] {
  const counts = (rec: Record<string, number>) =>
    Object.keys(rec).length === 0 ? 'none' : Object.entries(rec).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join(' ');
  const title = `backtest ${r.runId}: ${ctx.strategy} on ${ctx.symbol}, ${r.data.barCount.toLocaleString('en-US')} bars (${r.data.interval ?? 'irregular'})`;
  const lines = renderSummary(r.metrics, { title, params: ctx.params, trades: r.trades, maxTrades: 5 }).trimEnd().split('\n');
  lines.push('');
  lines.push(`  decisions    ${r.intents} intents, ${r.orders} orders; denied: ${counts(r.denials)}; reduced: ${counts(r.reductions)}`);
  if (Object.keys(r.rejections).length > 0) lines.push(`  rejected     by the venue: ${counts(r.rejections)}`);
  if (r.closedAtEnd) lines.push('  end of data  the position still open after the last bar was closed at the last close (END_OF_DATA)');
  lines.push(`  fingerprint  ${r.fingerprint} (run)`);
  lines.push(`               ${r.decisionFingerprint} (decisions)`);
  lines.push(
    r.eventsWritten === 0 && r.eventsAlreadyStored > 0
      ? `  log          ${ctx.db}: already recorded (${r.eventsAlreadyStored} events of ${r.stream}), nothing appended`
      : `  log          ${ctx.db}: ${r.eventsWritten} events appended to ${r.stream}`,
  );
  if (ctx.report) lines.push(`  report       ${ctx.report}`);
  return lines;
}
