import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UnsupportedIntervalError } from '../../../src/engine/venues/ccxt/closed-bars.js';
import { VenueAccessError } from '../../../src/engine/venues/ccxt/venue-errors.js';
import { type Emulator, type EmulatorDialect, startEmulator } from '../../support/exchange-emulator/index.js';
import { tempDir } from '../../support.js';
import { SYMBOL, accessTo } from './helpers.js';

const DIALECTS: EmulatorDialect[] = ['binance', 'btcturk'];

describe.each(DIALECTS)('closed bars from %s', (dialect) => {
  let emu: Emulator | undefined;
  const dirs: Array<() => void> = [];
  afterEach(async () => {
    await emu?.close();
    for (const d of dirs.splice(0)) d();
  });

  it('returns closed bars only, oldest first, with the venue text as exact Decimals', async () => {
    emu = await startEmulator({ dialect, startIndex: 40 });
    const current = emu.book.bar();
    const clock = { now: () => current.time + 30_000 };
    const reader = await accessTo(emu, { credentials: null }).closedBars(SYMBOL, '1m', clock);
    const bars = await reader.closedBars({ limit: 5 });
    const expected = emu.book.barsSoFar().slice(-6, -1);
    expect(bars.map((b) => b.time)).toEqual(expected.map((b) => b.time));
    for (const [i, b] of bars.entries()) {
      for (const k of ['open', 'high', 'low', 'close', 'volume'] as const) expect(b[k].toFixed(), k).toBe(expected[i]![k].toFixed());
    }
    expect(bars.some((b) => b.time === current.time)).toBe(false);
    // Once the clock passes its end, the bar that was forming is closed and returned.
    const later = await accessTo(emu, { credentials: null }).closedBars(SYMBOL, '1m', { now: () => current.time + 60_000 });
    expect((await later.closedBars({ limit: 1 }))[0]!.time).toBe(current.time);
  });

  it('keeps every digit of a price a double cannot hold', async () => {
    const { dir, cleanup } = tempDir('closed-bars-');
    dirs.push(cleanup);
    const csv = path.join(dir, 'precise.csv');
    const rows = ['date,open,high,low,close,volume'];
    for (let i = 0; i < 5; i++) rows.push(`2024-01-01T00:0${i}:00Z,65000.123456789012345678,65001.987654321098765432,64999.5,65000.111111111111111111,1.00000000000000000001`);
    writeFileSync(csv, `${rows.join('\n')}\n`);
    emu = await startEmulator({ dialect, csv, startIndex: 4 });
    const reader = await accessTo(emu, { credentials: null }).closedBars(SYMBOL, '1m', { now: () => Date.UTC(2024, 0, 1, 0, 4, 30) });
    const bars = await reader.closedBars({ limit: 10 });
    expect(bars).toHaveLength(4);
    // Binance writes 8 decimals (its format); BTCTurk's chart API writes the number as it is.
    const close = dialect === 'binance' ? '65000.11111111' : '65000.111111111111111111';
    expect(bars.every((b) => b.close.toFixed() === close)).toBe(true);
  });

  it('refuses an interval the venue has no bars for, and a garbage answer is a typed error', async () => {
    emu = await startEmulator({ dialect });
    const access = accessTo(emu, { credentials: null });
    await expect(access.closedBars(SYMBOL, '7m', { now: () => Date.now() })).rejects.toBeInstanceOf(UnsupportedIntervalError);
    const reader = await access.closedBars(SYMBOL, '1m', { now: () => Date.now() });
    emu.server.faults.add({ endpoint: 'klines', fault: { kind: 'non-json-200' } });
    const err = await reader.closedBars().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VenueAccessError);
    expect((err as VenueAccessError).kind).toBe('GARBAGE');
  });
});
