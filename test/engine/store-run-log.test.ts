import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createEvent, type AnyNewEvent } from '../../src/events/event-factory.js';
import { EventValidationError, ExpectedVersionConflictError } from '../../src/events/errors.js';
import type { EventStore } from '../../src/events/store/port.js';
import { AppendThreadStore } from '../../src/events/store/sqlite/append-thread.js';
import { SqliteEventStore } from '../../src/events/store/sqlite/sqlite-event-store.js';
import { StoreRunLog } from '../../src/engine/driver/store-run-log.js';
import { tempDir } from '../support.js';

const STREAM = 'run-log-test';
const event = (seq: number): AnyNewEvent =>
  createEvent('CycleStarted', `log-test:${seq}:1`, { cycleSeq: seq, killSwitch: false }, { runId: 'log-test', mode: 'backtest', cycleId: `log-test:c${seq}`, causationId: null, at: new Date(Date.UTC(2024, 0, 1) + seq * 60_000).toISOString() }) as AnyNewEvent;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

function threadStore(): { store: AppendThreadStore; inner: SqliteEventStore } {
  const tmp = tempDir('store-run-log-');
  const file = path.join(tmp.dir, 'events.db');
  const inner = SqliteEventStore.open(file);
  const store = new AppendThreadStore(inner, file);
  cleanups.push(tmp.cleanup, () => store.close());
  return { store, inner };
}

describe('StoreRunLog hands full batches over without waiting for them to be written', () => {
  it('writes every event once, in order, in batches, through an append thread', async () => {
    const { store } = threadStore();
    const log = new StoreRunLog(store, STREAM, { batchSize: 3, durableBarriers: false });
    for (let seq = 1; seq <= 11; seq++) {
      log.append([event(seq)]);
      await log.cycleEnded();
    }
    await log.flush();
    const stored = [];
    for await (const e of store.readStream(STREAM)) stored.push(e);
    expect(stored.map((e) => [e.streamVersion, e.eventId])).toEqual(Array.from({ length: 11 }, (_, i) => [i, `log-test:${i + 1}:1`]));
    expect(log.counts()).toEqual({ written: 11, alreadyStored: 0 });
  });

  it('a batch whose append fails throws at the next flush, typed, and nothing after it is written', async () => {
    const { store, inner } = threadStore();
    const log = new StoreRunLog(store, STREAM, { batchSize: 2, durableBarriers: false });
    log.append([event(1), event(2)]);
    await log.cycleEnded(); // handed over: versions 0-1
    await log.flush();
    // Someone else writes to the stream: the next batch's expected version no longer holds.
    await inner.append(STREAM, [event(100)], 1);
    log.append([event(3), event(4)]);
    await log.cycleEnded(); // handed over, fails on the thread; no unhandled rejection meanwhile
    log.append([event(5)]);
    const failure = await log.flush().then(() => null, (e: unknown) => e);
    expect(failure).toBeInstanceOf(ExpectedVersionConflictError);
    expect((failure as ExpectedVersionConflictError).actual).toBe(2);
    const ids = [];
    for await (const e of store.readStream(STREAM)) ids.push(e.eventId);
    expect(ids).toEqual(['log-test:1:1', 'log-test:2:1', 'log-test:100:1']);
  });

  it('through an encoding, a bad event throws at append(): the batches before it are written, nothing of its own batch', async () => {
    const { store } = threadStore();
    const log = new StoreRunLog(store, STREAM, { batchSize: 2, durableBarriers: false });
    log.append([event(1), event(2)]);
    await log.cycleEnded();
    log.append([event(3)]);
    const bad = { ...event(4), type: 'NoSuchEvent' } as unknown as AnyNewEvent;
    expect(() => log.append([bad])).toThrow(EventValidationError);
    // As when the whole batch was refused at its hand-over: the batch before is written, event 3 is not.
    await expect(log.flush()).rejects.toBeInstanceOf(EventValidationError);
    await expect(log.cycleEnded()).rejects.toBeInstanceOf(EventValidationError);
    expect(() => log.append([event(5)])).toThrow(EventValidationError);
    const ids = [];
    for await (const e of store.readStream(STREAM)) ids.push(e.eventId);
    expect(ids).toEqual(['log-test:1:1', 'log-test:2:1']);
    expect(log.counts()).toEqual({ written: 2, alreadyStored: 0 });
  });

  it('keeps at most two batches in flight: the third waits for the first to be written', async () => {
    const releases: Array<() => void> = [];
    const slow = {
      append: () => new Promise((resolve) => releases.push(() => resolve({ nextExpectedVersion: 0, firstPosition: 1, lastPosition: 1, written: true }))),
    } as unknown as EventStore;
    const log = new StoreRunLog(slow, STREAM, { batchSize: 1, durableBarriers: false });
    log.append([event(1)]);
    await log.cycleEnded();
    log.append([event(2)]);
    await log.cycleEnded();
    expect(releases).toHaveLength(2);
    log.append([event(3)]);
    let third = false;
    const handing = Promise.resolve(log.cycleEnded()).then(() => (third = true));
    await new Promise((r) => setImmediate(r));
    expect(third).toBe(false);
    expect(releases).toHaveLength(2);
    releases[0]!();
    await handing;
    expect(releases).toHaveLength(3);
    releases[1]!();
    releases[2]!();
    await log.flush();
    expect(log.counts().written).toBe(3);
  });
});
