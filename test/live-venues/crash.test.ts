import path from 'node:path';
import seedrandom from 'seedrandom';
import { afterAll, describe, expect, it } from 'vitest';
import { type EmulatorDialect, startEmulator } from '../support/exchange-emulator/index.js';
import { tempDir } from '../support.js';
import {
  balancesFromLog,
  credentialEnv,
  duplicates,
  logFills,
  readLog,
  runEngine,
  unfinishedOrders,
  venueBalances,
  venueFills,
  writeConfig,
} from './harness.js';

/**
 * The SIGKILL crash test against the emulator: `engine stage7-run --venue <v> --arm` is killed at seeded
 * random moments (counted from the child's first output), restarted, killed again; a last restart
 * resumes the run, reconciles what the kills left open and ends. Then the venue never held two orders
 * (nor got two unrefused creates) for one client order id, no order is left without a verdict, the
 * log's fills and the balances they imply are the venue's own, replay says PARITY and doctor passes.
 *
 *   npx vitest run test/live-venues/crash.test.ts     (prints the figures: kills, orders, duplicates)
 */
const KILLS = 12;
const OPENING = { USDT: '10000', BTC: '0.5', BNB: '1' };
const STRATEGY = path.join(import.meta.dirname, 'flip-limit.ts');

const tmp = tempDir('engine-venue-crash-');
afterAll(() => tmp.cleanup());

describe.each<EmulatorDialect>(['binance', 'btcturk'])('stage7-run --venue %s: SIGKILL and restart', (dialect) => {
  it(`${KILLS} kills at random points, then a clean end: never two venue orders for one client order id, log = venue books`, async () => {
    const emu = await startEmulator({ dialect, barEveryMs: 400, startIndex: 150, balances: OPENING });
    try {
      // Lost answers after commit early on, so that kills also meet orders whose outcome is unknown.
      emu.server.faults.add({ endpoint: 'createOrder', fault: { kind: 'timeout-after-commit' } });
      emu.server.faults.add({ endpoint: 'createOrder', fault: { kind: '5xx-after-commit' } });
      emu.server.faults.add({ endpoint: 'createOrder', fault: { kind: 'reset-after-commit' } });
      const dir = path.join(tmp.dir, dialect);
      await import('node:fs').then((fs) => fs.mkdirSync(dir));
      const db = path.join(dir, 'engine.db');
      const cfg = writeConfig(dir, { strategy: { name: STRATEGY, params: {} } });
      const args = ['stage7-run', '--venue', dialect, '--market', 'BTC/USDT', '--venue-url', emu.url, '--config', cfg, '--arm', '--interval', '250ms', '--venue-timeout', '1s'];
      const env = credentialEnv(emu);
      const random = seedrandom(`crash-${dialect}`);
      let killed = 0;
      for (let i = 0; i < KILLS; i++) {
        const r = await runEngine(args, { db, env, killAfterMs: Math.floor(random() * 4_000) });
        expect(r.signal, r.stderr).toBe('SIGKILL');
        killed++;
        if (i === 0 && dialect === 'binance') {
          // A run left unfinished resumes only on its own venue.
          const other = await runEngine(['stage7-run', '--venue', 'btcturk', '--market', 'BTC/USDT', '--venue-url', 'http://127.0.0.1:9', '--arm', '--cycles', '1'], {
            db,
            env: { ENGINE_BTCTURK_API_KEY: 'k', ENGINE_BTCTURK_API_SECRET: 'cw==' },
          });
          expect(other.code, other.stderr).toBe(2);
          expect(other.stderr).toMatch(/was left unfinished on venue binance: a run resumes only on its own venue/);
        }
      }
      const last = await runEngine([...args, '--cycles', '3', '--json'], { db, env });
      expect(last.code, last.stderr).toBe(0);
      const summary = JSON.parse(last.stdout) as { runId: string; resumed: boolean; ended: string };
      expect(summary).toMatchObject({ resumed: true, ended: 'COMPLETED' });

      const events = await readLog(db);
      const runIds = new Set(events.filter((e) => e.type === 'RunStarted').map((e) => e.metadata.runId));
      expect(runIds.size, 'every restart resumed the one run').toBe(1);
      // Each restart that got as far as its RunResumed before the next kill (or the last, clean one).
      const resumes = events.filter((e) => e.type === 'RunResumed').length;
      expect(resumes).toBeGreaterThanOrEqual(1);
      expect(resumes).toBeLessThanOrEqual(KILLS);
      const dups = duplicates(emu);
      expect(dups).toEqual([]);
      expect(unfinishedOrders(events)).toEqual([]);
      expect(logFills(events, 'USDT')).toEqual(venueFills(emu));
      expect(balancesFromLog(OPENING, events, 'BTC', 'USDT')).toEqual(venueBalances(emu));
      const orders = emu.book.orders().length;
      // Kills that caught an order between its recorded request and its recorded answer.
      let inFlight = 0;
      const open = new Set<string>();
      for (const e of events) {
        const id = (e.data as { clientOrderId?: string }).clientOrderId;
        if (e.type === 'OrderSubmitRequested') open.add(id!);
        else if (e.type === 'RunResumed') (inFlight += open.size), open.clear();
        else if (id !== undefined) open.delete(id);
      }
      expect(orders).toBeGreaterThan(KILLS / 2);
      console.log(`crash test ${dialect}: kills=${killed} venueOrders=${orders} fills=${emu.book.trades().length} duplicates=${dups.length} resumes=${resumes} submitsInFlightAtKill=${inFlight} events=${events.length}`);

      const replay = await runEngine(['replay', '--run', summary.runId, '--json'], { db });
      expect(replay.code, replay.stdout + replay.stderr).toBe(0);
      expect(JSON.parse(replay.stdout)).toMatchObject({ verdict: 'PARITY' });
      const doctor = await runEngine(['doctor', '--run', summary.runId, '--config', cfg, '--json'], { db });
      expect(doctor.code, doctor.stdout).toBe(0);
    } finally {
      await emu.close();
    }
  }, 300_000);
});
