import { escapeHtml } from '../../report/escape.js';
import { RANKING_METRICS, type RankingMetric } from '../rank.js';
import type { RankedRun } from '../sweep.js';
import { metricText } from './figures.js';

/**
 * An SVG heatmap of the metric over two parameters (x: the first, y: the second). With more axes each cell
 * shows the best run among the other parameters' values. Green is better, red worse, grey a run without the
 * figure (e.g. Sharpe of a run that never traded).
 */
export function heatmapSvg(runs: readonly RankedRun[], x: { name: string; values: string[] }, y: { name: string; values: string[] }, metric: RankingMetric): string {
  const better = RANKING_METRICS[metric] === 'higher' ? 1 : -1;
  const cell = new Map<string, number | null>();
  for (const r of runs) {
    const key = `${r.params[x.name]}\u0000${r.params[y.name]}`;
    const before = cell.get(key);
    if (before === undefined || (r.value !== null && (before === null || better * (r.value - before) > 0))) cell.set(key, r.value);
  }
  const values = [...cell.values()].filter((v): v is number => v !== null);
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const w = Math.max(36, Math.min(72, Math.floor(760 / Math.max(1, x.values.length))));
  const h = 26;
  const left = 70;
  const top = 10;
  const width = left + w * x.values.length + 10;
  const height = top + h * y.values.length + 46;
  const parts: string[] = [`<svg class="heatmap" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(metric)} by ${escapeHtml(x.name)} and ${escapeHtml(y.name)}">`];
  y.values.forEach((yv, row) => {
    const cy = top + h * (y.values.length - 1 - row);
    parts.push(`<text class="tick" x="${left - 6}" y="${cy + h / 2 + 4}" text-anchor="end">${escapeHtml(yv)}</text>`);
    x.values.forEach((xv, col) => {
      const v = cell.get(`${xv}\u0000${yv}`);
      const cx = left + w * col;
      const fill = v === undefined || v === null ? '#d9dce3' : color(hi === lo ? 0.5 : ((v - lo) / (hi - lo)) * (better > 0 ? 1 : -1) + (better > 0 ? 0 : 1));
      const label = v === undefined ? '' : metricText(metric, v);
      parts.push(`<rect x="${cx}" y="${cy}" width="${w - 1}" height="${h - 1}" fill="${fill}"><title>${escapeHtml(`${x.name}=${xv} ${y.name}=${yv}: ${metric} ${label}`)}</title></rect>`);
      parts.push(`<text class="cell" x="${cx + w / 2}" y="${cy + h / 2 + 4}" text-anchor="middle">${escapeHtml(label)}</text>`);
    });
  });
  x.values.forEach((xv, col) => parts.push(`<text class="tick" x="${left + w * col + w / 2}" y="${top + h * y.values.length + 14}" text-anchor="middle">${escapeHtml(xv)}</text>`));
  parts.push(`<text class="axis" x="${left + (w * x.values.length) / 2}" y="${height - 8}" text-anchor="middle">${escapeHtml(x.name)}</text>`);
  parts.push(`<text class="axis" x="12" y="${top + (h * y.values.length) / 2}" transform="rotate(-90 12 ${top + (h * y.values.length) / 2})" text-anchor="middle">${escapeHtml(y.name)}</text>`);
  parts.push('</svg>');
  return parts.join('');
}

/** 0 (worst) .. 1 (best): red through pale yellow to green. */
function color(t: number): string {
  const clamp = Math.max(0, Math.min(1, t));
  const [r, g, b] = clamp < 0.5 ? mix([214, 69, 65], [250, 240, 190], clamp * 2) : mix([250, 240, 190], [46, 160, 90], (clamp - 0.5) * 2);
  return `rgb(${r},${g},${b})`;
}

function mix(a: number[], b: number[], t: number): number[] {
  return a.map((v, i) => Math.round(v + (b[i]! - v) * t));
}
