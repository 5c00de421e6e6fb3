import { emaInit, emaUpdate, emaValue, type EmaSeed, type EmaState } from './ema.js';
import { assertPeriod } from './sliding-window.js';

/**
 * MACD (Appel): line = EMA(fast) - EMA(slow) of closes, signal = EMA(signal) of the line, histogram =
 * line - signal. The signal EMA starts at the first line value (the bar the slow EMA is first
 * defined), so every part is null until slow + signal - 1 closes were seen. `seed` is the EMAs' seed
 * (see ema.ts): 'sma' by default, 'first' for the pandas / `ta` convention of the cs-macd vector.
 */

export interface MacdOptions {
  fast?: number;
  slow?: number;
  signal?: number;
  seed?: EmaSeed;
}

export interface MacdState {
  readonly fast: EmaState;
  readonly slow: EmaState;
  readonly signal: EmaState;
  /** The latest MACD line value, once both EMAs are defined. */
  readonly line: number | null;
}

export interface MacdValue {
  macd: number;
  signal: number;
  histogram: number;
}

export function macdInit(options: MacdOptions = {}): MacdState {
  const fast = options.fast ?? 12;
  const slow = options.slow ?? 26;
  const signal = options.signal ?? 9;
  assertPeriod(fast, 'MACD fast');
  assertPeriod(slow, 'MACD slow');
  assertPeriod(signal, 'MACD signal');
  if (fast >= slow) throw new RangeError(`MACD fast period must be less than the slow one, got fast=${fast} slow=${slow}`);
  const seed = options.seed ?? 'sma';
  return { fast: emaInit(fast, { seed }), slow: emaInit(slow, { seed }), signal: emaInit(signal, { seed }), line: null };
}

export function macdUpdate(s: MacdState, close: number): MacdState {
  const fast = emaUpdate(s.fast, close);
  const slow = emaUpdate(s.slow, close);
  const f = emaValue(fast);
  const l = emaValue(slow);
  if (f === null || l === null) return { fast, slow, signal: s.signal, line: null };
  const line = f - l;
  return { fast, slow, signal: emaUpdate(s.signal, line), line };
}

export function macdValue(s: MacdState): MacdValue | null {
  const signal = emaValue(s.signal);
  if (s.line === null || signal === null) return null;
  return { macd: s.line, signal, histogram: s.line - signal };
}
