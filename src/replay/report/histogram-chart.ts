import type { ReturnDistribution } from '../metrics/return-distribution.js';
import { escapeHtml } from './escape.js';
import { percent } from './format.js';
import { linearScale, niceTicks, yAxis, type Frame } from './svg-chart.js';

/** The return distribution as a bar histogram, with 0 and the mean marked. */

const FRAME: Frame = { width: 960, height: 220, left: 84, right: 16, top: 12, bottom: 26 };

export function histogramChart(d: ReturnDistribution): string {
  const { edges, counts } = d.histogram;
  if (counts.length === 0 || d.count < 2) return '<p class="empty">Too few returns for a distribution.</p>';
  const lo = edges[0]!;
  const hi = edges[edges.length - 1]! > lo ? edges[edges.length - 1]! : lo + 1e-9;
  const top = Math.max(...counts);
  const x = linearScale(lo, hi, FRAME.left, FRAME.width - FRAME.right);
  const y = linearScale(0, top * 1.08, FRAME.height - FRAME.bottom, FRAME.top);
  const r = (v: number) => Math.round(v * 10) / 10;
  const bars = counts
    .map((c, i) => {
      if (c === 0) return '';
      const x0 = x(edges[i]!);
      const x1 = x(edges[i + 1]!);
      const label = `${percent(edges[i]!, 2)} to ${percent(edges[i + 1]!, 2)}: ${c}`;
      return `<rect class="bin" x="${r(x0 + 0.5)}" y="${r(y(c))}" width="${r(Math.max(0.5, x1 - x0 - 1))}" height="${r(y(0) - y(c))}"><title>${escapeHtml(label)}</title></rect>`;
    })
    .join('');
  const ticks = niceTicks(lo, hi, 8)
    .map((t) => `<text class="tick" x="${r(x(t))}" y="${FRAME.height - 8}" text-anchor="middle">${escapeHtml(percent(t, Math.abs(hi - lo) < 0.02 ? 2 : 1))}</text>`)
    .join('');
  const vline = (v: number | null, cls: string, text: string) =>
    v === null || v < lo || v > hi ? '' : `<line class="${cls}" x1="${r(x(v))}" x2="${r(x(v))}" y1="${FRAME.top}" y2="${FRAME.height - FRAME.bottom}"><title>${escapeHtml(text)}</title></line>`;
  return [
    `<svg class="chart" viewBox="0 0 ${FRAME.width} ${FRAME.height}" role="img" aria-label="Distribution of ${d.basis} returns" data-chart="distribution">`,
    yAxis(FRAME, y, niceTicks(0, top, 4).filter((t) => Number.isInteger(t)), (v) => String(v)),
    bars,
    vline(0, 'zero', '0'),
    vline(d.mean, 'mean', `mean ${percent(d.mean, 3)}`),
    ticks,
    '</svg>',
  ].join('\n');
}
