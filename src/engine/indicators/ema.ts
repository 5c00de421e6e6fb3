import { assertPeriod } from './sliding-window.js';

/**
 * Exponential moving average, y = y' + alpha * (x - y'), as a pure state value.
 *
 * - `smoothing`: 'ema' (alpha = 2 / (period + 1), the usual EMA) or 'wilder' (alpha = 1 / period: Wilder's
 *   smoothing, a.k.a. RMA or SMMA, the one inside RSI and ATR).
 * - `seed`: where the recurrence starts. 'sma' (default; TA-Lib, TradingView, Wilder): the first value is
 *   the simple mean of the first `period` inputs. 'first': the recurrence starts at the first input, as
 *   pandas `ewm(adjust=False)` and the Python `ta` library do; the value is still reported only from the
 *   `period`-th input on.
 *
 * Null until `period` inputs were seen. The two seeds differ by a term that shrinks by (1 - alpha) per
 * input after the warm-up.
 */

export type EmaSmoothing = 'ema' | 'wilder';
export type EmaSeed = 'sma' | 'first';

export interface EmaOptions {
  smoothing?: EmaSmoothing;
  seed?: EmaSeed;
}

export interface EmaState {
  readonly period: number;
  readonly alpha: number;
  readonly seed: EmaSeed;
  /** Inputs seen, capped at `period` (only the warm-up needs the count). */
  readonly seen: number;
  /** 'sma' seed: sum of the inputs during the warm-up. */
  readonly seedSum: number;
  /** The running average (during a 'first'-seeded warm-up: not yet reported). */
  readonly average: number | null;
}

export function emaInit(period: number, options: EmaOptions = {}): EmaState {
  assertPeriod(period, 'EMA');
  const alpha = (options.smoothing ?? 'ema') === 'wilder' ? 1 / period : 2 / (period + 1);
  return { period, alpha, seed: options.seed ?? 'sma', seen: 0, seedSum: 0, average: null };
}

export function emaUpdate(s: EmaState, x: number): EmaState {
  const seen = Math.min(s.seen + 1, s.period);
  if (s.average !== null && (s.seed === 'first' || s.seen === s.period)) {
    return { period: s.period, alpha: s.alpha, seed: s.seed, seen, seedSum: s.seedSum, average: s.average + s.alpha * (x - s.average) };
  }
  if (s.seed === 'first') return { period: s.period, alpha: s.alpha, seed: s.seed, seen, seedSum: 0, average: x };
  const seedSum = s.seedSum + x;
  return { period: s.period, alpha: s.alpha, seed: s.seed, seen, seedSum, average: seen === s.period ? seedSum / s.period : null };
}

export function emaValue(s: EmaState): number | null {
  return s.seen === s.period ? s.average : null;
}
