import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { openBarSource } from '../../src/replay/data/index.js';
import { PROJECT_ROOT } from '../support.js';
import { collect } from './helpers.js';

/** Each generated fixture and the synthetic spec it was written from (scripts/make-fixtures.ts). */
const GENERATED: Array<[file: string, spec: string, interval: string, symbol: string | null]> = [
  ['syn-1h-500.csv', 'synthetic:bars=500,interval=1h,start=2024-01-01T00:00:00Z,seed=7,symbol=SYN', '1h', null],
  ['syn-1m-binance-klines.csv', 'synthetic:bars=240,interval=1m,start=2024-03-01T00:00:00Z,seed=11,price=65000,symbol=BTCUSDT', '1m', null],
  ['syn-1h-cryptodatadownload.csv', 'synthetic:bars=300,interval=1h,start=2024-05-01T00:00:00Z,seed=3,price=3000,symbol=ETHUSD', '1h', 'ETHUSD'],
];

describe('generated fixtures load to exactly the bars they were made from', () => {
  it.each(GENERATED)('%s', async (name, spec, interval, symbol) => {
    const file = openBarSource(path.join(PROJECT_ROOT, 'fixtures', name));
    const synthetic = openBarSource(spec);
    const [fromFile, fromSpec] = [await file.scan(), await synthetic.scan()];
    expect(fromFile.hash).toBe(fromSpec.hash);
    expect(fromFile).toMatchObject({
      barCount: fromSpec.barCount,
      firstBarTime: fromSpec.firstBarTime,
      lastBarTime: fromSpec.lastBarTime,
      interval,
      symbol,
    });
    const [a, b] = [await collect(file), await collect(synthetic)];
    expect(a.map((x) => [x.time, x.open.toFixed(), x.high.toFixed(), x.low.toFixed(), x.close.toFixed(), x.volume.toFixed()])).toEqual(
      b.map((x) => [x.time, x.open.toFixed(), x.high.toFixed(), x.low.toFixed(), x.close.toFixed(), x.volume.toFixed()]),
    );
  });
});
