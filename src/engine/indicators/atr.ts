import { assertPeriod } from './sliding-window.js';

/**
 * True range and Wilder's average true range. The first bar's true range is high - low (no previous
 * close); the first ATR is the simple mean of the first `period` true ranges, then
 * ATR = (previous ATR * (period - 1) + TR) / period.
 */

export function trueRange(high: number, low: number, prevClose: number | null): number {
  const range = high - low;
  if (prevClose === null) return range;
  return Math.max(range, Math.abs(high - prevClose), Math.abs(low - prevClose));
}

export interface AtrState {
  readonly period: number;
  readonly prevClose: number | null;
  /** True ranges seen so far, capped at `period` (only the warm-up needs the count). */
  readonly seen: number;
  readonly seedSum: number;
  readonly atr: number | null;
  readonly lastTrueRange: number | null;
}

export function atrInit(period: number): AtrState {
  assertPeriod(period, 'ATR');
  return { period, prevClose: null, seen: 0, seedSum: 0, atr: null, lastTrueRange: null };
}

export function atrUpdate(s: AtrState, high: number, low: number, close: number): AtrState {
  const tr = trueRange(high, low, s.prevClose);
  if (s.atr !== null) {
    const atr = (s.atr * (s.period - 1) + tr) / s.period;
    return { period: s.period, prevClose: close, seen: s.seen, seedSum: s.seedSum, atr, lastTrueRange: tr };
  }
  const seen = s.seen + 1;
  const seedSum = s.seedSum + tr;
  return { period: s.period, prevClose: close, seen, seedSum, atr: seen === s.period ? seedSum / s.period : null, lastTrueRange: tr };
}

export function atrValue(s: AtrState): number | null {
  return s.atr;
}
