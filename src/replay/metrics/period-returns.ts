/**
 * Returns per calendar period (UTC) of a bar-close equity curve: each period's last equity over the
 * previous period's last (the initial equity before the first), minus 1. So the periods chain: the product
 * of (1 + r) over them is final / initial.
 */

import { type Curve, readerOf } from './series.js';

export type PeriodUnit = 'day' | 'month' | 'year';

export interface PeriodReturn {
  /** '2024-03-07', '2024-03' or '2024' (UTC). */
  period: string;
  return: number;
}

export function periodKey(t: number, unit: PeriodUnit): string {
  const iso = new Date(t).toISOString();
  return unit === 'day' ? iso.slice(0, 10) : unit === 'month' ? iso.slice(0, 7) : iso.slice(0, 4);
}

/** The UTC period holding t, as [start, end) in epoch ms. */
function periodBounds(t: number, unit: PeriodUnit): [number, number] {
  const d = new Date(t);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  if (unit === 'day') {
    const start = utcDate(y, m, d.getUTCDate());
    return [start, utcDate(y, m, d.getUTCDate() + 1)];
  }
  return unit === 'month' ? [utcDate(y, m, 1), utcDate(y, m + 1, 1)] : [utcDate(y, 0, 1), utcDate(y + 1, 0, 1)];
}

/** Midnight UTC of a date (setUTCFullYear: Date.UTC would read years 0-99 as 19xx). */
function utcDate(y: number, m: number, day: number): number {
  const d = new Date(0);
  d.setUTCFullYear(y, m, day);
  return d.getTime();
}

export function periodReturns(times: ArrayLike<number>, values: Curve, initial: number, unit: PeriodUnit): PeriodReturn[] {
  const value = readerOf(values);
  const out: PeriodReturn[] = [];
  let base = initial;
  let key: string | null = null;
  let last = initial;
  const close = () => {
    if (key !== null) out.push({ period: key, return: base > 0 ? last / base - 1 : 0 });
    base = last;
  };
  // The key is made once per period: a bar inside [from, to) of the current period has the same one.
  let from = Infinity;
  let to = -Infinity;
  for (let i = 0; i < times.length; i++) {
    const t = times[i]!;
    if (t < from || t >= to) {
      const k = periodKey(t, unit);
      [from, to] = periodBounds(t, unit);
      if (k !== key) {
        close();
        key = k;
      }
    }
    last = value(i);
  }
  close();
  return out;
}

export interface CalendarReturns {
  monthly: Array<PeriodReturn & { benchmark: number | null }>;
  yearly: Array<PeriodReturn & { benchmark: number | null }>;
}

/** Monthly and yearly returns of the strategy, with the benchmark's for the same periods when given. */
export function calendarReturns(times: ArrayLike<number>, values: Curve, initial: number, benchmark: Curve | null): CalendarReturns {
  const pair = (unit: PeriodUnit) => {
    const own = periodReturns(times, values, initial, unit);
    const theirs = benchmark ? periodReturns(times, benchmark, initial, unit) : null;
    return own.map((p, i) => ({ ...p, benchmark: theirs ? theirs[i]!.return : null }));
  };
  return { monthly: pair('month'), yearly: pair('year') };
}
