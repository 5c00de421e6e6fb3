import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AnyNewEvent } from '../../src/events/event-factory.js';
import type { EventStore } from '../../src/events/store/port.js';
import { SqliteEventStore } from '../../src/events/store/sqlite/sqlite-event-store.js';
import { tempDir } from '../support.js';
import { buy, expectAgreement, memoryStateFile, projected, run, runEvents, scripted, world } from './harness.js';

/**
 * The dangerous window: the venue has the order, the log only has OrderSubmitRequested (the process
 * died before the outcome was appended). A restarted engine must find the order before its first cycle.
 * The crash is a store that fails the append carrying the venue's answer; the restart is a new engine
 * (and a new venue object read back from the venue's state file) on the same database.
 */
let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir('engine-crash-window-');
});
afterEach(() => tmp.cleanup());

// The first order of the first cycle (a new run starts at cycle 1).
const ORDER = 'live-test-1-1';

/** The store, except that the first append holding an event of `type` throws (the process "dies" there). */
function dyingAt(inner: EventStore, type: string): EventStore {
  let armed = true;
  return new Proxy(inner, {
    get(target, prop) {
      if (prop === 'append') {
        return async (stream: string, events: AnyNewEvent[], expected: never) => {
          if (armed && events.some((e) => e.type === type)) {
            armed = false;
            throw new Error('simulated crash before the append');
          }
          return target.append(stream, events, expected);
        };
      }
      const v = Reflect.get(target, prop) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

describe('crash between the venue call and the append of its answer', () => {
  it('the venue kept the order: the restart reconciles it COMMITTED before any new decision, then records its fills', async () => {
    const dbPath = path.join(tmp.dir, 'engine.db');
    const stateFile = memoryStateFile();
    const real = SqliteEventStore.open(dbPath, { create: true });
    const w1 = world({ dir: tmp.dir, stateFile, store: dyingAt(real, 'OrderAccepted') });
    await expect(run(w1, { cycles: 3, strategy: scripted({ 0: [buy('2')] }) })).rejects.toThrow('simulated crash');
    await real.close();

    let { orders } = await projected(SqliteEventStore.open(dbPath));
    expect(orders.map((o) => [o.clientOrderId, o.status])).toEqual([[ORDER, 'REQUESTED']]);
    expect(JSON.parse(stateFile.text!).received).toEqual([ORDER]);

    const w2 = world({ dir: tmp.dir, stateFile, store: SqliteEventStore.open(dbPath) });
    const r = await run(w2, { resume: true, cycles: 2, strategy: scripted({}) });
    expect(r.recoveredOrders).toBe(1);
    const events = await runEvents(w2.store);
    const recon = events.find((e) => e.type === 'OrderReconciled');
    expect(recon?.type === 'OrderReconciled' && [recon.data.outcome, recon.data.via]).toEqual(['COMMITTED', 'CLIENT_ORDER_ID']);
    // The reconciliation precedes the first cycle of the restarted engine.
    const firstCycleAfter = events.findIndex((e, i) => e.type === 'CycleStarted' && i > events.indexOf(recon!));
    expect(firstCycleAfter).toBeGreaterThan(events.indexOf(recon!));
    ({ orders } = await projected(w2.store));
    expect(orders.map((o) => [o.clientOrderId, o.status])).toEqual([[ORDER, 'FILLED']]);
    expect(await expectAgreement(w2)).toEqual([]);
    await w2.store.close();
  });

  it('the venue lost it too (its state was not saved): the restart concludes FAILED after the confirmations, nothing twice', async () => {
    const dbPath = path.join(tmp.dir, 'engine.db');
    const stateFile = memoryStateFile();
    const real = SqliteEventStore.open(dbPath, { create: true });
    const w1 = world({ dir: tmp.dir, stateFile, store: dyingAt(real, 'OrderAccepted') });
    await expect(run(w1, { cycles: 3, strategy: scripted({ 0: [buy('2')] }) })).rejects.toThrow('simulated crash');
    // Roll the venue back to before it took the order: it died before its own state was written.
    const state = JSON.parse(stateFile.text!);
    expect(state.received).toEqual([ORDER]);
    stateFile.text = JSON.stringify({ ...state, received: [], book: { ...state.book, orders: [], open: [], nextVenueOrderSeq: 1 } });
    await real.close();

    const w2 = world({ dir: tmp.dir, stateFile, store: SqliteEventStore.open(dbPath) });
    await run(w2, { resume: true, cycles: 5, strategy: scripted({}) });
    const { orders } = await projected(w2.store);
    expect(orders.map((o) => [o.clientOrderId, o.status])).toEqual([[ORDER, 'FAILED']]);
    expect(await expectAgreement(w2)).toEqual([]);
    await w2.store.close();
  });

  it('the venue kept the order and filled it while the engine was down: the restart records the fill and COMMITTED via FILLS', async () => {
    const dbPath = path.join(tmp.dir, 'engine.db');
    const stateFile = memoryStateFile();
    const real = SqliteEventStore.open(dbPath, { create: true });
    const w1 = world({ dir: tmp.dir, stateFile, store: dyingAt(real, 'OrderAccepted') });
    await expect(run(w1, { cycles: 3, strategy: scripted({ 0: [buy('2')] }) })).rejects.toThrow('simulated crash');
    await real.close();
    // The market moves on while no engine runs: the venue fills the order.
    const idle = world({ dir: tmp.dir, stateFile, store: SqliteEventStore.open(dbPath) });
    idle.paper.tick(Date.UTC(2026, 0, 5, 13, 0, 0));
    await idle.store.close();

    const w2 = world({ dir: tmp.dir, stateFile, store: SqliteEventStore.open(dbPath) });
    await run(w2, { resume: true, cycles: 1, strategy: scripted({}) });
    const trail = (await runEvents(w2.store))
      .filter((e) => 'clientOrderId' in e.data)
      .map((e) => (e.type === 'OrderReconciled' ? `${e.type}:${e.data.outcome}:${e.data.via}` : e.type));
    expect(trail).toEqual(['OrderSubmitRequested', 'OrderFilled', 'OrderReconciled:COMMITTED:FILLS']);
    const { orders } = await projected(w2.store);
    expect(orders.map((o) => [o.clientOrderId, o.status])).toEqual([[ORDER, 'FILLED']]);
    expect(await expectAgreement(w2)).toEqual([]);
    await w2.store.close();
  });
});
