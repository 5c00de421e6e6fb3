import { renderSummary } from '../report/index.js';
import { costLine, conventionsLine } from '../report/costs.js';
import { breakerBanner, DECISION_HEADER, decisionHeadline, decisionRows, riskModeLine, riskModeSettingsOf } from '../report/risk-section.js';
import { textTable } from '../report/text-table.js';
import { Decimal } from '../../engine/values.js';
import type { BacktestResult } from './run-backtest.js';

/**
 * The human summary `engine backtest` prints on stdout: the metrics, buy and hold beside them, the monthly
 * returns and the last trades (report/renderSummary), then why trades did not happen, the risk modes, the
 * cost model, the metric conventions and the run's own facts. A run the circuit breaker ended says so
 * under its title.
 */
export function formatBacktestSummary(
  r: BacktestResult,
  ctx: { symbol: string; strategy: string; params: Readonly<Record<string, string>>; db: string; report: string | null },
): string[] {
  const counts = (rec: Record<string, number>) =>
    Object.keys(rec).length === 0 ? 'none' : Object.entries(rec).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join(' ');
  const modes = riskModeSettingsOf(r.settings.risk);
  const title = `backtest ${r.runId}: ${ctx.strategy} on ${ctx.symbol}, ${r.data.barCount.toLocaleString('en-US')} bars (${r.data.interval ?? 'irregular'})`;
  const banner = breakerBanner(r.metrics, r.decisions, modes);
  const lines = renderSummary(r.metrics, { title, banner, params: ctx.params, trades: r.trades, maxTrades: 5 }).trimEnd().split('\n');

  if (r.instruments.length > 1) {
    lines.push('', `Per instrument (quote ${r.settings.quoteAsset}; net profit of closed round trips, fees included)`);
    const header = ['instrument', 'fills', 'turnover', 'fees', 'trips', 'wins', 'net profit'];
    const rows = r.instruments.map((i) => [i.symbol, String(i.fills), fixed2(i.turnover), fixed2(i.fees), String(i.trades), String(i.wins), fixed2(i.netProfit)]);
    lines.push(...textTable([header, ...rows], { rightAligned: (c) => c > 0 }));
  }
  if (r.decisions.byCode.length > 0) {
    lines.push('', `Why trades did not happen (${decisionHeadline(r.decisions)})`);
    lines.push(...textTable([[...DECISION_HEADER], ...decisionRows(r.decisions)], { rightAligned: (c) => c === 2 || c === 3 }));
  }
  lines.push('');
  lines.push(`  decisions    ${r.intents} intents, ${r.orders} orders; denied: ${counts(r.denials)}; reduced: ${counts(r.reductions)}`);
  const modeLine = riskModeLine(r.metrics, modes);
  if (modeLine) lines.push(`  risk modes   ${modeLine}`);
  if (Object.keys(r.rejections).length > 0) lines.push(`  rejected     by the venue: ${counts(r.rejections)}`);
  const s = r.settings;
  lines.push(`  costs        ${costLine({ feeBps: s.feeBps.toFixed(), slippageBps: s.slippageBps.toFixed(), fill: s.fill, participationCap: s.participationCap?.toFixed() ?? null, quoteAsset: s.quoteAsset })}`);
  lines.push(`  conventions  ${conventionsLine(r.metrics)}`);
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

/** Money shown to the cent in the table (the exact figures are in --json and the log). */
function fixed2(value: string): string {
  return new Decimal(value).toFixed(2);
}
