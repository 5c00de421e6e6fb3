import { textTable } from '../../report/text-table.js';
import type { SweepReport } from '../sweep.js';
import { excessOverHold, gridHoldLine, holdVerdict, metricText, paramText, pct, ratio, stitchedHold } from './figures.js';

/**
 * The text `engine sweep` prints: the best runs by the metric (each its own recorded run), failures, and with
 * walk-forward the parameters each train window chose and the stitched out-of-sample result.
 */
export function formatSweepSummary(r: SweepReport, ctx: { strategy: string; symbols: string; top: number; db: string; report: string | null; skipped: number }): string[] {
  const names = r.axes.map((a) => a.name);
  const lines: string[] = [];
  const kind = r.walkForward ? `walk-forward ${r.walkForward.spec}` : 'grid';
  lines.push(`sweep: ${ctx.strategy} on ${ctx.symbols}, ${kind}, ${r.ranked.length} runs ranked by ${r.metric}${r.interrupted ? ' (INTERRUPTED: rerun the same command to finish; finished runs are skipped)' : ''}`);
  if (r.walkForward) {
    lines.push('', 'Out of sample (each test window run with the parameters its train window chose)');
    const rows = r.walkForward.windows.map((w) => [
      `${iso(w.window.trainFrom)}..${iso(w.window.trainTo)}`,
      `${iso(w.window.testFrom)}..${iso(w.window.testTo)}`,
      w.chosen ? paramText(w.chosen, names) : '-',
      metricText(r.metric, w.trainValue),
      w.test ? pct(w.test.metrics.totalReturn) : '-',
      w.test ? ratio(w.test.metrics.sharpe) : '-',
      w.test ? pct(excessOverHold(w.test.metrics as unknown as Record<string, unknown>)) : '-',
    ]);
    lines.push(...textTable([['train', 'test', 'chosen', `train ${r.metric}`, 'test return', 'test sharpe', 'vs hold'], ...rows], { rightAligned: (c) => c >= 3 }));
    const s = r.walkForward.stitched;
    lines.push(
      '',
      s
        ? `  stitched     return ${pct(s.totalReturn)}, CAGR ${pct(s.cagr)}, Sharpe ${ratio(s.sharpe)}, max drawdown ${pct(s.maxDrawdown)}, ${s.tradeCount} trades (out of sample only)`
        : '  stitched     no test window ran',
    );
    if (s) lines.push(`               ${holdVerdict(s.totalReturn, stitchedHold(r.walkForward.windows.map((w) => w.test)))}`);
  } else {
    const shown = r.ranked.slice(0, ctx.top);
    lines.push('', shown.length < r.ranked.length ? `Best ${shown.length} of ${r.ranked.length}` : 'Runs');
    const rows = shown.map((x) => [
      String(x.rank),
      paramText(x.params, names),
      metricText(r.metric, x.value),
      pct(x.metrics['totalReturn']),
      pct(excessOverHold(x.metrics)),
      pct(x.metrics['maxDrawdown']),
      String(x.metrics['tradeCount'] ?? '-'),
      x.runId,
    ]);
    lines.push(...textTable([['#', 'parameters', r.metric, 'return', 'vs hold', 'max dd', 'trades', 'run'], ...rows], { rightAligned: (c) => c === 0 || (c >= 2 && c <= 6) }));
    const hold = gridHoldLine(r.ranked);
    if (hold) lines.push('', `  ${hold}`);
  }
  if (r.failures.length > 0) {
    lines.push('', `${r.failures.length} run(s) FAILED (recorded, ended ERROR):`);
    for (const f of r.failures.slice(0, 5)) lines.push(`  ${paramText(f.job.params, names)}: ${f.error}`);
  }
  lines.push('');
  lines.push(`  log          ${ctx.db}: ${ctx.skipped > 0 ? `${ctx.skipped} finished run(s) found and skipped; ` : ''}every run is its own recorded run (engine runs, engine replay)`);
  if (ctx.report) lines.push(`  report       ${ctx.report}`);
  return lines;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
