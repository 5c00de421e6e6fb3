import { DateTime } from 'luxon';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeTimestampParser } from '../../src/replay/data/timestamp-text.js';

const utc = makeTimestampParser('UTC');
const ny = makeTimestampParser('America/New_York');

function ms(text: string, parse = utc): number {
  const r = parse(text);
  if (!r.ok) throw new Error(`expected "${text}" to parse: ${r.reason}`);
  return r.ms;
}

describe('date formats', () => {
  it.each([
    ['2017-08-16', '2017-08-16T00:00:00.000Z'],
    ['2024-02-29T13:45:10Z', '2024-02-29T13:45:10.000Z'],
    ['2024-02-29T13:45:10.250Z', '2024-02-29T13:45:10.250Z'],
    ['2024-02-29T13:45:10+02:00', '2024-02-29T11:45:10.000Z'],
    ['2024-02-29T13:45:10-0530', '2024-02-29T19:15:10.000Z'],
    ['1/2/1990', '1990-01-02T00:00:00.000Z'],
    ['12/31/2018', '2018-12-31T00:00:00.000Z'],
    ['01/03/2017', '2017-01-03T00:00:00.000Z'],
    ['01/03/17', '2017-01-03T00:00:00.000Z'],
    ['10/17/99', '1999-10-17T00:00:00.000Z'],
    ['2020-12-15 09:30', '2020-12-15T09:30:00.000Z'],
    ['2020-12-15 09:30:45', '2020-12-15T09:30:45.000Z'],
    ['2019-10-17 11-PM', '2019-10-17T23:00:00.000Z'],
    ['2019-10-17 12-AM', '2019-10-17T00:00:00.000Z'],
    ['2019-10-17 12-PM', '2019-10-17T12:00:00.000Z'],
    ['2019-10-17 01-AM', '2019-10-17T01:00:00.000Z'],
    ['2000-02-29', '2000-02-29T00:00:00.000Z'],
  ])('%s is %s', (text, expected) => {
    expect(new Date(ms(text)).toISOString()).toBe(expected);
  });

  it.each(['2024-13-01', '2023-02-29', '1900-02-29', '2024-04-31', '2024-01-01 24:00', '13/1/2020', '2019-10-17 13-PM', 'yesterday', '2024-01-01T10:00:00+25:00', ''])(
    'rejects "%s" with a reason',
    (text) => {
      const r = utc(text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason.length).toBeGreaterThan(0);
    },
  );

  it('any valid calendar time written as YYYY-MM-DD HH:MM:SS round-trips (property)', () => {
    const min = Date.UTC(1971, 0, 1);
    const max = Date.UTC(2199, 11, 31);
    fc.assert(
      fc.property(fc.integer({ min: min / 1000, max: max / 1000 }), (seconds) => {
        const text = DateTime.fromSeconds(seconds, { zone: 'utc' }).toFormat('yyyy-LL-dd HH:mm:ss');
        expect(ms(text)).toBe(seconds * 1000);
      }),
    );
  });
});

describe('epoch numbers', () => {
  const when = Date.UTC(2024, 2, 1, 12, 34, 0);
  it('tells seconds, milliseconds, microseconds and nanoseconds apart by magnitude', () => {
    expect(ms(String(when / 1000))).toBe(when);
    expect(ms(String(when))).toBe(when);
    expect(ms(`${when}000`)).toBe(when);
    expect(ms(`${when}000000`)).toBe(when);
    expect(ms('1577836800.5')).toBe(Date.UTC(2020, 0, 1) + 500);
  });
  it('ignores tz: an epoch is an instant', () => {
    expect(ms(String(when), ny)).toBe(when);
  });
  it('rejects sub-millisecond epochs', () => {
    expect(utc('1709296440000123').ok).toBe(false);
  });
});

describe('naive times in a zone, across DST (America/New_York)', () => {
  it('uses EST before and EDT after the March change', () => {
    // 2021-03-14: clocks jump from 02:00 EST to 03:00 EDT.
    expect(new Date(ms('2021-03-12 09:30', ny)).toISOString()).toBe('2021-03-12T14:30:00.000Z');
    expect(new Date(ms('2021-03-15 09:30', ny)).toISOString()).toBe('2021-03-15T13:30:00.000Z');
    expect(ms('2021-03-14 03:00', ny) - ms('2021-03-14 01:00', ny)).toBe(3_600_000);
    expect(new Date(ms('03/15/2021', ny)).toISOString()).toBe('2021-03-15T04:00:00.000Z');
  });
  it('rejects a wall-clock time inside the spring-forward gap', () => {
    const r = ny('2021-03-14 02:30');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/does not exist in America\/New_York/);
  });
  it('takes the earlier instant for the repeated hour in November, and explicit offsets win', () => {
    expect(new Date(ms('2021-11-07 01:30', ny)).toISOString()).toBe('2021-11-07T05:30:00.000Z');
    expect(new Date(ms('2021-11-07T01:30:00-05:00', ny)).toISOString()).toBe('2021-11-07T06:30:00.000Z');
    expect(ms('2021-11-07 02:00', ny) - ms('2021-11-07 00:00', ny)).toBe(3 * 3_600_000);
  });
});
