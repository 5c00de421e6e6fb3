/**
 * How many bars make a year, for annualising Sharpe, Sortino and volatility. Chosen from the bar
 * interval and the data itself:
 * - bars on weekends (>= 10% of bars), or intraday bars covering the whole day: a 24/7 market
 *   (crypto-like): 365 calendar days a year;
 * - daily bars without weekends: 252 trading days a year; weekly or longer: 365.25 / interval in days;
 * - intraday bars without weekends and with session gaps: 252 x the median bars per active day.
 */

export const DAY_MS = 86_400_000;

export type AnnualizationBasis = 'calendar-365d' | 'trading-252d' | 'trading-252d-sessions' | 'calendar-365.25d';

export interface Annualization {
  periodsPerYear: number;
  /** sqrt(periodsPerYear): what per-bar Sharpe and Sortino are multiplied by. */
  factor: number;
  basis: AnnualizationBasis;
  /** The bar interval used (given, or the median spacing of the times). */
  intervalMs: number | null;
  description: string;
}

type Times = ArrayLike<number>;

export function medianSpacing(times: Times): number | null {
  const diffs: number[] = [];
  for (let i = 1; i < times.length; i++) {
    const d = times[i]! - times[i - 1]!;
    if (d > 0) diffs.push(d);
  }
  if (diffs.length === 0) return null;
  diffs.sort((a, b) => a - b);
  return diffs[Math.floor(diffs.length / 2)]!;
}

function weekday(t: number): number {
  return (Math.floor(t / DAY_MS) + 4) % 7; // 1970-01-01 was a Thursday; 0 = Sunday, 6 = Saturday
}

export function annualization(times: Times, givenIntervalMs: number | null): Annualization {
  const intervalMs = givenIntervalMs !== null && givenIntervalMs > 0 ? givenIntervalMs : medianSpacing(times);
  const make = (periodsPerYear: number, basis: AnnualizationBasis, description: string): Annualization => ({
    periodsPerYear,
    factor: Math.sqrt(periodsPerYear),
    basis,
    intervalMs,
    description,
  });
  if (intervalMs === null) return make(365, 'calendar-365d', 'interval unknown: assumed daily bars, 365 a year');

  let weekend = 0;
  const perDay = new Map<number, number>();
  for (let i = 0; i < times.length; i++) {
    const t = times[i]!;
    const wd = weekday(t);
    if (wd === 0 || wd === 6) weekend++;
    const day = Math.floor(t / DAY_MS);
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
  }
  const n = times.length;
  const tradesWeekends = n > 0 && weekend / n >= 0.1;
  const calendar = (365 * DAY_MS) / intervalMs;
  const label = describeInterval(intervalMs);

  if (intervalMs > 1.5 * DAY_MS) {
    return make((365.25 * DAY_MS) / intervalMs, 'calendar-365.25d', `${label} bars: 365.25 days / interval`);
  }
  if (tradesWeekends) return make(calendar, 'calendar-365d', `${label} bars trading 7 days a week: 365 x ${fmt(DAY_MS / intervalMs)} per day`);
  if (intervalMs >= DAY_MS) return make((252 * DAY_MS) / intervalMs, 'trading-252d', `${label} bars without weekends: 252 trading days`);
  // The median count per active day: partial first and last days do not drag it down.
  const counts = [...perDay.values()].sort((a, b) => a - b);
  const perActiveDay = counts.length > 0 ? counts[Math.floor(counts.length / 2)]! : DAY_MS / intervalMs;
  if (perActiveDay >= 0.9 * (DAY_MS / intervalMs)) {
    return make(calendar, 'calendar-365d', `${label} bars around the clock: 365 x ${fmt(DAY_MS / intervalMs)} per day`);
  }
  return make(252 * perActiveDay, 'trading-252d-sessions', `${label} bars in sessions: 252 days x ${fmt(perActiveDay)} bars per active day`);
}

function fmt(x: number): string {
  return Number.isInteger(x) ? String(x) : x.toFixed(1);
}

export function describeInterval(ms: number): string {
  const units: Array<[number, string]> = [
    [7 * DAY_MS, 'w'],
    [DAY_MS, 'd'],
    [3_600_000, 'h'],
    [60_000, 'm'],
    [1_000, 's'],
  ];
  for (const [size, unit] of units) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}
