import { escapeHtml } from '../../replay/report/escape.js';
import { type Frame, type Scale, linearScale, niceTicks, pathOf, xAxis, yAxis } from '../../replay/report/svg-chart.js';
import type { EquityPoint } from './run-activity.js';

const FRAME: Frame = { width: 720, height: 220, left: 78, right: 12, top: 10, bottom: 24 };

/**
 * The run's equity after each cycle as an inline SVG line chart (the HTML report's helpers), styled only
 * by classes so the page's Content-Security-Policy needs no inline styles. Numbers are for drawing only:
 * the exact figure is printed beside the chart.
 */
export function equityChartSvg(points: readonly EquityPoint[]): string {
  const open = `<svg class="chart" viewBox="0 0 ${FRAME.width} ${FRAME.height}" role="img" aria-label="equity after each cycle">`;
  if (points.length === 0) {
    return `${open}<text class="tick" x="${FRAME.width / 2}" y="${FRAME.height / 2}" text-anchor="middle">no completed cycle yet</text></svg>`;
  }
  const ts = points.map((p) => p.t);
  const vs = points.map((p) => Number(p.equity));
  let lo = Math.min(...vs);
  let hi = Math.max(...vs);
  if (lo === hi) {
    const pad = Math.abs(lo) * 0.001 || 1;
    lo -= pad;
    hi += pad;
  }
  const x = linearScale(ts[0]!, ts.length > 1 ? ts.at(-1)! : ts[0]! + 1, FRAME.left, FRAME.width - FRAME.right);
  const y = linearScale(lo, hi, FRAME.height - FRAME.bottom, FRAME.top);
  const ticks = niceTicks(lo, hi, 4);
  const line = pathOf(points.map((p, i) => [x(p.t), y(vs[i]!)] as const));
  const last = points.at(-1)!;
  return (
    open +
    yAxis(FRAME, y, ticks, (v) => v.toLocaleString('en-US', { maximumFractionDigits: 2 })) +
    xAxis(FRAME, x, false) +
    timeLabels(x.domain[0], x.domain[1], x) +
    `<path class="equity" d="${line}"/>` +
    `<circle class="last" cx="${Math.round(x(last.t) * 10) / 10}" cy="${Math.round(y(vs.at(-1)!) * 10) / 10}" r="3"><title>${escapeHtml(last.equity)}</title></circle>` +
    '</svg>'
  );
}

/** Times under the chart at its start, middle and end: to the second, as live cycles are seconds apart. */
function timeLabels(t0: number, t1: number, x: Scale): string {
  const label = (t: number): string => {
    const iso = new Date(t).toISOString();
    return t1 - t0 < 86_400_000 ? iso.slice(11, 19) : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
  };
  const y = FRAME.height - FRAME.bottom + 16;
  return ([[t0, 'start'], [(t0 + t1) / 2, 'middle'], [t1, 'end']] as const)
    .map(([t, anchor]) => `<text class="tick" x="${Math.round(x(t) * 10) / 10}" y="${y}" text-anchor="${anchor}">${escapeHtml(label(t))}</text>`)
    .join('');
}
