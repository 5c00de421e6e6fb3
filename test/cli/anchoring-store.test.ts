import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AnchoringStore } from '../../src/cli/anchoring-store.js';
import { createEvent } from '../../src/events/event-factory.js';
import type { NewEvent } from '../../src/events/envelope.js';
import { prepareBatch } from '../../src/events/store/batch.js';
import { MemoryEventStore } from '../../src/events/store/memory/memory-event-store.js';
import { encodeBatchBytes } from '../../src/events/store/encoded-batch.js';
import type { AnchorStore, EventStore, SignedHead } from '../../src/events/store/port.js';
import { AppendThreadStore } from '../../src/events/store/sqlite/append-thread.js';
import { SqliteEventStore } from '../../src/events/store/sqlite/sqlite-event-store.js';
import { tempDir } from '../support.js';

const STREAM = 'run-anchoring-test';
const KEY = 'k'.repeat(32);
const event = (seq: number): NewEvent =>
  createEvent('CycleStarted', `anchoring-test:${seq}:1`, { cycleSeq: seq, killSwitch: false }, { runId: 'anchoring-test', mode: 'backtest', cycleId: `anchoring-test:c${seq}`, causationId: null, at: new Date(Date.UTC(2024, 0, 1) + seq * 60_000).toISOString() });

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()!();
});

/** A real log file with its real anchor table, written through an append thread (or not) and anchored every 3 events. */
function anchored(thread = true): { store: AnchoringStore; heads: () => Promise<SignedHead[]> } {
  const tmp = tempDir('anchoring-store-');
  cleanups.push(tmp.cleanup);
  const file = path.join(tmp.dir, 'events.db');
  const inner = SqliteEventStore.open(file);
  const anchors: AnchorStore = inner.anchors();
  const store = new AnchoringStore(thread ? new AppendThreadStore(inner, file) : inner, anchors, { key: KEY, witness: null, anchorEvery: 3 }, file, () => new Date(Date.UTC(2024, 5, 1)));
  return { store, heads: () => anchors.list() };
}

async function appendAll(store: EventStore, batches: number[][], how: 'append' | 'encoding' | 'bytes'): Promise<void> {
  let expected: number | 'no_stream' = 'no_stream';
  for (const seqs of batches) {
    const events = seqs.map(event);
    // Bytes: a batch another thread encoded (a sweep's worker), handed over whole.
    if (how === 'bytes') await store.appendEncoded!(STREAM, encodeBatchBytes(prepareBatch(STREAM, events)), expected);
    else if (how === 'encoding') {
      const batch = store.encoding!.startBatch();
      for (const e of events) batch.add(e);
      await batch.append(STREAM, expected);
    } else await store.append(STREAM, events, expected);
    expected = (expected === 'no_stream' ? -1 : expected) + seqs.length;
  }
}

describe('AnchoringStore over an append thread', () => {
  it("passes the thread's encoded batches through, and signs the same heads as for append()", async () => {
    const batches = [[1, 2], [3, 4], [5, 6], [7], [8, 9, 10]];
    const viaAppend = anchored();
    const viaEncoding = anchored();
    expect(viaEncoding.store.encoding).toBeDefined();
    await appendAll(viaAppend.store, batches, 'append');
    await appendAll(viaEncoding.store, batches, 'encoding');
    const before = (await viaEncoding.heads()).map((h) => h.position);
    expect(before).toEqual([4, 7, 10]);
    expect((await viaAppend.heads()).map((h) => h.position)).toEqual(before);
    expect(await viaEncoding.heads()).toEqual(await viaAppend.heads());
    await viaAppend.store.close();
    await viaEncoding.store.close();
  });

  it('passes batches encoded on another thread through, to an append thread or a plain SQLite store, and signs the same heads', async () => {
    const batches = [[1, 2], [3, 4], [5, 6], [7], [8, 9, 10]];
    const viaAppend = anchored(false);
    await appendAll(viaAppend.store, batches, 'append');
    expect((await viaAppend.heads()).map((h) => h.position)).toEqual([4, 7, 10]);
    for (const thread of [true, false]) {
      const viaBytes = anchored(thread);
      expect(viaBytes.store.appendEncoded).toBeDefined();
      await appendAll(viaBytes.store, batches, 'bytes');
      // The same heads (position, hash, time, mac): the same rows, chained alike, anchored at the same points.
      expect(await viaBytes.heads()).toEqual(await viaAppend.heads());
      await viaBytes.store.close();
    }
    await viaAppend.store.close();
  });

  it('offers no encoding, and no appends of encoded batches, over a store without them', () => {
    const tmp = tempDir('anchoring-store-plain-');
    cleanups.push(tmp.cleanup);
    const file = path.join(tmp.dir, 'events.db');
    const sqlite = SqliteEventStore.open(file);
    const store = new AnchoringStore(new MemoryEventStore(), sqlite.anchors(), { key: KEY, witness: null, anchorEvery: 3 }, file);
    expect(store.encoding).toBeUndefined();
    expect(store.appendEncoded).toBeUndefined();
    return Promise.all([store.close(), sqlite.close()]);
  });

  it("passes a plain SQLite store's encoding through, and signs the same heads as for append()", async () => {
    const batches = [[1, 2], [3, 4], [5, 6], [7], [8, 9, 10]];
    const viaAppend = anchored(false);
    const viaEncoding = anchored(false);
    expect(viaEncoding.store.encoding).toBeDefined();
    await appendAll(viaAppend.store, batches, 'append');
    await appendAll(viaEncoding.store, batches, 'encoding');
    expect((await viaEncoding.heads()).map((h) => h.position)).toEqual([4, 7, 10]);
    expect(await viaEncoding.heads()).toEqual(await viaAppend.heads());
    await viaAppend.store.close();
    await viaEncoding.store.close();
  });
});
