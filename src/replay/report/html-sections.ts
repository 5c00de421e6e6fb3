import type { Metrics } from '../metrics/compute-metrics.js';
import { METRIC_CONVENTIONS } from '../metrics/conventions.js';
import type { DecisionSummary } from '../metrics/decisions.js';
import type { ReturnDistribution } from '../metrics/return-distribution.js';
import { benchmarkView } from './benchmark-rows.js';
import { calendarGrid, MONTHS, pct1 } from './calendar-grid.js';
import { escapeHtml } from './escape.js';
import { isoTime, percent, ratio } from './format.js';
import { histogramChart } from './histogram-chart.js';
import { DECISION_HEADER, decisionHeadline, decisionRows } from './risk-section.js';

/** The research sections of the HTML report, each a self-contained piece of markup. */

const e = escapeHtml;

function table(cls: string, header: readonly string[], rows: readonly (readonly string[])[]): string {
  return `<table class="${cls}"><thead><tr>${header.map((h) => `<th>${e(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${e(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

export function verdictSection(m: Metrics): string {
  const v = benchmarkView(m);
  if (!v) return '';
  return `<p class="verdict ${v.beat ? 'beat' : 'lost'}">${e(v.verdict)}</p>`;
}

export function benchmarkSection(m: Metrics): string {
  const v = benchmarkView(m);
  if (!v) return '<section><h2>Against buy and hold</h2><p class="empty">Too few bars for a buy-and-hold benchmark.</p></section>';
  return [
    '<section><h2>Against buy and hold</h2>',
    `<p class="sub">${e(m.benchmark!.description)}.</p>`,
    table('cmp', v.header, v.rows),
    `<p class="sub">${e(v.relative)}.</p>`,
    '</section>',
  ].join('\n');
}

/** Green for gains, red for losses, stronger with size (10% a month is full strength). */
function heat(x: number | null): string {
  if (x === null || x === 0) return '';
  const a = Math.min(1, Math.abs(x) / 0.1) * 0.55 + 0.05;
  return ` style="background:rgba(${x > 0 ? '26,156,75' : '210,60,60'},${a.toFixed(2)})"`;
}

export function monthlySection(m: Metrics): string {
  const years = calendarGrid(m.calendar);
  if (years.length === 0) return '';
  const hasBench = years.some((y) => y.benchmark !== null);
  const header = ['', ...MONTHS, 'year', ...(hasBench ? ['buy & hold'] : [])].map((h) => `<th>${e(h)}</th>`).join('');
  const rows = years
    .map((y) => {
      const cells = y.months.map((x) => `<td${heat(x)}>${e(pct1(x))}</td>`).join('');
      return `<tr><th>${e(y.year)}</th>${cells}<td class="total"${heat(y.total)}>${e(pct1(y.total))}</td>${hasBench ? `<td class="bh">${e(pct1(y.benchmark))}</td>` : ''}</tr>`;
    })
    .join('');
  return `<section><h2>Monthly returns (%)</h2><p class="sub">Each UTC month's last equity over the previous month's (the initial equity before the first); the months chain to the total return.</p><table class="monthly"><thead><tr>${header}</tr></thead><tbody>${rows}</tbody></table></section>`;
}

export function distributionSection(d: ReturnDistribution): string {
  const stats: Array<[string, string]> = [
    ['Returns', `${d.count} ${d.basis === 'daily' ? 'days (UTC)' : 'bars'}`],
    ['Mean', percent(d.mean, 3)],
    ['Standard deviation (ddof 1)', percent(d.stdev, 3)],
    ['Skew', ratio(d.skew)],
    ['Excess kurtosis', ratio(d.excessKurtosis)],
    ['Best', percent(d.best)],
    ['Worst', percent(d.worst)],
    ['Up / down', `${percent(d.positiveShare, 1)} / ${percent(d.negativeShare, 1)}`],
  ];
  return [
    `<section><h2>Return distribution (${e(d.basis)})</h2>`,
    histogramChart(d),
    `<table class="kv">${stats.map(([k, v]) => `<tr><th>${e(k)}</th><td>${e(v)}</td></tr>`).join('')}</table>`,
    '<p class="sub">Periods without a position count, as 0. Skew and kurtosis are population moment ratios (scipy.stats defaults).</p>',
    '</section>',
  ].join('\n');
}

export function decisionsSection(d: DecisionSummary | undefined, modeLine: string | null, maxModeRows = 200): string {
  if (!d) return '';
  const parts = [`<section><h2>Why trades did not happen</h2><p class="sub">${e(decisionHeadline(d))}.</p>`];
  parts.push(d.byCode.length > 0 ? table('decisions', DECISION_HEADER, decisionRows(d)) : '<p class="empty">No intent was denied or reduced.</p>');
  if (modeLine) parts.push(`<p class="sub">Risk modes: ${e(modeLine)}.</p>`);
  if (d.modeChanges.length > 0) {
    const shown = d.modeChanges.slice(0, maxModeRows);
    const rows = shown.map((c) => [
      isoTime(c.time),
      `${c.from} -> ${c.to}`,
      c.reasonCode,
      c.context['drawdown'] === undefined ? '' : percent(Number(c.context['drawdown'])),
      c.context['peakRebasedAfterMs'] === undefined ? '' : 'cool-off: peak rebased',
    ]);
    parts.push(`<h3>Risk-mode changes (${d.modeChanges.length}${shown.length < d.modeChanges.length ? `, first ${shown.length} shown` : ''})</h3>`);
    parts.push(table('modes', ['time', 'change', 'reason', 'drawdown', ''], rows));
  }
  parts.push('</section>');
  return parts.join('\n');
}

export function conventionsSection(m: Metrics, costLine: string | null): string {
  const c = METRIC_CONVENTIONS;
  const rows: Array<[string, string]> = [
    ...(costLine ? ([['Costs and fills', costLine]] as Array<[string, string]>) : []),
    ['Returns', c.returns],
    ['Risk-free rate', String(c.riskFreeRate)],
    ['Annualisation', `${ratio(m.periodsPerYear, m.periodsPerYear % 1 === 0 ? 0 : 2)} periods a year (${m.annualizationBasis})`],
    ['Sharpe', c.sharpe],
    ['Sortino', c.sortino],
    ['Volatility', c.volatility],
    ['CAGR', `${c.cagr}${m.cagrYears === null ? '' : ` (${m.cagrYears.toFixed(2)} years)`}`],
    ['Max drawdown', c.maxDrawdown],
    ['Against buy and hold', c.benchmark],
    ['Reference', c.reference],
  ];
  return `<section><h2>Costs and conventions</h2><table class="kv conv">${rows.map(([k, v]) => `<tr><th>${e(k)}</th><td>${e(v)}</td></tr>`).join('')}</table></section>`;
}
