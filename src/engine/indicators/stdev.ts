import { assertPeriod, emptyWindow, isWindowFull, windowAggregate, windowPush, type Monoid, type WindowState } from './sliding-window.js';

/**
 * Rolling mean, variance and standard deviation of the last `period` values. The window keeps each
 * stack's (count, mean, sum of squared deviations) and merges them with Chan et al.'s pairwise formula,
 * so a value is never subtracted back out: no catastrophic cancellation (sum of squares minus squared
 * sum) and no drift over long series, at amortised O(1) per value.
 *
 * `ddof`: 1 (default) the sample deviation, divided by n - 1 (pandas `rolling().std()`); 0 the
 * population deviation, divided by n (numpy's default, and Bollinger bands).
 */

export interface Moments {
  readonly n: number;
  readonly mean: number;
  /** Sum of squared deviations from the mean. */
  readonly m2: number;
}

export const MOMENTS: Monoid<Moments> = {
  empty: { n: 0, mean: 0, m2: 0 },
  combine(a, b) {
    if (a.n === 0) return b;
    if (b.n === 0) return a;
    const n = a.n + b.n;
    const delta = b.mean - a.mean;
    return { n, mean: a.mean + (delta * b.n) / n, m2: a.m2 + b.m2 + (delta * delta * a.n * b.n) / n };
  },
};

export function momentsOf(x: number): Moments {
  return { n: 1, mean: x, m2: 0 };
}

export type Ddof = 0 | 1;

export interface StdevState {
  readonly period: number;
  readonly ddof: Ddof;
  readonly window: WindowState<Moments>;
}

export function stdevInit(period: number, options: { ddof?: Ddof } = {}): StdevState {
  assertPeriod(period, 'standard deviation');
  const ddof = options.ddof ?? 1;
  if (ddof !== 0 && ddof !== 1) throw new RangeError(`ddof must be 0 or 1, got ${String(ddof)}`);
  if (period <= ddof) throw new RangeError(`a sample standard deviation (ddof 1) needs a period >= 2, got ${period}`);
  return { period, ddof, window: emptyWindow(period) };
}

export function stdevUpdate(s: StdevState, x: number): StdevState {
  return { period: s.period, ddof: s.ddof, window: windowPush(MOMENTS, s.window, momentsOf(x)) };
}

/** Mean and variance of the window once it is full. */
export function rollingMoments(s: StdevState): { mean: number; variance: number } | null {
  if (!isWindowFull(s.window)) return null;
  const m = windowAggregate(MOMENTS, s.window);
  return { mean: m.mean, variance: Math.max(0, m.m2) / (m.n - s.ddof) };
}

export function stdevValue(s: StdevState): number | null {
  const m = rollingMoments(s);
  return m === null ? null : Math.sqrt(m.variance);
}
