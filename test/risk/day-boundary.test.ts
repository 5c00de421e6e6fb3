import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { dayWindow, localDay } from '../../src/engine/risk/day-boundary.js';
import { createRiskPolicy } from '../../src/engine/risk/policy.js';
import { initialRiskState } from '../../src/engine/risk/state.js';
import { D, riskConfig } from './helpers.js';

const NY = 'America/New_York';
const HOUR = 3_600_000;
const at = (iso: string) => DateTime.fromISO(iso, { zone: NY }).toMillis();

describe('daily loss day boundary across daylight-saving changes', () => {
  it('2024-03-10 in New York lasts 23 hours (spring forward)', () => {
    const w = dayWindow(at('2024-03-10T12:00'), NY);
    expect(w.day).toBe('2024-03-10');
    expect(w.endMs - w.startMs).toBe(23 * HOUR);
    expect(new Date(w.startMs).toISOString()).toBe('2024-03-10T05:00:00.000Z');
    expect(new Date(w.endMs).toISOString()).toBe('2024-03-11T04:00:00.000Z');
  });

  it('2024-11-03 in New York lasts 25 hours (fall back)', () => {
    const w = dayWindow(at('2024-11-03T12:00'), NY);
    expect(w.endMs - w.startMs).toBe(25 * HOUR);
    expect(localDay(w.endMs - 1, NY)).toBe('2024-11-03');
    expect(localDay(w.endMs, NY)).toBe('2024-11-04');
  });

  it('a fixed 24h rule would be wrong: 23:30 local on the 25-hour day is still that day', () => {
    const start = dayWindow(at('2024-11-03T00:00'), NY).startMs;
    expect(localDay(start + 24 * HOUR + 30 * 60_000, NY)).toBe('2024-11-03');
    expect(localDay(start + 25 * HOUR, NY)).toBe('2024-11-04');
  });

  it('observe() rolls dayStartEquity at local midnight, not at UTC midnight or after 24h', () => {
    const p = createRiskPolicy(riskConfig({ timeZone: NY, dailyLossLimitFraction: '0.05' }));
    let s = initialRiskState(D(1000), at('2024-03-10T00:30'), NY);
    expect(s.day).toBe('2024-03-10');
    // 23:30 local on the 23-hour day: same day, day start unchanged
    s = p.observe(s, D(900), at('2024-03-10T23:30')).state;
    expect(s.day).toBe('2024-03-10');
    expect(s.dayStartEquity.toString()).toBe('1000');
    // 00:00 local: new day, starts from the equity then
    s = p.observe(s, D(910), at('2024-03-11T00:00')).state;
    expect(s.day).toBe('2024-03-11');
    expect(s.dayStartEquity.toString()).toBe('910');
  });

  it('an invalid zone is refused', () => {
    expect(() => localDay(0, 'Mars/Olympus')).toThrow(/time zone/);
  });
});
