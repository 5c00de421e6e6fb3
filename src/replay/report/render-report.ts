import type { Metrics } from '../metrics/compute-metrics.js';
import type { DecisionSummary } from '../metrics/decisions.js';
import { drawdownSeries } from '../metrics/drawdown.js';
import { returnDistribution } from '../metrics/return-distribution.js';
import type { RoundTrip } from '../metrics/round-trips.js';
import { minMaxDownsample } from './downsample.js';
import { escapeHtml } from './escape.js';
import { isoTime, money, percent, plainNumber } from './format.js';
import { benchmarkSection, conventionsSection, decisionsSection, distributionSection, monthlySection, verdictSection } from './html-sections.js';
import { indexAtOrBefore, marker } from './markers.js';
import { metricRows } from './metric-rows.js';
import { priceChart } from './price-chart.js';
import { linearScale, niceTicks, pathOf, xAxis, yAxis, type Frame, type Scale } from './svg-chart.js';

/**
 * One self-contained HTML page for a backtest, answering "better than holding?": the circuit-breaker
 * banner when one ended trading, the verdict against buy and hold, the equity curve (buy and hold's
 * beside it) with buy/sell markers and the drawdown underneath, the price with every entry and exit, the
 * metrics beside buy and hold's, the monthly returns, the return distribution, why trades did not happen
 * (denials and reductions per reason code, risk-mode changes), the costs and metric conventions, the
 * parameters and the trades. Inline SVG and an inline stylesheet only: no script, no external resource of
 * any kind, so the file opens the same offline and years later.
 */

export interface ReportInput {
  title: string;
  subtitle?: string;
  metrics: Metrics;
  /** Equity at each bar's close, with the bars' times (epoch ms). */
  equity: { times: ArrayLike<number>; values: ArrayLike<number> };
  trades: readonly RoundTrip[];
  params?: Readonly<Record<string, string>>;
  /** Points per chart after downsampling (default 2000). */
  maxPoints?: number;
  /** Trades drawn as markers (default 1000; beyond that markers would hide the curve). */
  maxMarkedTrades?: number;
  /** Rows of the trades table: the first and last half of this when there are more (default 100). */
  maxTradeRows?: number;
  /** Buy and hold's equity at each bar close (drawn beside the strategy's). */
  benchmark?: { label: string; values: ArrayLike<number> } | null;
  /** The instrument's close at each bar (the price chart). */
  prices?: { symbol: string; closes: ArrayLike<number> } | null;
  /** Said first, in a red box (e.g. the circuit breaker ended trading). */
  banner?: string | null;
  decisions?: DecisionSummary;
  /** The risk modes in one line (report/risk-section.ts). */
  riskModeLine?: string | null;
  /** The cost and fill model in one line (report/costs.ts). */
  costLine?: string | null;
}

const WIDTH = 960;
const EQUITY_FRAME: Frame = { width: WIDTH, height: 340, left: 84, right: 16, top: 12, bottom: 8 };
const DRAWDOWN_FRAME: Frame = { width: WIDTH, height: 170, left: 84, right: 16, top: 8, bottom: 26 };

