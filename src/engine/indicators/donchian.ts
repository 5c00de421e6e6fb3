import { assertPeriod, emptyWindow, isWindowFull, windowAggregate, windowPush, type Monoid, type WindowState } from './sliding-window.js';

/**
 * Donchian channel: highest high and lowest low of the last `period` bars. The value read after
 * updating with bar t includes bar t; a breakout rule ("close above the prior N-bar high") reads the
 * value BEFORE updating with bar t.
 */

interface Range {
  readonly high: number;
  readonly low: number;
}

const RANGE: Monoid<Range> = {
  empty: { high: -Infinity, low: Infinity },
  combine: (a, b) => ({ high: Math.max(a.high, b.high), low: Math.min(a.low, b.low) }),
};

export interface DonchianState {
  readonly period: number;
  readonly window: WindowState<Range>;
}

export interface DonchianChannel {
  upper: number;
  lower: number;
  middle: number;
}

export function donchianInit(period: number): DonchianState {
  assertPeriod(period, 'Donchian');
  return { period, window: emptyWindow(period) };
}

export function donchianUpdate(s: DonchianState, high: number, low: number): DonchianState {
  return { period: s.period, window: windowPush(RANGE, s.window, { high, low }) };
}

export function donchianValue(s: DonchianState): DonchianChannel | null {
  if (!isWindowFull(s.window)) return null;
  const { high, low } = windowAggregate(RANGE, s.window);
  return { upper: high, lower: low, middle: (high + low) / 2 };
}
