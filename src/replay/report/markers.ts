import { escapeHtml } from './escape.js';

/** Buy/sell triangles for the charts: a buy points up from below its point, a sell down from above it. */
export function marker(side: 'BUY' | 'SELL', px: number, py: number, hollow: boolean, label: string): string {
  const x = Math.round(px * 10) / 10;
  const d = side === 'BUY' ? `M${x} ${Math.round((py + 3) * 10) / 10}l5 9h-10z` : `M${x} ${Math.round((py - 3) * 10) / 10}l5 -9h-10z`;
  return `<path class="m ${side === 'BUY' ? 'buy' : 'sell'}${hollow ? ' hollow' : ''}" data-side="${side}" d="${d}"><title>${escapeHtml(label)}</title></path>`;
}

/** Index of the last time <= t (0 when t is before the first). */
export function indexAtOrBefore(times: ArrayLike<number>, t: number): number {
  let lo = 0;
  let hi = times.length - 1;
  if (t <= times[0]!) return 0;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (times[mid]! <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