export function renderReport(input: ReportInput): string {
  const { times, values } = input.equity;
  if (times.length !== values.length) throw new RangeError(`equity has ${times.length} times but ${values.length} values`);
  const title = escapeHtml(input.title);
  const drawable = times.length >= 2 && Array.prototype.every.call(values, (v: number) => Number.isFinite(v));
  const chart = drawable ? charts(input) : '<p class="empty">Not enough finite equity values to draw a chart.</p>';
  const params = Object.entries(input.params ?? {});
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${title}</title>`,
    `<style>${STYLE}</style>`,
    '</head><body>',
    `<h1>${title}</h1>`,
    input.subtitle ? `<p class="sub">${escapeHtml(input.subtitle)}</p>` : '',
    input.banner ? `<p class="banner">${escapeHtml(input.banner)}</p>` : '',
    verdictSection(input.metrics),
    chart,
    input.prices && drawable
      ? `<section><h2>${escapeHtml(input.prices.symbol)}: price, entries and exits</h2><figure>${priceChart(input.prices.symbol, times, input.prices.closes, input.trades, {
          maxPoints: input.maxPoints ?? 2000,
          maxMarkedTrades: input.maxMarkedTrades ?? 1000,
        })}<figcaption>Closes, with every entry and exit at its fill price and time (UTC).</figcaption></figure></section>`
      : '',
    '<div class="cols">',
    `<section><h2>Metrics</h2><table class="kv">${metricRows(input.metrics).map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table>`,
    input.metrics.notes.length > 0 ? `<ul class="notes">${input.metrics.notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : '',
    '</section>',
    benchmarkSection(input.metrics),
    '</div>',
    monthlySection(input.metrics),
    distributionSection(returnDistribution(times, values, Number(input.metrics.initialEquity), input.metrics.intervalMs)),
    decisionsSection(input.decisions, input.riskModeLine ?? null),
    conventionsSection(input.metrics, input.costLine ?? null),
    params.length > 0 ? `<section><h2>Parameters</h2><table class="kv">${params.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</table></section>` : '',
    tradesTable(input.trades, input.maxTradeRows ?? 100),
    '</body></html>',
    '',
  ].join('\n');
}

function charts(input: ReportInput): string {
  const { times, values } = input.equity;
  const n = times.length;
  const maxPoints = input.maxPoints ?? 2000;
  const bench = input.benchmark && input.benchmark.values.length === n ? input.benchmark : null;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    lo = Math.min(lo, values[i]!, bench ? bench.values[i]! : Infinity);
    hi = Math.max(hi, values[i]!, bench ? bench.values[i]! : -Infinity);
  }
  const pad = (hi - lo) * 0.05 || Math.abs(hi) * 0.01 || 1;
  const t0 = times[0]!;
  const t1 = times[n - 1]! > t0 ? times[n - 1]! : t0 + 1;
  const xE = linearScale(t0, t1, EQUITY_FRAME.left, WIDTH - EQUITY_FRAME.right);
  const yE = linearScale(lo - pad, hi + pad, EQUITY_FRAME.height - EQUITY_FRAME.bottom, EQUITY_FRAME.top);
  const kept = minMaxDownsample(values, maxPoints);
  const equityPath = pathOf(kept.map((i) => [xE(times[i]!), yE(values[i]!)] as const));
  const benchPath = bench ? pathOf(minMaxDownsample(bench.values, maxPoints).map((i) => [xE(times[i]!), yE(bench.values[i]!)] as const)) : null;

  const dd = drawdownSeries(values);
  let maxDd = 0;
  let maxDdAt = 0;
  for (let i = 0; i < n; i++) {
    if (dd[i]! > maxDd) {
      maxDd = dd[i]!;
      maxDdAt = i;
    }
  }
  const depth = maxDd > 0 ? maxDd * 1.05 : 0.01;
  const xD = linearScale(t0, t1, DRAWDOWN_FRAME.left, WIDTH - DRAWDOWN_FRAME.right);
  const yD = linearScale(0, depth, DRAWDOWN_FRAME.top, DRAWDOWN_FRAME.height - DRAWDOWN_FRAME.bottom);
  const keptDd = minMaxDownsample(dd, maxPoints);
  const ddPoints = keptDd.map((i) => [xD(times[i]!), yD(dd[i]!)] as const);
  const ddArea = `${pathOf([[xD(times[0]!), yD(0)], ...ddPoints, [xD(times[n - 1]!), yD(0)]])}Z`;

  const downsampled = kept.length < n ? `<p class="sub">${n} bars drawn as ${kept.length} points (lowest and highest of each bucket kept).</p>` : '';
  return [
    '<figure>',
    `<svg class="chart" viewBox="0 0 ${WIDTH} ${EQUITY_FRAME.height}" role="img" aria-label="Equity curve with trade markers" data-chart="equity">`,
    yAxis(EQUITY_FRAME, yE, niceTicks(lo - pad, hi + pad, 6), (v) => money(String(v), Math.abs(hi - lo) < 10 ? 2 : 0)),
    xAxis(EQUITY_FRAME, xE, false),
    benchPath ? `<path class="bench" d="${benchPath}"><title>${escapeHtml(bench!.label)}</title></path>` : '',
    `<path class="equity" d="${equityPath}"/>`,
    markers(input, xE, yE),
    '</svg>',
    `<svg class="chart" viewBox="0 0 ${WIDTH} ${DRAWDOWN_FRAME.height}" role="img" aria-label="Drawdown" data-chart="drawdown">`,
    yAxis(DRAWDOWN_FRAME, yD, niceTicks(0, depth, 4), (v) => (v === 0 ? '0%' : `-${percent(v, 1)}`)),
    xAxis(DRAWDOWN_FRAME, xD, true),
    `<path class="dd" d="${ddArea}"/>`,
    maxDd > 0 ? deepest(xD(times[maxDdAt]!), yD(maxDd), maxDd, times[maxDdAt]!) : '',
    '</svg>',
    `<figcaption><span class="buy">&#9650;</span> buy &nbsp; <span class="sell">&#9660;</span> sell &nbsp; <span class="hollow">&#9651;&#9661;</span> closed at the last close &nbsp; Equity (top${bench ? `, ${escapeHtml(bench.label)} dashed` : ''}) and drawdown from the running peak (bottom), UTC.</figcaption>`,
    downsampled,
    '</figure>',
  ].join('\n');
}

