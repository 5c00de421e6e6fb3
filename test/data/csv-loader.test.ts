import { describe, expect, it } from 'vitest';
import { openBarSource } from '../../src/replay/data/index.js';
import { BarHasher } from '../../src/replay/data/bar-hasher.js';
import { collect, csvWriter, iso, load } from './helpers.js';

const write = csvWriter();

const ROWS = [
  ['2024-01-02', '100', '101', '99', '100.5', '10'],
  ['2024-01-03', '100.5', '102', '100', '101', '12'],
  ['2024-01-04', '101', '101.5', '99.5', '100', '0'],
];

function csv(header: string, rows: string[][] = ROWS): string {
  return `${header}\n${rows.map((r) => r.join(',')).join('\n')}\n`;
}

describe('CSV layout', () => {
  it('reads a plain file: values as exact decimals, times in order, interval and hash', async () => {
    const file = write('plain.csv', csv('date,open,high,low,close,volume'));
    const source = openBarSource(file);
    const scan = await source.scan();
    const bars = await collect(source);
    expect(bars.map((b) => [iso(b.time), b.open.toFixed(), b.close.toFixed(), b.volume.toFixed()])).toEqual([
      ['2024-01-02T00:00:00.000Z', '100', '100.5', '10'],
      ['2024-01-03T00:00:00.000Z', '100.5', '101', '12'],
      ['2024-01-04T00:00:00.000Z', '101', '100', '0'],
    ]);
    const hasher = new BarHasher();
    bars.forEach((b) => hasher.add(b));
    expect(scan).toMatchObject({
      hash: hasher.digest(),
      symbol: null,
      interval: '1d',
      intervalMs: 86_400_000,
      firstBarTime: bars[0]?.time,
      lastBarTime: bars[2]?.time,
      barCount: 3,
    });
  });

  it('keeps digits a float would lose', async () => {
    const file = write('digits.csv', csv('date,open,high,low,close,volume', [['2024-01-02', '0.1', '0.30000000000000000001', '0.1', '0.2', '123456789.123456789']]));
    const [bar] = await load(file);
    expect(bar?.high.toFixed()).toBe('0.30000000000000000001');
    expect(bar?.volume.toFixed()).toBe('123456789.123456789');
  });

  it.each([
    ['capitalised names', 'Timestamp,Open,High,Low,Close,Volume'],
    ['upper case, reordered, extra columns', 'CLOSE,Adj Close,HIGH,DATE,LOW,OPEN,VOLUME,Dividends'],
    ['Binance-style names', 'open_time,open,high,low,close,volume,close_time,quote_volume,count'],
    ['a leading unnamed index column', ',date,open,high,low,close,volume'],
    ['Datetime and Vol', 'Datetime,Open,High,Low,Close,Vol'],
  ])('finds the columns with %s', async (_name, header) => {
    const names = header.split(',').map((h) => h.trim().toLowerCase().replace(/[_ ]/g, ''));
    const value = (r: string[], name: string): string => {
      const from: Record<string, number> = { date: 0, timestamp: 0, datetime: 0, opentime: 0, open: 1, high: 2, low: 3, close: 4, volume: 5, vol: 5 };
      const i = from[name];
      return i === undefined ? '7' : (r[i] ?? '');
    };
    const rows = ROWS.map((r) => names.map((n, i) => (n === '' && i === 0 ? '0' : value(r, n))));
    const bars = await load(write(`layout-${names.join('')}.csv`, csv(header, rows)));
    expect(bars.map((b) => [iso(b.time), b.open.toFixed(), b.high.toFixed(), b.low.toFixed(), b.close.toFixed(), b.volume.toFixed()])).toEqual(
      ROWS.map((r) => [`${r[0]}T00:00:00.000Z`, r[1], r[2], r[3], r[4], r[5]]),
    );
  });

  it('strips a UTF-8 BOM and tolerates CRLF and trailing blank lines', async () => {
    const text = `\uFEFF${csv('date,open,high,low,close,volume').replace(/\n/g, '\r\n')}\r\n\r\n`;
    expect((await load(write('bom.csv', text))).length).toBe(3);
  });

  it('skips one banner line before the header', async () => {
    const file = write('banner.csv', `Created on 10-17-2019,https://www.example.invalid\n${csv('date,open,high,low,close,volume')}`);
    const source = openBarSource(file);
    expect((await source.scan()).barCount).toBe(3);
    expect((await collect(source)).length).toBe(3);
  });

  it('reads the symbol column and picks the base-asset volume of two', async () => {
    const rows = ROWS.map((r) => [r[0] ?? '', 'BTCUSD', r[1] ?? '', r[2] ?? '', r[3] ?? '', r[4] ?? '', r[5] ?? '', '999999']);
    for (const header of ['date,symbol,open,high,low,close,volume_btc,volume', 'date,symbol,open,high,low,close,Volume BTC,Volume USD', 'date,symbol,open,high,low,close,Volume BTC,Volume USDT']) {
      const source = openBarSource(write(`vol-${header.length}.csv`, csv(header, rows)));
      expect((await source.scan()).symbol).toBe('BTCUSD');
      expect((await collect(source)).map((b) => b.volume.toFixed())).toEqual(ROWS.map((r) => r[5]));
    }
  });

  it('uses the symbol to tell two crypto volume columns apart', async () => {
    const rows = ROWS.map((r) => [r[0] ?? '', r[1] ?? '', r[2] ?? '', r[3] ?? '', r[4] ?? '', '5', r[5] ?? '']);
    const file = write('ethbtc.csv', csv('date,open,high,low,close,Volume BTC,Volume ETH', rows));
    expect((await load(file, { symbol: 'ETH/BTC' })).map((b) => b.volume.toFixed())).toEqual(ROWS.map((r) => r[5]));
    await expect(openBarSource(file).scan()).rejects.toThrow(/base-asset volume/);
  });

  it('reads epoch seconds and epoch milliseconds columns', async () => {
    const t = [Date.UTC(2024, 0, 2), Date.UTC(2024, 0, 3), Date.UTC(2024, 0, 4)];
    for (const [name, scale] of [['seconds', 1000], ['millis', 1]] as const) {
      const rows = ROWS.map((r, i) => [String((t[i] ?? 0) / scale), ...r.slice(1)]);
      const bars = await load(write(`epoch-${name}.csv`, csv('unix,open,high,low,close,volume', rows)));
      expect(bars.map((b) => b.time)).toEqual(t);
    }
  });

  it('reads naive times in --tz across a DST change (America/New_York)', async () => {
    const rows = [
      ['2021-03-12 15:59', '10', '11', '9', '10', '1'],
      ['2021-03-12 16:00', '10', '11', '9', '10', '1'],
      ['2021-03-15 09:30', '10', '11', '9', '10', '1'],
    ];
    const file = write('dst.csv', csv('date,open,high,low,close,volume', rows));
    const ny = await load(file, { tz: 'America/New_York' });
    expect(ny.map((b) => iso(b.time))).toEqual(['2021-03-12T20:59:00.000Z', '2021-03-12T21:00:00.000Z', '2021-03-15T13:30:00.000Z']);
    const utc = await load(file);
    expect(utc.map((b) => iso(b.time))).toEqual(['2021-03-12T15:59:00.000Z', '2021-03-12T16:00:00.000Z', '2021-03-15T09:30:00.000Z']);
    expect(() => openBarSource(file, { tz: 'Mars/Olympus' })).toThrow(/unknown time zone "Mars\/Olympus"/);
  });

  it('reverses a newest-first file and gives it the same hash as the oldest-first one', async () => {
    const forward = openBarSource(write('fwd.csv', csv('date,open,high,low,close,volume')));
    const backward = openBarSource(write('bwd.csv', csv('date,open,high,low,close,volume', [...ROWS].reverse())));
    const [f, b] = [await forward.scan(), await backward.scan()];
    expect(b).toEqual(f);
    expect((await collect(backward)).map((x) => x.time)).toEqual((await collect(forward)).map((x) => x.time));
  });

  it('reads a long newest-first file back to front across read blocks', async () => {
    const n = 5000;
    const start = Date.UTC(2024, 0, 1);
    const lines = Array.from({ length: n }, (_, i) => {
      const k = n - 1 - i;
      return `${new Date(start + k * 60_000).toISOString()},${100 + k},${101 + k},${99 + k},${100 + k},${k}`;
    });
    const source = openBarSource(write('long-desc.csv', `date,open,high,low,close,volume\n${lines.join('\n')}\n`));
    const scan = await source.scan();
    expect(scan).toMatchObject({ barCount: n, interval: '1m', firstBarTime: start, lastBarTime: start + (n - 1) * 60_000 });
    const bars = await collect(source);
    expect(bars.length).toBe(n);
    expect(bars.every((b, i) => b.time === start + i * 60_000 && b.volume.toNumber() === i)).toBe(true);
  });

  it('sorts a few rows that are out of place and reports how many', async () => {
    const rows = [ROWS[0], ROWS[2], ROWS[1]] as string[][];
    const source = openBarSource(write('unordered.csv', csv('date,open,high,low,close,volume', rows)));
    const scan = await source.scan();
    expect(scan.rowsOutOfOrder).toBe(1);
    expect((await collect(source)).map((b) => iso(b.time)?.slice(0, 10))).toEqual(['2024-01-02', '2024-01-03', '2024-01-04']);
  });

  it('reads a headerless Binance kline export with microsecond open times too', async () => {
    const t0 = Date.UTC(2025, 0, 1);
    const line = (t: string, close: string): string => `${t},100,101,99,${close},5,${t},500,10,2,200,0`;
    const file = write('klines-us.csv', `${line(`${t0}000`, '100.5')}\n${line(`${t0 + 60_000}000`, '100.7')}\n`);
    const source = openBarSource(file);
    expect(await source.scan()).toMatchObject({ barCount: 2, interval: '1m', firstBarTime: t0 });
  });

  it('streams: bars() can stop early and run again', async () => {
    const source = openBarSource(write('again.csv', csv('date,open,high,low,close,volume')));
    for await (const _ of source.bars()) break;
    expect((await collect(source)).length).toBe(3);
  });
});

