import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { copyLog, NotAPrefixError } from '../../src/cli/log-ops/copy-log.js';
import type { EventMetadata, NewEvent } from '../../src/events/envelope.js';
import { createEvent } from '../../src/events/event-factory.js';
import type { StoredRecord } from '../../src/events/hash-chain.js';
import { MemoryEventStore } from '../../src/events/store/memory/memory-event-store.js';
import type { EventStore } from '../../src/events/store/port.js';
import { SqliteEventStore } from '../../src/events/store/sqlite/sqlite-event-store.js';
import { tempDir } from '../support.js';

/**
 * copyLog (src/cli/log-ops/copy-log.ts) in process, with a destination that fails at an arbitrary append
 * (what a kill or a lost server does): what it leaves is whole batches, a prefix of the source ending at
 * an event of it, and a second pass copies exactly the rest.
 */
const tmp = tempDir('engine-copy-log-');
afterAll(() => tmp.cleanup());
let seq = 0;

const meta = (i: number): EventMetadata => ({ runId: 'r', mode: 'live', cycleId: null, causationId: null, at: new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString() });

/** A log of streams interleaved in runs of random length. */
async function sourceLog(runs: ReadonlyArray<{ stream: number; events: number }>): Promise<MemoryEventStore> {
  const store = new MemoryEventStore();
  let n = 0;
  for (const run of runs) {
    const stream = `s-${run.stream}`;
    const events: NewEvent[] = Array.from({ length: run.events }, () => {
      n++;
      return createEvent('CycleStarted', `e-${n}`, { cycleSeq: n, killSwitch: n % 3 === 0 }, meta(n));
    });
    const v = await store.streamVersion(stream);
    await store.append(stream, events, v);
  }
  return store;
}

/** Fails its `failAt`-th append (1-based) before anything of it is written. */
class FailingStore {
  appends = 0;
  readonly calls: Array<{ stream: string; ids: string[] }> = [];
  constructor(
    private readonly inner: EventStore,
    private readonly failAt: number,
  ) {
    return new Proxy(this, {
      get: (target, prop, receiver) => {
        if (prop === 'append') {
          return async (...args: Parameters<EventStore['append']>) => {
            target.appends++;
            target.calls.push({ stream: args[0], ids: args[1].map((e) => e.eventId) });
            if (target.appends === target.failAt) throw new Error('the process died here');
            return inner.append(...args);
          };
        }
        if (prop in target) return Reflect.get(target, prop, receiver);
        const v = Reflect.get(inner, prop) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(inner) : v;
      },
    });
  }
}

async function records(store: EventStore): Promise<StoredRecord[]> {
  const out: StoredRecord[] = [];
  for await (const r of store.readRecords()) out.push(r);
  return out;
}

describe('copyLog', () => {
  it('after a failure at any append, the destination is whole batches of the source, and a rerun completes it exactly', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ stream: fc.integer({ min: 0, max: 3 }), events: fc.integer({ min: 1, max: 12 }) }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 40 }),
        async (runs, batchSize, failAt) => {
          const source = await sourceLog(runs);
          const expected = await records(source);
          const db = path.join(tmp.dir, `dest-${++seq}.db`);
          const dest = SqliteEventStore.open(db);
          try {
            const snapshot = await source.snapshot();
            const failing = new FailingStore(dest, failAt) as unknown as EventStore;
            const first = await copyLog(snapshot, failing, { batchSize }).then(
              () => null,
              (err: Error) => err,
            );
            const partial = await records(dest);
            expect(partial).toEqual(expected.slice(0, partial.length));
            if (first === null) expect(partial).toHaveLength(expected.length);
            else expect(first.message).toBe('the process died here');

            const progress: number[] = [];
            const watched = new FailingStore(dest, 0);
            const second = await copyLog(snapshot, watched as unknown as EventStore, { batchSize, onProgress: (done) => progress.push(done) });
            expect(second).toMatchObject({ total: expected.length, alreadyPresent: partial.length, copied: expected.length - partial.length });
            expect(await records(dest)).toEqual(expected);
            expect(progress.at(-1)).toBe(expected.length);
            // One append per batch: never more events than asked for, all of one stream, in global order.
            expect(watched.calls).toHaveLength(second.batches);
            expect(watched.calls.flatMap((c) => c.ids)).toEqual(expected.slice(partial.length).map((r) => r.eventId));
            for (const c of watched.calls) {
              expect(c.ids.length).toBeLessThanOrEqual(batchSize);
              expect(new Set(expected.filter((r) => c.ids.includes(r.eventId)).map((r) => r.stream))).toEqual(new Set([c.stream]));
            }
            await snapshot.close();
          } finally {
            await dest.close();
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('refuses a destination that holds another log, writing nothing', async () => {
    const source = await sourceLog([{ stream: 0, events: 5 }]);
    const other = await sourceLog([{ stream: 1, events: 3 }]);
    const snapshot = await source.snapshot();
    const before = await records(other);
    await expect(copyLog(snapshot, other, { batchSize: 10 })).rejects.toBeInstanceOf(NotAPrefixError);
    expect(await records(other)).toEqual(before);
  });
});
