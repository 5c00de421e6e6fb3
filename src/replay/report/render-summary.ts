import type { Metrics } from '../metrics/compute-metrics.js';
import type { RoundTrip } from '../metrics/round-trips.js';
import { benchmarkView } from './benchmark-rows.js';
import { calendarGrid, MONTHS, pct1 } from './calendar-grid.js';
import { isoTime, money, plainNumber } from './format.js';
import { metricRows } from './metric-rows.js';
import { textTable } from './text-table.js';

/**
 * The human-readable result of a backtest for stdout: an aligned label/value table and its notes, the
 * comparison with buy and hold (when the metrics have one), the monthly returns, the last trades.
 */

export interface SummaryOptions {
  title?: string;
  /** Said right under the title, in capitals: what must not be missed (e.g. the circuit breaker ended trading). */
  banner?: string | null;
  params?: Readonly<Record<string, string>>;
  trades?: readonly RoundTrip[];
  /** Trades listed (the most recent ones); 0 to list none. */
  maxTrades?: number;
  /** Years of the monthly table shown (the most recent; default 10); 0 to show none. */
  maxYears?: number;
}

export function renderSummary(metrics: Metrics, options: SummaryOptions = {}): string {
  const lines: string[] = [];
  if (options.title) lines.push(options.title, '='.repeat(Math.min(78, options.title.length)));
  if (options.banner) lines.push(`  !! ${options.banner}`, '');
  const rows = metricRows(metrics);
  if (options.params && Object.keys(options.params).length > 0) {
    rows.unshift(['Params', Object.entries(options.params).map(([k, v]) => `${k}=${v}`).join(' ')]);
  }
  const width = Math.max(...rows.map(([label]) => label.length));
  for (const [label, value] of rows) lines.push(`  ${label.padEnd(width)}  ${value}`);
  for (const note of metrics.notes) lines.push(`  note: ${note}`);

  const bench = benchmarkView(metrics);
  if (bench) {
    lines.push('', `Against buy and hold (${metrics.benchmark!.description})`);
    lines.push(...textTable([bench.header, ...bench.rows]));
    lines.push(`  ${bench.relative}`, `  => ${bench.verdict}`);
  }

  const years = calendarGrid(metrics.calendar);
  const maxYears = options.maxYears ?? 10;
  if (years.length > 0 && maxYears > 0 && metrics.bars > 0) {
    const shown = years.slice(-maxYears);
    const hasBench = shown.some((y) => y.benchmark !== null);
    lines.push('', `Monthly returns (%, UTC months)${shown.length < years.length ? `, last ${shown.length} of ${years.length} years` : ''}`);
    const header = ['', ...MONTHS, 'year', ...(hasBench ? ['B&H'] : [])];
    const body = shown.map((y) => [y.year, ...y.months.map(pct1), pct1(y.total), ...(hasBench ? [pct1(y.benchmark)] : [])]);
    lines.push(...textTable([header, ...body]));
  }

  const trades = options.trades ?? [];
  const max = options.maxTrades ?? 10;
  if (trades.length > 0 && max > 0) {
    const shown = trades.slice(-max);
    lines.push('', trades.length > shown.length ? `Last ${shown.length} of ${trades.length} trades` : 'Trades');
    // Several instruments: each trip says which one it was.
    const symbolOf = (t: RoundTrip): string | undefined => (t as RoundTrip & { symbol?: string }).symbol;
    const several = new Set(trades.map(symbolOf)).size > 1;
    const lead = (t: RoundTrip): string[] => (several ? [symbolOf(t) ?? ''] : []);
    const table = [
      [...(several ? ['instrument'] : []), 'side', 'qty', 'entry time', 'entry', 'exit time', 'exit', 'pnl', ''],
      ...shown.map((t) => [...lead(t), t.side, plainNumber(t.qty), isoTime(t.entryTime), plainNumber(t.entryPrice), isoTime(t.exitTime), plainNumber(t.exitPrice), money(t.pnl), t.openAtEnd ? 'open at end' : '']),
    ];
    const numeric = new Set([1, 3, 5, 6].map((c) => c + (several ? 1 : 0)));
    lines.push(...textTable(table, { rightAligned: (c) => numeric.has(c) }));
  }
  return `${lines.join('\n')}\n`;
}
