import type { Metrics } from '../metrics/compute-metrics.js';
import type { RoundTrip } from '../metrics/round-trips.js';
import { isoTime, money, plainNumber } from './format.js';
import { metricRows } from './metric-rows.js';

/** The human-readable result of a backtest for stdout: aligned label/value table, then notes. */

export interface SummaryOptions {
  title?: string;
  params?: Readonly<Record<string, string>>;
  trades?: readonly RoundTrip[];
  /** Trades listed (the most recent ones); 0 to list none. */
  maxTrades?: number;
}

export function renderSummary(metrics: Metrics, options: SummaryOptions = {}): string {
  const lines: string[] = [];
  if (options.title) lines.push(options.title, '='.repeat(Math.min(78, options.title.length)));
  const rows = metricRows(metrics);
  if (options.params && Object.keys(options.params).length > 0) {
    rows.unshift(['Params', Object.entries(options.params).map(([k, v]) => `${k}=${v}`).join(' ')]);
  }
  const width = Math.max(...rows.map(([label]) => label.length));
  for (const [label, value] of rows) lines.push(`  ${label.padEnd(width)}  ${value}`);
  for (const note of metrics.notes) lines.push(`  note: ${note}`);

  const trades = options.trades ?? [];
  const max = options.maxTrades ?? 10;
  if (trades.length > 0 && max > 0) {
    const shown = trades.slice(-max);
    lines.push('', trades.length > shown.length ? `Last ${shown.length} of ${trades.length} trades` : 'Trades');
    const table = [
      ['side', 'qty', 'entry time', 'entry', 'exit time', 'exit', 'pnl', ''],
      ...shown.map((t) => [t.side, plainNumber(t.qty), isoTime(t.entryTime), plainNumber(t.entryPrice), isoTime(t.exitTime), plainNumber(t.exitPrice), money(t.pnl), t.openAtEnd ? 'open at end' : '']),
    ];
    const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
    const numeric = new Set([1, 3, 5, 6]);
    for (const row of table) lines.push(`  ${row.map((cell, c) => (numeric.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd()}`);
  }
  return `${lines.join('\n')}\n`;
}
