import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Emulator, type EmulatorDialect, startEmulator } from '../support/exchange-emulator/index.js';
import { tempDir } from '../support.js';
import {
  balancesFromLog,
  credentialEnv,
  duplicates,
  logFills,
  readLog,
  runEngine,
  throttledCreates,
  unfinishedOrders,
  venueBalances,
  venueFills,
  writeConfig,
} from './harness.js';

/**
 * `engine stage7-run --venue binance|btcturk --arm` as a child process against the exchange emulator on
 * 127.0.0.1 (started here, in the venue's HTTP dialect), with faults on the order endpoint: 5xx, timeout
 * and connection reset AFTER the venue committed the order, a 429 with Retry-After, an order the venue
 * hides for 2 s, a 200 that is not JSON. Then every order has a verdict, the venue never holds two orders
 * (nor got two unrefused creates) for one client order id, the log's fills and the balances they imply
 * are the venue's own, `engine replay` says PARITY and `engine doctor` passes.
 */
const OPENING = { USDT: '10000', BTC: '0.5', BNB: '1' };
const STRATEGY = path.join(import.meta.dirname, 'flip-limit.ts');

let tmp: ReturnType<typeof tempDir>;
let emu: Emulator | null = null;
beforeEach(() => {
  tmp = tempDir('engine-live-venue-');
});
afterEach(async () => {
  await emu?.close();
  emu = null;
  tmp.cleanup();
});

describe.each<EmulatorDialect>(['binance', 'btcturk'])('stage7-run --venue %s against the emulator', (dialect) => {
  it('armed, with faults after commit: every order reconciled, no client order id sent twice, log = venue books, replay PARITY, doctor passes', async () => {
    emu = await startEmulator({ dialect, barEveryMs: 250, startIndex: 150, balances: OPENING });
    const f = emu.server.faults;
    // Consumed in order, one create each: the first six orders each meet one fault.
    f.add({ endpoint: 'createOrder', fault: { kind: '5xx-after-commit' } });
    f.add({ endpoint: 'createOrder', fault: { kind: 'timeout-after-commit' } });
    f.add({ endpoint: 'createOrder', fault: { kind: 'reset-after-commit' } });
    f.add({ endpoint: 'createOrder', fault: { kind: 'rate-limited', retryAfterSec: 1 } });
    f.add({ endpoint: 'createOrder', fault: { kind: 'invisible', ms: 2_000 } });
    f.add({ endpoint: 'createOrder', fault: { kind: 'non-json-200' } });
    const db = path.join(tmp.dir, 'engine.db');
    const cfg = writeConfig(tmp.dir, { strategy: { name: STRATEGY, params: {} } });
    const r = await runEngine(
      ['stage7-run', '--venue', dialect, '--market', 'BTC/USDT', '--venue-url', emu.url, '--config', cfg, '--arm', '--cycles', '40', '--interval', '250ms', '--venue-timeout', '1s', '--json'],
      { db, env: credentialEnv(emu) },
    );
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { runId: string; ended: string; venue: string };
    expect(summary).toMatchObject({ ended: 'COMPLETED', venue: dialect });
    expect(emu.server.faults.pending(), 'every fault was met').toBe(0);

    const events = await readLog(db);
    const types = new Set(events.map((e) => e.type));
    expect(types.has('OrderOutcomeUnknown')).toBe(true);
    expect(types.has('OrderSubmitThrottled')).toBe(true);
    expect(types.has('OrderReconciled')).toBe(true);
    // RunStarted says where and by which rules the run traded.
    const started = events.find((e) => e.type === 'RunStarted')!;
    const config = started.data as unknown as { venue: string; config: { market: { symbol: string; venueUrl: string; rules: Record<string, string> } } };
    expect(config.venue).toBe(dialect);
    expect(config.config.market).toMatchObject({ symbol: 'BTC/USDT', venueUrl: emu.url, rules: { qtyStep: emu.book.market.stepSize.toFixed(), priceTick: '0.01', minNotional: emu.book.market.minNotional.toFixed() } });

    expect(unfinishedOrders(events)).toEqual([]);
    expect(duplicates(emu)).toEqual([]);
    expect(throttledCreates(emu)).toBe(1);
    const fills = logFills(events, 'USDT');
    expect(fills.length).toBeGreaterThanOrEqual(6);
    expect(fills).toEqual(venueFills(emu));
    expect(emu.book.openOrders()).toEqual([]);
    expect(balancesFromLog(OPENING, events, 'BTC', 'USDT')).toEqual(venueBalances(emu));

    const replay = await runEngine(['replay', '--run', summary.runId, '--json'], { db });
    expect(replay.code, replay.stdout + replay.stderr).toBe(0);
    expect(JSON.parse(replay.stdout)).toMatchObject({ verdict: 'PARITY' });
    // The SLO thresholds of a venue over HTTP (and of a run with injected 429s) are the config file's.
    const doctor = await runEngine(['doctor', '--run', summary.runId, '--config', cfg, '--json'], { db });
    expect(doctor.code, doctor.stdout + doctor.stderr).toBe(0);
  }, 240_000);
});