/** Marks the deepest point of the drawdown with its depth and time. */
function deepest(px: number, py: number, depth: number, t: number): string {
  const x = Math.round(px * 10) / 10;
  const y = Math.round(py * 10) / 10;
  const anchor = px > WIDTH * 0.8 ? 'end' : 'start';
  const dx = anchor === 'end' ? -8 : 8;
  return `<circle class="deepest" cx="${x}" cy="${y}" r="3"/><text class="tick" x="${x + dx}" y="${y - 2}" text-anchor="${anchor}">max drawdown -${escapeHtml(percent(depth))} (${escapeHtml(isoTime(t))})</text>`;
}

function markers(input: ReportInput, x: Scale, y: Scale): string {
  const { times, values } = input.equity;
  const max = input.maxMarkedTrades ?? 1000;
  if (input.trades.length > max) return `<text class="tick" x="${WIDTH - 20}" y="24" text-anchor="end">${input.trades.length} trades: markers omitted</text>`;
  const equityAt = (t: number): number => values[indexAtOrBefore(times, t)]!;
  const out: string[] = [];
  input.trades.forEach((t, k) => {
    const entrySide = t.side === 'LONG' ? 'BUY' : 'SELL';
    const exitSide = t.side === 'LONG' ? 'SELL' : 'BUY';
    out.push(marker(entrySide, x(t.entryTime), y(equityAt(t.entryTime)), false, `#${k + 1} ${entrySide} ${plainNumber(t.qty)} @ ${plainNumber(t.entryPrice)} (${isoTime(t.entryTime)}) open ${t.side.toLowerCase()}`));
    out.push(marker(exitSide, x(t.exitTime), y(equityAt(t.exitTime)), t.openAtEnd, `#${k + 1} ${exitSide} ${plainNumber(t.qty)} @ ${plainNumber(t.exitPrice)} (${isoTime(t.exitTime)}) pnl ${money(t.pnl)}${t.openAtEnd ? ', closed at the last close' : ''}`));
  });
  return `<g class="markers">${out.join('')}</g>`;
}

function tradesTable(trades: readonly RoundTrip[], maxRows: number): string {
  if (trades.length === 0) return '<section><h2>Trades</h2><p class="empty">No trades.</p></section>';
  const half = Math.max(1, Math.floor(maxRows / 2));
  const rows: string[] = [];
  const row = (t: RoundTrip, k: number) =>
    `<tr class="${t.pnl.gte(0) ? 'win' : 'loss'}"><td>${k + 1}</td><td>${t.side}</td><td>${escapeHtml(plainNumber(t.qty))}</td><td>${escapeHtml(isoTime(t.entryTime))}</td><td>${escapeHtml(plainNumber(t.entryPrice))}</td><td>${escapeHtml(isoTime(t.exitTime))}</td><td>${escapeHtml(plainNumber(t.exitPrice))}</td><td>${escapeHtml(money(t.pnl))}</td><td>${escapeHtml(money(t.fees))}</td><td>${t.openAtEnd ? 'closed at last close' : ''}</td></tr>`;
  if (trades.length <= maxRows) trades.forEach((t, k) => rows.push(row(t, k)));
  else {
    trades.slice(0, half).forEach((t, k) => rows.push(row(t, k)));
    rows.push(`<tr class="gap"><td colspan="10">${trades.length - 2 * half} trades not shown</td></tr>`);
    trades.slice(-half).forEach((t, k) => rows.push(row(t, trades.length - half + k)));
  }
  return [
    `<section><h2>Trades (${trades.length})</h2>`,
    '<table class="trades"><thead><tr><th>#</th><th>side</th><th>qty</th><th>entry time</th><th>entry</th><th>exit time</th><th>exit</th><th>pnl</th><th>fees</th><th></th></tr></thead>',
    `<tbody>${rows.join('')}</tbody></table></section>`,
  ].join('\n');
}

