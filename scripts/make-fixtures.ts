/**
 * Writes the small CSV fixtures in fixtures/ from the seeded synthetic generator, in the shapes real
 * exports come in. Deterministic: re-running it rewrites byte-identical files.
 *
 *   npx vite-node scripts/make-fixtures.ts
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DateTime } from 'luxon';
import type { Bar } from '../src/engine/bar.js';
import { generateBars } from '../src/replay/data/synthetic/gbm-generator.js';
import { parseSyntheticSpec } from '../src/replay/data/synthetic/synthetic-spec.js';

const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');

/** The specs behind the fixtures (test/data/fixtures.test.ts repeats them to compare hashes). */
const FIXTURE_SPECS = {
  'syn-1h-500.csv': 'synthetic:bars=500,interval=1h,start=2024-01-01T00:00:00Z,seed=7,symbol=SYN',
  'syn-1m-binance-klines.csv': 'synthetic:bars=240,interval=1m,start=2024-03-01T00:00:00Z,seed=11,price=65000,symbol=BTCUSDT',
  'syn-1h-cryptodatadownload.csv': 'synthetic:bars=300,interval=1h,start=2024-05-01T00:00:00Z,seed=3,price=3000,symbol=ETHUSD',
} as const;

function bars(spec: string): Bar[] {
  return [...generateBars(parseSyntheticSpec(spec, { tz: 'UTC' }))];
}

function write(name: string, lines: string[]): void {
  writeFileSync(path.join(FIXTURES, name), `${lines.join('\n')}\n`);
  console.log(`fixtures/${name}: ${lines.length} lines`);
}

function plain(bar: Bar): string {
  return [bar.open, bar.high, bar.low, bar.close, bar.volume].map((d) => d.toFixed()).join(',');
}

// A plain OHLCV file with ISO UTC timestamps.
write('syn-1h-500.csv', [
  'date,open,high,low,close,volume',
  ...bars(FIXTURE_SPECS['syn-1h-500.csv']).map((b) => `${new Date(b.time).toISOString()},${plain(b)}`),
]);

// Binance's kline export: no header, 12 columns, millisecond open and close times.
write(
  'syn-1m-binance-klines.csv',
  bars(FIXTURE_SPECS['syn-1m-binance-klines.csv']).map((b) => {
    const quote = b.volume.times(b.close).toDecimalPlaces(8).toFixed();
    const takerBase = b.volume.div(2).toDecimalPlaces(8).toFixed();
    const takerQuote = b.volume.div(2).times(b.close).toDecimalPlaces(8).toFixed();
    return `${b.time},${plain(b)},${b.time + 59_999},${quote},${100 + (b.time / 60_000) % 50},${takerBase},${takerQuote},0`;
  }),
);

// CryptoDataDownload's shape: banner line, CRLF, newest first, "YYYY-MM-DD HH-AM", symbol column,
// base and quote volume columns (the base one is the bars' volume).
write('syn-1h-cryptodatadownload.csv', [
  'Created by make-fixtures.ts,https://example.invalid\r',
  'date,symbol,open,high,low,close,Volume ETH,Volume USD\r',
  ...bars(FIXTURE_SPECS['syn-1h-cryptodatadownload.csv'])
    .reverse()
    .map((b) => {
      const when = DateTime.fromMillis(b.time, { zone: 'utc' }).toFormat('yyyy-LL-dd hh-a');
      const quote = b.volume.times(b.close).toDecimalPlaces(2).toFixed();
      return `${when},ETHUSD,${b.open.toFixed()},${b.high.toFixed()},${b.low.toFixed()},${b.close.toFixed()},${b.volume.toFixed()},${quote}\r`;
    }),
]);

// Two tiny malformed files for tests: a high below its low on line 4; an empty row on line 3.
write('malformed-high-below-low.csv', [
  'date,open,high,low,close,volume',
  '2024-01-01,100,101,99,100.5,10',
  '2024-01-02,100.5,102,100,101,12',
  '2024-01-03,101,100,102,101,9',
  '2024-01-04,101,103,100.5,102,11',
]);
write('malformed-empty-row.csv', [
  'date,open,high,low,close,volume',
  '2024-01-01,100,101,99,100.5,10',
  ',,,,,',
  '2024-01-03,101,102,100,101.5,9',
]);
