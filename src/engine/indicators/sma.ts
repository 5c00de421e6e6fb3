import { assertPeriod, emptyWindow, isWindowFull, windowAggregate, windowPush, type Monoid, type WindowState } from './sliding-window.js';

/** Simple moving average of the last `period` values; null until `period` values were seen. */

const SUM: Monoid<number> = { empty: 0, combine: (a, b) => a + b };

export interface SmaState {
  readonly period: number;
  readonly window: WindowState<number>;
}

export function smaInit(period: number): SmaState {
  assertPeriod(period, 'SMA');
  return { period, window: emptyWindow(period) };
}

export function smaUpdate(s: SmaState, value: number): SmaState {
  return { period: s.period, window: windowPush(SUM, s.window, value) };
}

export function smaValue(s: SmaState): number | null {
  return isWindowFull(s.window) ? windowAggregate(SUM, s.window) / s.period : null;
}