const STYLE = [
  'body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2330;background:#fff;margin:24px auto;max-width:1000px;padding:0 16px}',
  'h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}',
  '.sub{color:#5b6475;margin:0 0 12px}figure{margin:0}figcaption{color:#5b6475;font-size:12px;margin-top:4px}',
  '.chart{width:100%;height:auto;display:block}',
  '.grid{stroke:#e6e9ef;stroke-width:1}.tick{fill:#5b6475;font-size:11px}',
  '.equity{fill:none;stroke:#2456c8;stroke-width:1.4}',
  '.dd{fill:#e25c5c;fill-opacity:.35;stroke:#c23b3b;stroke-width:1}.deepest{fill:#c23b3b}',
  '.m{stroke:#fff;stroke-width:.6}.m.buy{fill:#1a9c4b}.m.sell{fill:#d23c3c}.m.hollow{fill:#fff;stroke-width:1.5}.m.hollow.buy{stroke:#1a9c4b}.m.hollow.sell{stroke:#d23c3c}',
  'span.buy{color:#1a9c4b}span.sell{color:#d23c3c}span.hollow{color:#5b6475}',
  '.cols{display:flex;gap:32px;flex-wrap:wrap}.cols section{flex:1 1 380px}',
  'table{border-collapse:collapse}td,th{padding:3px 8px;text-align:left;border-bottom:1px solid #eef0f4}',
  '.kv th{font-weight:500;color:#5b6475;white-space:nowrap}.kv td{font-variant-numeric:tabular-nums}',
  '.trades{width:100%;font-size:12px;font-variant-numeric:tabular-nums}.trades td:nth-child(n+3):nth-child(-n+9){text-align:right}',
  '.trades tr.win td:nth-child(8){color:#1a7a3d}.trades tr.loss td:nth-child(8){color:#b53030}.gap td{text-align:center;color:#5b6475}',
  '.notes{color:#5b6475;font-size:12px}.empty{color:#5b6475}',
  'h3{font-size:14px;margin:16px 0 6px}.price{fill:none;stroke:#3a4254;stroke-width:1.1}.bench{fill:none;stroke:#8a93a6;stroke-width:1.2;stroke-dasharray:5 4}',
  '.banner{background:#fdecec;border:2px solid #c23b3b;color:#8c1d1d;font-weight:600;padding:10px 12px;border-radius:4px}',
  '.verdict{font-size:15px;font-weight:600;padding:8px 12px;border-left:4px solid}.verdict.beat{border-color:#1a9c4b;background:#eef8f1}.verdict.lost{border-color:#c23b3b;background:#fbf0f0}',
  '.cmp td,.decisions td,.modes td{font-variant-numeric:tabular-nums}.cmp td:nth-child(n+2),.decisions td:nth-child(3),.decisions td:nth-child(4){text-align:right}',
  '.monthly{font-size:12px;font-variant-numeric:tabular-nums}.monthly td{text-align:right;min-width:38px}.monthly td.total{font-weight:600}.monthly td.bh{color:#5b6475}',
  '.bin{fill:#2456c8;fill-opacity:.7}.zero{stroke:#1d2330;stroke-width:1}.mean{stroke:#e0892b;stroke-width:1.5;stroke-dasharray:3 3}.conv td{font-size:12px}',
].join('');
