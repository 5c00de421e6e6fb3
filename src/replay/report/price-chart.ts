import type { RoundTrip } from '../metrics/round-trips.js';
import { minMaxDownsample } from './downsample.js';
import { isoTime, money, plainNumber } from './format.js';
import { marker } from './markers.js';
import { linearScale, niceTicks, pathOf, xAxis, yAxis, type Frame } from './svg-chart.js';

/**
 * The instrument's closes with every entry and exit at its fill price and fill time (the fills' own
 * times: a next-open fill sits at the bar's open). Hollow markers: closed at the last close.
 */

const FRAME: Frame = { width: 960, height: 300, left: 84, right: 16, top: 12, bottom: 26 };

export function priceChart(
  symbol: string,
  times: ArrayLike<number>,
  closes: ArrayLike<number>,
  trades: readonly RoundTrip[],
  options: { maxPoints: number; maxMarkedTrades: number },
): string {
  const n = times.length;
  if (n < 2 || closes.length !== n) return '<p class="empty">Not enough bars to draw the price.</p>';
  const marked = trades.length <= options.maxMarkedTrades ? trades : [];
  let lo = Infinity;
  let hi = -Infinity;
  // Cycles before the instrument's data starts have no close (NaN): not drawn.
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(closes[i]!)) continue;
    lo = Math.min(lo, closes[i]!);
    hi = Math.max(hi, closes[i]!);
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return '<p class="empty">No price to draw.</p>';
  for (const t of marked) {
    lo = Math.min(lo, t.entryPrice.toNumber(), t.exitPrice.toNumber());
    hi = Math.max(hi, t.entryPrice.toNumber(), t.exitPrice.toNumber());
  }
  const pad = (hi - lo) * 0.05 || Math.abs(hi) * 0.01 || 1;
  const t0 = times[0]!;
  const t1 = times[n - 1]! > t0 ? times[n - 1]! : t0 + 1;
  const x = linearScale(t0, t1, FRAME.left, FRAME.width - FRAME.right);
  const y = linearScale(lo - pad, hi + pad, FRAME.height - FRAME.bottom, FRAME.top);
  const kept = minMaxDownsample(closes, options.maxPoints).filter((i) => !Number.isNaN(closes[i]!));
  const line = pathOf(kept.map((i) => [x(times[i]!), y(closes[i]!)] as const));
  const digits = hi - lo < 10 ? 4 : 2;
  const out: string[] = [];
  marked.forEach((t, k) => {
    const entrySide = t.side === 'LONG' ? 'BUY' : 'SELL';
    const exitSide = t.side === 'LONG' ? 'SELL' : 'BUY';
    out.push(marker(entrySide, x(t.entryTime), y(t.entryPrice.toNumber()), false, `#${k + 1} ${entrySide} ${plainNumber(t.qty)} @ ${plainNumber(t.entryPrice)} (${isoTime(t.entryTime)})`));
    out.push(marker(exitSide, x(t.exitTime), y(t.exitPrice.toNumber()), t.openAtEnd, `#${k + 1} ${exitSide} ${plainNumber(t.qty)} @ ${plainNumber(t.exitPrice)} (${isoTime(t.exitTime)}) pnl ${money(t.pnl)}`));
  });
  const omitted = trades.length > marked.length ? `<text class="tick" x="${FRAME.width - 20}" y="24" text-anchor="end">${trades.length} trades: markers omitted</text>` : '';
  return [
    `<svg class="chart" viewBox="0 0 ${FRAME.width} ${FRAME.height}" role="img" aria-label="${symbol} price with entries and exits" data-chart="price">`,
    yAxis(FRAME, y, niceTicks(lo - pad, hi + pad, 6), (v) => money(String(v), digits)),
    xAxis(FRAME, x, true),
    `<path class="price" d="${line}"/>`,
    `<g class="markers">${out.join('')}</g>`,
    omitted,
    '</svg>',
  ].join('\n');
}
