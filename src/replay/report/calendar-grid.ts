import type { CalendarReturns } from '../metrics/period-returns.js';

/** The monthly returns as a year x month grid, with the year's return and buy and hold's beside. */

export const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

export interface CalendarGridRow {
  year: string;
  /** Index 0 = January; null where the data has no bar. */
  months: Array<number | null>;
  /** The whole year's return. */
  total: number;
  benchmark: number | null;
}

export function calendarGrid(c: CalendarReturns): CalendarGridRow[] {
  return c.yearly.map((y) => {
    const months = new Array<number | null>(12).fill(null);
    for (const m of c.monthly) if (m.period.startsWith(`${y.period}-`)) months[Number(m.period.slice(5, 7)) - 1] = m.return;
    return { year: y.period, months, total: y.return, benchmark: y.benchmark };
  });
}

/** A return in percent with one decimal, signed; '' where there is none. */
export function pct1(x: number | null): string {
  return x === null ? '' : `${x > 0 ? '+' : ''}${(x * 100).toFixed(1)}`;
}
