import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Emulator, startEmulator } from '../support/exchange-emulator/index.js';
import { tempDir } from '../support.js';
import { credentialEnv, logFills, readLog, runEngine, unfinishedOrders, venueFills, writeConfig } from './harness.js';

/**
 * A run that ends with an order it could not resolve (its answer lost after commit, then every read of
 * the venue failing) leaves it without a verdict. The next armed run at that venue first reopens the
 * ended run for one RECONCILE pass, which finds the order (COMMITTED, with its fill), then starts.
 */
let tmp: ReturnType<typeof tempDir>;
let emu: Emulator;
beforeEach(async () => {
  tmp = tempDir('engine-venue-leftover-');
  emu = await startEmulator({ dialect: 'binance', barEveryMs: 250, startIndex: 150 });
});
afterEach(async () => {
  await emu.close();
  tmp.cleanup();
});

describe('stage7-run --venue binance: orders an ended run left open', () => {
  it('are reconciled by the next armed run before it trades', async () => {
    const db = path.join(tmp.dir, 'engine.db');
    const cfg = writeConfig(tmp.dir, { strategy: { name: path.join(import.meta.dirname, 'flip-limit.ts'), params: {} } });
    const f = emu.server.faults;
    f.add({ endpoint: 'createOrder', fault: { kind: 'timeout-after-commit' } });
    for (const endpoint of ['queryOrder', 'openOrders', 'allOrders', 'trades', 'cancelOrder'] as const) f.add({ endpoint, fault: { kind: '5xx-after-commit' }, times: 100_000 });
    const args = ['stage7-run', '--venue', 'binance', '--market', 'BTC/USDT', '--venue-url', emu.url, '--config', cfg, '--arm', '--interval', '250ms', '--venue-timeout', '1s', '--json'];
    const first = await runEngine([...args, '--cycles', '1'], { db, env: credentialEnv(emu) });
    expect(first.code, first.stderr).toBe(0);
    const firstRun = (JSON.parse(first.stdout) as { runId: string }).runId;
    const left = unfinishedOrders(await readLog(db));
    expect(left).toEqual([{ clientOrderId: `${firstRun}-1-1`, status: expect.stringMatching(/^(UNKNOWN|ESCALATED)$/) }]);
    expect(emu.book.ordersWithClientId(`${firstRun}-1-1`)).toHaveLength(1);

    f.clear();
    const second = await runEngine([...args, '--cycles', '2'], { db, env: credentialEnv(emu) });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/reconciling the orders an ended run left open at the venue/);
    const events = await readLog(db);
    const reopened = events.filter((e) => e.type === 'RunResumed' && e.metadata.runId === firstRun);
    expect(reopened.map((e) => (e.data as { purpose: string }).purpose)).toEqual(['RECONCILE']);
    const verdict = events.find((e) => e.type === 'OrderReconciled' && (e.data as { clientOrderId: string; outcome?: string }).clientOrderId === `${firstRun}-1-1` && e.metadata.runId === firstRun && e.globalPosition > reopened[0]!.globalPosition);
    expect(verdict?.data).toMatchObject({ outcome: 'COMMITTED' });
    expect(unfinishedOrders(events)).toEqual([]);
    expect(logFills(events, 'USDT')).toEqual(venueFills(emu));
    // The reopened run still replays to PARITY; doctor passes over the whole log.
    const replay = await runEngine(['replay', '--run', firstRun, '--json'], { db });
    expect(replay.code, replay.stdout + replay.stderr).toBe(0);
    const doctor = await runEngine(['doctor', '--config', cfg, '--json'], { db });
    expect(doctor.code, doctor.stdout).toBe(0);
  }, 120_000);
});