describe('rows out of place', () => {
  it('counts them against the majority direction, even when the first row is the odd one', async () => {
    const days = ['2024-01-09', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05'];
    const source = openBarSource(write('first-odd.csv', csv('date,open,high,low,close,volume', days.map((d) => [d, '1', '1', '1', '1', '1']))));
    const scan = await source.scan();
    expect(scan.rowsOutOfOrder).toBe(1);
    expect((await collect(source)).map((b) => iso(b.time)?.slice(0, 10))).toEqual([...days].sort());
  });

  it('a newest-first file with one row out of place', async () => {
    const days = ['2024-01-05', '2024-01-04', '2024-01-02', '2024-01-03', '2024-01-01'];
    const source = openBarSource(write('desc-odd.csv', csv('date,open,high,low,close,volume', days.map((d) => [d, '1', '1', '1', '1', '1']))));
    expect((await source.scan()).rowsOutOfOrder).toBe(1);
    expect((await collect(source)).map((b) => iso(b.time)?.slice(0, 10))).toEqual([...days].sort());
  });
});

describe('separate date and time columns', () => {
  it('joins a MetaTrader-style Date,Time pair', async () => {
    const rows = [
      ['2024.01.02', '10:00', '1', '2', '0.5', '1.5', '7'],
      ['2024.01.02', '10:05', '1', '2', '0.5', '1.5', '7'],
    ];
    const source = openBarSource(write('mt.csv', csv('Date,Time,Open,High,Low,Close,Volume', rows)));
    expect(await source.scan()).toMatchObject({ barCount: 2, interval: '5m', firstBarTime: Date.UTC(2024, 0, 2, 10, 0) });
  });

  it('ignores a time column that is not a time of day', async () => {
    const rows = [['2024-01-02', '1704189600', '1', '2', '0.5', '1.5', '7']];
    const bars = await load(write('date-and-epoch.csv', csv('date,time,open,high,low,close,volume', rows)));
    expect(iso(bars[0]?.time ?? null)).toBe('2024-01-02T00:00:00.000Z');
  });
});
