import { emaInit, emaUpdate, emaValue, type EmaState } from './ema.js';
import { assertPeriod } from './sliding-window.js';

/**
 * Wilder's relative strength index of closes: 100 * avgGain / (avgGain + avgLoss), the averages taken
 * with Wilder's smoothing (alpha = 1 / period) of the close-to-close gains and losses.
 *
 * - `seed`: 'sma' (default; Wilder's own, TA-Lib, TradingView): the first averages are the simple means
 *   of the first `period` changes. 'zero': both averages start at 0 at the first close and are smoothed
 *   from there, as the Python `ta` library does (pandas `ewm(alpha=1/n, adjust=False)` over a first
 *   change of 0): the convention of the cs-rsi reference vector.
 * - Null until `period` changes (period + 1 closes) were seen, with either seed.
 * - No movement at all in the window (both averages 0) reads 50; only gains reads 100, only losses 0.
 */

export type RsiSeed = 'sma' | 'zero';

export interface RsiState {
  readonly period: number;
  readonly prevClose: number | null;
  /** Changes seen, capped at `period`. */
  readonly changes: number;
  readonly gain: EmaState;
  readonly loss: EmaState;
}

export function rsiInit(period = 14, options: { seed?: RsiSeed } = {}): RsiState {
  assertPeriod(period, 'RSI');
  const seed = options.seed === 'zero' ? 'first' : 'sma';
  const gain = emaInit(period, { smoothing: 'wilder', seed });
  const loss = emaInit(period, { smoothing: 'wilder', seed });
  return { period, prevClose: null, changes: 0, gain, loss };
}

export function rsiUpdate(s: RsiState, close: number): RsiState {
  if (s.prevClose === null) {
    // The first close has no change; the 'zero' seed starts both averages at 0 here.
    if (s.gain.seed === 'sma') return { ...s, prevClose: close };
    return { ...s, prevClose: close, gain: emaUpdate(s.gain, 0), loss: emaUpdate(s.loss, 0) };
  }
  const change = close - s.prevClose;
  return {
    period: s.period,
    prevClose: close,
    changes: Math.min(s.changes + 1, s.period),
    gain: emaUpdate(s.gain, change > 0 ? change : 0),
    loss: emaUpdate(s.loss, change < 0 ? -change : 0),
  };
}

export function rsiValue(s: RsiState): number | null {
  if (s.changes < s.period) return null;
  const gain = emaValue(s.gain);
  const loss = emaValue(s.loss);
  if (gain === null || loss === null) return null;
  const total = gain + loss;
  return total > 0 ? 100 * (gain / total) : 50;
}
