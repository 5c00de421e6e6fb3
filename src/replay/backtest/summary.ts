import type { BacktestResult } from './run-backtest.js';

/** The human summary `engine backtest` prints on stdout. */
export function formatBacktestSummary(
  r: BacktestResult,
  ctx: { symbol: string; strategy: string; db: string; report: string | null },
): string[] {
  const m = r.metrics;
  const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(2)}%`);
  const num = (x: number | null, d = 2) => (x === null ? 'n/a' : x.toFixed(d));
  const money = (s: string) => Number(s).toLocaleString('en-US', { maximumFractionDigits: 2, minimumFractionDigits: 2 });
  const counts = (rec: Record<string, number>) =>
    Object.keys(rec).length === 0 ? 'none' : Object.entries(rec).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join(' ');
  const lines = [
    `backtest ${r.runId}: ${ctx.strategy} on ${ctx.symbol}, ${r.data.barCount.toLocaleString('en-US')} bars (${r.data.interval ?? 'irregular'}) ${m.startTime ?? ''} .. ${m.endTime ?? ''}`,
    `  equity          ${money(m.initialEquity)} -> ${money(m.finalEquity)} (net ${money(m.netProfit)})`,
    `  total return    ${pct(m.totalReturn)}    CAGR ${pct(m.cagr)}`,
    `  sharpe          ${num(m.sharpe)}    sortino ${num(m.sortino)}    (annualised x${m.annualizationFactor.toFixed(2)} = sqrt(${Math.round(m.periodsPerYear)}) periods/yr, ${m.annualizationBasis}, sample std dev)`,
    `  max drawdown    ${pct(m.maxDrawdown)}    exposure ${pct(m.exposure)}`,
    `  trades          ${m.tradeCount}    win rate ${pct(m.winRate)}    profit factor ${num(m.profitFactor)}    fees ${money(m.totalFees)}`,
    `  decisions       ${r.intents} intents, ${r.orders} orders; denied: ${counts(r.denials)}; reduced: ${counts(r.reductions)}`,
  ];
  if (Object.keys(r.rejections).length > 0) lines.push(`  venue rejected  ${counts(r.rejections)}`);
  if (r.closedAtEnd) lines.push('  a position still open after the last bar was closed at the last close (END_OF_DATA)');
  for (const note of m.notes) lines.push(`  note: ${note}`);
  lines.push(`  fingerprint     ${r.fingerprint}`);
  lines.push(`  decisions fp    ${r.decisionFingerprint}`);
  lines.push(
    r.eventsWritten === 0 && r.eventsAlreadyStored > 0
      ? `  log             ${ctx.db}: already recorded (${r.eventsAlreadyStored} events), nothing appended`
      : `  log             ${ctx.db}: ${r.eventsWritten} events appended to ${r.stream}`,
  );
  if (ctx.report) lines.push(`  report          ${ctx.report}`);
  return lines;
}
