import { escapeHtml } from './escape.js';
import { dateLabel } from './format.js';

/** Small pieces for inline SVG line charts: linear scales, nice ticks, paths and axes. */

export interface Frame {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface Scale {
  (v: number): number;
  domain: [number, number];
}

export function linearScale(d0: number, d1: number, r0: number, r1: number): Scale {
  const span = d1 - d0 || 1;
  const f = ((v: number) => r0 + ((v - d0) / span) * (r1 - r0)) as Scale;
  f.domain = [d0, d1];
  return f;
}

/** About `count` round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (lo === hi) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

const r = (x: number) => Math.round(x * 10) / 10;

export function pathOf(points: ReadonlyArray<readonly [number, number]>): string {
  return points.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${r(x)} ${r(y)}`).join('');
}

export function yAxis(frame: Frame, y: Scale, ticks: number[], label: (v: number) => string): string {
  return ticks
    .map((t) => {
      const py = r(y(t));
      return `<line class="grid" x1="${frame.left}" x2="${frame.width - frame.right}" y1="${py}" y2="${py}"/><text class="tick" x="${frame.left - 6}" y="${py + 4}" text-anchor="end">${escapeHtml(label(t))}</text>`;
    })
    .join('');
}

export function xAxis(frame: Frame, x: Scale, withLabels: boolean): string {
  const [t0, t1] = x.domain;
  const n = 6;
  const parts: string[] = [];
  for (let i = 0; i <= n; i++) {
    const t = t0 + ((t1 - t0) * i) / n;
    const px = r(x(t));
    parts.push(`<line class="grid" x1="${px}" x2="${px}" y1="${frame.top}" y2="${frame.height - frame.bottom}"/>`);
    if (withLabels) {
      const anchor = i === 0 ? 'start' : i === n ? 'end' : 'middle';
      parts.push(`<text class="tick" x="${px}" y="${frame.height - frame.bottom + 16}" text-anchor="${anchor}">${escapeHtml(dateLabel(t, t1 - t0))}</text>`);
    }
  }
  return parts.join('');
}
