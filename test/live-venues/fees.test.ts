import path from 'node:path';
import { Decimal } from 'decimal.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Emulator, type FeeSchedule, startEmulator } from '../support/exchange-emulator/index.js';
import { tempDir } from '../support.js';
import { balancesFromLog, credentialEnv, logFills, readLog, runEngine, unfinishedOrders, venueBalances, venueFills, writeConfig } from './harness.js';

/**
 * Fees in another asset than the quote: Binance's default (the asset received: base on a buy) and its
 * BNB option. The log records each fee in its asset, the balances the log implies are the venue's, and
 * the run replays to PARITY.
 */
const OPENING = { USDT: '10000', BTC: '0.5', BNB: '1' };
const FEES: Array<[string, FeeSchedule, string]> = [
  ['the asset received', { makerBps: new Decimal(10), takerBps: new Decimal(10), asset: { kind: 'received' } }, 'BTC'],
  ['BNB', { makerBps: new Decimal(10), takerBps: new Decimal(10), asset: { kind: 'other', asset: 'BNB', perQuote: new Decimal('0.0015') } }, 'BNB'],
];

let tmp: ReturnType<typeof tempDir>;
let emu: Emulator | null = null;
beforeEach(() => {
  tmp = tempDir('engine-venue-fees-');
});
afterEach(async () => {
  await emu?.close();
  tmp.cleanup();
});

describe.each(FEES)('stage7-run --venue binance, fees in %s', (_name, fees, feeAsset) => {
  it('records each fee in its asset; the balances the log implies are the venue\'s; replay PARITY', async () => {
    emu = await startEmulator({ dialect: 'binance', barEveryMs: 250, startIndex: 150, balances: OPENING, fees });
    const db = path.join(tmp.dir, 'engine.db');
    const cfg = writeConfig(tmp.dir, { strategy: { name: path.join(import.meta.dirname, 'flip-limit.ts'), params: {} } });
    const r = await runEngine(['stage7-run', '--venue', 'binance', '--market', 'BTC/USDT', '--venue-url', emu.url, '--config', cfg, '--arm', '--cycles', '12', '--interval', '250ms', '--json'], {
      db,
      env: credentialEnv(emu),
    });
    expect(r.code, r.stderr).toBe(0);
    const events = await readLog(db);
    const fills = logFills(events, 'USDT');
    expect(fills.length).toBeGreaterThanOrEqual(4);
    expect(fills.some((f) => f.feeAsset === feeAsset && new Decimal(f.fee).gt(0))).toBe(true);
    expect(fills).toEqual(venueFills(emu));
    expect(unfinishedOrders(events)).toEqual([]);
    expect(balancesFromLog(OPENING, events, 'BTC', 'USDT')).toEqual(venueBalances(emu));
    const replay = await runEngine(['replay', '--run', (JSON.parse(r.stdout) as { runId: string }).runId, '--json'], { db });
    expect(replay.code, replay.stdout + replay.stderr).toBe(0);
  }, 120_000);
});
