import { escapeHtml } from '../../report/escape.js';
import type { SweepReport } from '../sweep.js';
import { excessOverHold, gridHoldLine, holdVerdict, metricText, paramText, pct, ratio, stitchedHold } from './figures.js';
import { heatmapSvg } from './heatmap.js';

/** Rows of the ranked table in the report (the log holds every run). */
const MAX_ROWS = 200;

/**
 * The sweep's self-contained HTML report: the metric over two parameters as a heatmap, every run ranked (each a
 * recorded run id), and with walk-forward the chosen parameters per window and the stitched out-of-sample
 * figures. No external assets.
 */
export function renderSweepReport(r: SweepReport, ctx: { strategy: string; symbols: string; generatedBy: string }): string {
  const names = r.axes.map((a) => a.name);
  const body: string[] = [];
  const kind = r.walkForward ? `walk-forward ${r.walkForward.spec}` : 'grid sweep';
  body.push(`<h1>Sweep: ${escapeHtml(ctx.strategy)} on ${escapeHtml(ctx.symbols)}</h1>`);
  body.push(`<p class="sub">${escapeHtml(kind)}; ${r.ranked.length} runs ranked by ${escapeHtml(r.metric)}${r.interrupted ? '; INTERRUPTED (rerun to finish)' : ''}. ${escapeHtml(ctx.generatedBy)}</p>`);
  if (r.walkForward) {
    const s = r.walkForward.stitched;
    body.push('<section><h2>Out of sample: the stitched test windows</h2>');
    body.push(
      s
        ? `<p>Return <b>${pct(s.totalReturn)}</b>, CAGR ${pct(s.cagr)}, Sharpe ${ratio(s.sharpe)}, max drawdown ${pct(s.maxDrawdown)}, ${s.tradeCount} trades. Only test windows count: each ran with the parameters its train window chose.</p><p><b>${escapeHtml(holdVerdict(s.totalReturn, stitchedHold(r.walkForward.windows.map((w) => w.test))))}</b>.</p>`
        : '<p class="empty">No test window ran.</p>',
    );
    body.push('<table><thead><tr><th>train</th><th>test</th><th>chosen</th><th>train ' + escapeHtml(r.metric) + '</th><th>test return</th><th>test Sharpe</th><th>vs buy and hold</th><th>test run</th></tr></thead><tbody>');
    for (const w of r.walkForward.windows) {
      body.push(
        `<tr><td>${day(w.window.trainFrom)}..${day(w.window.trainTo)}</td><td>${day(w.window.testFrom)}..${day(w.window.testTo)}</td><td>${escapeHtml(w.chosen ? paramText(w.chosen, names) : '-')}</td>` +
          `<td>${metricText(r.metric, w.trainValue)}</td><td>${w.test ? pct(w.test.metrics.totalReturn) : '-'}</td><td>${w.test ? ratio(w.test.metrics.sharpe) : '-'}</td>` +
          `<td>${w.test ? pct(excessOverHold(w.test.metrics as unknown as Record<string, unknown>)) : '-'}</td><td>${escapeHtml(w.test?.runId ?? '-')}</td></tr>`,
      );
    }
    body.push('</tbody></table></section>');
  }
  if (r.axes.length >= 2 && !r.walkForward) {
    body.push(`<section><h2>${escapeHtml(r.metric)} by ${escapeHtml(r.axes[0]!.name)} and ${escapeHtml(r.axes[1]!.name)}</h2>`);
    body.push(heatmapSvg(r.ranked, r.axes[0]!, r.axes[1]!, r.metric));
    if (r.axes.length > 2) body.push(`<p class="notes">Each cell: the best run over ${escapeHtml(names.slice(2).join(', '))}.</p>`);
    body.push('</section>');
  }
  body.push(`<section><h2>${r.walkForward ? 'Train runs' : 'Runs'}, best first</h2>`);
  const hold = r.walkForward ? null : gridHoldLine(r.ranked);
  if (hold) body.push(`<p><b>${escapeHtml(hold)}</b>.</p>`);
  body.push('<table class="runs"><thead><tr><th>#</th><th>parameters</th><th>' + escapeHtml(r.metric) + '</th><th>return</th><th>vs buy and hold</th><th>max drawdown</th><th>trades</th><th>run</th></tr></thead><tbody>');
  for (const x of r.ranked.slice(0, MAX_ROWS)) {
    body.push(
      `<tr><td>${x.rank}</td><td>${escapeHtml(paramText(x.params, names))}</td><td>${metricText(r.metric, x.value)}</td><td>${pct(x.metrics['totalReturn'])}</td>` +
        `<td>${pct(excessOverHold(x.metrics))}</td><td>${pct(x.metrics['maxDrawdown'])}</td><td>${escapeHtml(x.metrics['tradeCount'] ?? '-')}</td><td>${escapeHtml(x.runId)}</td></tr>`,
    );
  }
  body.push('</tbody></table>');
  if (r.ranked.length > MAX_ROWS) body.push(`<p class="notes">${r.ranked.length - MAX_ROWS} more runs in the log (engine runs).</p>`);
  body.push('</section>');
  if (r.failures.length > 0) {
    body.push(`<section><h2>Failed runs (${r.failures.length})</h2><ul>`);
    for (const f of r.failures) body.push(`<li>${escapeHtml(paramText(f.job.params, names))}: ${escapeHtml(f.error)}</li>`);
    body.push('</ul></section>');
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(`sweep ${ctx.strategy}`)}</title><style>${STYLE}</style></head><body>${body.join('\n')}</body></html>\n`;
}

function day(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

const STYLE = [
  'body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2330;background:#fff;margin:24px auto;max-width:1000px;padding:0 16px}',
  'h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}.sub,.notes,.empty{color:#5b6475}',
  'table{border-collapse:collapse;font-variant-numeric:tabular-nums;font-size:12px}td,th{padding:3px 8px;text-align:left;border-bottom:1px solid #eef0f4}',
  '.heatmap .tick{fill:#5b6475;font-size:11px}.heatmap .axis{fill:#1d2330;font-size:12px}.heatmap .cell{fill:#1d2330;font-size:10px}',
].join('');
