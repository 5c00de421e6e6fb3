import { rollingMoments, stdevInit, stdevUpdate, type StdevState } from './stdev.js';

/**
 * Bollinger bands: middle = SMA(period) of closes, upper/lower = middle +/- k x the POPULATION standard
 * deviation (divided by n, as Bollinger defines it and StockCharts and `ta` compute it) of the same
 * window. Also the bandwidth, (upper - lower) / middle, and %B, (close - lower) / (upper - lower)
 * (null when the bands have no width). Null until `period` closes were seen.
 */

export interface BollingerState {
  readonly k: number;
  readonly window: StdevState;
  readonly lastClose: number | null;
}

export interface BollingerBands {
  middle: number;
  upper: number;
  lower: number;
  /** Standard deviation of the window (population). */
  stdev: number;
  /** (upper - lower) / middle: a fraction, not a percentage. */
  bandwidth: number;
  /** Where the last close sits: 0 at the lower band, 1 at the upper; null when upper = lower. */
  percentB: number | null;
}

export function bollingerInit(period = 20, k = 2): BollingerState {
  if (!(Number.isFinite(k) && k > 0)) throw new RangeError(`Bollinger k must be a positive number, got ${String(k)}`);
  return { k, window: stdevInit(period, { ddof: 0 }), lastClose: null };
}

export function bollingerUpdate(s: BollingerState, close: number): BollingerState {
  return { k: s.k, window: stdevUpdate(s.window, close), lastClose: close };
}

export function bollingerValue(s: BollingerState): BollingerBands | null {
  const m = rollingMoments(s.window);
  if (m === null || s.lastClose === null) return null;
  const stdev = Math.sqrt(m.variance);
  const upper = m.mean + s.k * stdev;
  const lower = m.mean - s.k * stdev;
  const width = upper - lower;
  return { middle: m.mean, upper, lower, stdev, bandwidth: m.mean !== 0 ? width / m.mean : 0, percentB: width > 0 ? (s.lastClose - lower) / width : null };
}
