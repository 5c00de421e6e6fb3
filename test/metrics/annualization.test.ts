import { describe, expect, it } from 'vitest';
import { annualization, DAY_MS } from '../../src/replay/metrics/index.js';

const HOUR = 3_600_000;
const MONDAY = Date.UTC(2024, 0, 1);
const every = (n: number, step: number, start = MONDAY) => Array.from({ length: n }, (_, i) => start + i * step);
const weekdaysOnly = (n: number) => {
  const out: number[] = [];
  for (let d = 0; out.length < n; d++) {
    const t = MONDAY + d * DAY_MS;
    const wd = new Date(t).getUTCDay();
    if (wd !== 0 && wd !== 6) out.push(t);
  }
  return out;
};

describe('periods per year from the interval and the data', () => {
  it('hourly bars around the clock, weekends included: 365 x 24', () => {
    const a = annualization(every(500, HOUR), HOUR);
    expect(a.periodsPerYear).toBe(8760);
    expect(a.factor).toBeCloseTo(Math.sqrt(8760), 12);
  });
  it('daily bars with weekends (crypto): 365', () => {
    expect(annualization(every(60, DAY_MS), DAY_MS).periodsPerYear).toBe(365);
  });
  it('daily bars without weekends (equities): 252', () => {
    expect(annualization(weekdaysOnly(60), DAY_MS).periodsPerYear).toBe(252);
  });
  it('one-minute session bars (390 a day, weekdays): 252 x 390', () => {
    const times = weekdaysOnly(10).flatMap((day) => every(390, 60_000, day + 14.5 * HOUR));
    const a = annualization(times, 60_000);
    expect(a.periodsPerYear).toBeCloseTo(252 * 390, 9);
    expect(a.basis).toBe('trading-252d-sessions');
  });
  it('weekly bars: about 52', () => {
    expect(annualization(every(30, 7 * DAY_MS), 7 * DAY_MS).periodsPerYear).toBeCloseTo(365.25 / 7, 12);
  });
  it('infers the interval from the times when it is not given', () => {
    const a = annualization(every(100, HOUR), null);
    expect(a.intervalMs).toBe(HOUR);
    expect(a.periodsPerYear).toBe(8760);
  });
});
