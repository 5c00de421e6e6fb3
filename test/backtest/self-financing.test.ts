import { Decimal } from 'decimal.js';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toTypedEvent } from '../../src/events/event-factory.js';
import { SqliteEventStore } from '../../src/events/store/sqlite/sqlite-event-store.js';
import { evolve, initialProjectionState, reserveBalance, positionOf } from '../../src/projections/index.js';
import { tempDir } from '../support.js';
import { engine } from './cli-support.js';

const tmp = tempDir('self-financing-');
afterAll(() => tmp.cleanup());

describe('self-financing in a backtest', () => {
  it('moves the configured fraction of each net realized profit into the reserve; losses move nothing; the ledger shows it', async () => {
    const db = path.join(tmp.dir, 'sf.db');
    const r = await engine(['backtest', '--db', db, '--data', 'synthetic:bars=3000,interval=1h,seed=7', '--symbol', 'SYN', '--strategy', 'sma-cross', '--seed', '42', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const { runId } = JSON.parse(r.stdout) as { runId: string };

    const store = SqliteEventStore.open(db, { readonly: true });
    let state = initialProjectionState();
    let allocated = new Decimal(0);
    let allocations = 0;
    let profitableCloses = 0;
    let fraction: Decimal | null = null;
    try {
      for await (const raw of store.readAll()) {
        const e = toTypedEvent(raw);
        const realizedBefore = positionOf(state.positions, runId, 'SYN')?.realizedPnl ?? new Decimal(0);
        state = evolve(state, e);
        if (e.type === 'OrderFilled') {
          const realizedAfter = positionOf(state.positions, runId, 'SYN')?.realizedPnl ?? new Decimal(0);
          if (realizedAfter.sub(realizedBefore).sub(e.data.fee).gt(0)) profitableCloses++;
        }
        if (e.type === 'ReserveAllocated') {
          allocations++;
          const amount = new Decimal(e.data.amount);
          fraction = new Decimal(e.data.fraction);
          expect(amount.gt(0)).toBe(true);
          // amount = fraction x the net realized profit the allocation names
          expect(amount.toFixed(10)).toBe(fraction.mul(e.data.context['realizedPnl']!).toFixed(10));
          allocated = allocated.add(amount);
        }
      }
    } finally {
      await store.close();
    }
    expect(fraction?.gt(0)).toBe(true);
    expect(allocations).toBeGreaterThan(0);
    expect(allocations).toBe(profitableCloses);
    expect(reserveBalance(state.ledger, runId).abs().toFixed()).toBe(allocated.toFixed());
  });
});
