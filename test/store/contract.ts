import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventMetadata, NewEvent, StoredEvent } from '../../src/events/envelope.js';
import { canonicalJson } from '../../src/events/canonical.js';
import {
  EventValidationError,
  ExpectedVersionConflictError,
  IdempotencyConflictError,
  StoreUnavailableError,
} from '../../src/events/errors.js';
import { createEvent, toTypedEvent } from '../../src/events/event-factory.js';
import { computeHash, verifyChain, verifyRecords } from '../../src/events/hash-chain.js';
import type { EventStore } from '../../src/events/store/port.js';

export type StoreFactory = () => Promise<{ store: EventStore; cleanup: () => Promise<void> }>;

const metadata = (runId: string, i: number): EventMetadata => ({
  runId,
  mode: 'backtest',
  cycleId: `cycle-${i}`,
  causationId: null,
  at: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
});

function cycleStarted(runId: string, seq: number): NewEvent {
  return createEvent('CycleStarted', randomUUID(), { cycleSeq: seq, killSwitch: false }, metadata(runId, seq));
}

function snapshot(runId: string, seq: number): NewEvent {
  const close = (100 + seq / 100).toFixed(2);
  return createEvent(
    'MarketSnapshotRecorded',
    randomUUID(),
    {
      interval: '1m',
      bars: [{ symbol: 'BTCUSDT', openTime: metadata(runId, seq).at, open: '100.00', high: '101.5', low: '99.25', close, volume: '12.5' }],
    },
    metadata(runId, seq),
  );
}

/** Events of several types, so type filters have something to filter. */
function mixed(runId: string, n: number, offset = 0): NewEvent[] {
  return Array.from({ length: n }, (_, i) => ((i + offset) % 3 === 2 ? snapshot(runId, i + offset) : cycleStarted(runId, i + offset)));
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function expectRejection<E extends Error>(p: Promise<unknown>, type: new (...args: never[]) => E): Promise<E> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(type);
    return err as E;
  }
  throw new Error(`expected ${type.name}, but the call succeeded`);
}

async function waitFor(cond: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The envelope fields an appender chose, as they must read back (createEvent data is already normal). */
function written(e: NewEvent) {
  return { eventId: e.eventId, type: e.type, schemaVersion: e.schemaVersion, data: e.data, metadata: e.metadata };
}

function asWritten(e: StoredEvent) {
  return { eventId: e.eventId, type: e.type, schemaVersion: e.schemaVersion, data: e.data, metadata: e.metadata };
}

/**
 * The store port's contract (src/events/store/port.ts). It uses nothing but the port, so every adapter
 * runs the same suite. Streams are named after a fresh tag per test, and global reads start at the head
 * seen when the test began, so it also runs against a server that already holds other events.
 */
export function describeStoreContract(name: string, makeStore: StoreFactory): void {
  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    let cleanup: () => Promise<void>;
    let tag: string;
    const stream = (s: string) => `${tag}-${s}`;

    beforeEach(async () => {
      ({ store, cleanup } = await makeStore());
      tag = `t${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    });
    afterEach(async () => {
      await store.close();
      await cleanup();
    });

    /** Our streams' events after `from`, in global order. */
    const ours = async (from: number, options: { types?: string[] } = {}) =>
      (await collect(store.readAll({ fromPosition: from, ...options }))).filter((e) => e.stream.startsWith(tag));

    describe('append and read back', () => {
      it('stores a batch in order with dense versions from 0 and increasing positions', async () => {
        const batch = mixed(tag, 5);
        const r = await store.append(stream('a'), batch, 'no_stream');
        expect(r).toMatchObject({ nextExpectedVersion: 4, written: true });
        expect(r.lastPosition).toBeGreaterThan(r.firstPosition);
        const read = await collect(store.readStream(stream('a')));
        expect(read.map(asWritten)).toEqual(batch.map(written));
        expect(read.map((e) => e.streamVersion)).toEqual([0, 1, 2, 3, 4]);
        expect(read.every((e) => e.stream === stream('a'))).toBe(true);
        expect(read[0]!.globalPosition).toBe(r.firstPosition);
        expect(read[4]!.globalPosition).toBe(r.lastPosition);
        for (let i = 1; i < read.length; i++) expect(read[i]!.globalPosition).toBeGreaterThan(read[i - 1]!.globalPosition);
        expect(await store.streamVersion(stream('a'))).toBe(4);
        expect(await store.streamVersion(stream('never'))).toBe('no_stream');
        expect((await store.head()).position).toBe(r.lastPosition);
        expect((await store.head()).hash).toBe(read[4]!.hash);
      });

      it('reads a stream from a version, at most maxCount events', async () => {
        const batch = mixed(tag, 10);
        await store.append(stream('a'), batch, 'no_stream');
        const slice = await collect(store.readStream(stream('a'), { fromVersion: 3, maxCount: 4 }));
        expect(slice.map((e) => e.streamVersion)).toEqual([3, 4, 5, 6]);
        expect(slice.map((e) => e.eventId)).toEqual(batch.slice(3, 7).map((e) => e.eventId));
        expect(await collect(store.readStream(stream('a'), { fromVersion: 10 }))).toEqual([]);
        expect(await collect(store.readStream(stream('missing')))).toEqual([]);
      });

      it('reads the whole log after a position, with a types filter and maxCount', async () => {
        const start = (await store.head()).position;
        const a = mixed(tag, 6);
        const b = mixed(tag, 6, 1);
        const ra = await store.append(stream('a'), a, 'no_stream');
        await store.append(stream('b'), b, 'no_stream');
        const all = await ours(start);
        expect(all.map((e) => e.eventId)).toEqual([...a, ...b].map((e) => e.eventId));
        const afterA = await ours(ra.lastPosition);
        expect(afterA.map((e) => e.eventId)).toEqual(b.map((e) => e.eventId));
        const snaps = await ours(start, { types: ['MarketSnapshotRecorded'] });
        expect(snaps.map((e) => e.eventId)).toEqual([...a, ...b].filter((e) => e.type === 'MarketSnapshotRecorded').map((e) => e.eventId));
        expect(snaps.length).toBeGreaterThan(0);
        const two = await collect(store.readAll({ fromPosition: start, maxCount: 2 }));
        expect(two.map((e) => e.eventId)).toEqual(a.slice(0, 2).map((e) => e.eventId));
      });

      it('orders globalPosition by append order across interleaved streams', async () => {
        const start = (await store.head()).position;
        const expected: string[] = [];
        for (let i = 0; i < 6; i++) {
          const s = stream(i % 2 === 0 ? 'x' : 'y');
          const e = [cycleStarted(tag, i)];
          await store.append(s, e, 'any');
          expected.push(e[0]!.eventId);
        }
        const all = await ours(start);
        expect(all.map((e) => e.eventId)).toEqual(expected);
        for (let i = 1; i < all.length; i++) expect(all[i]!.globalPosition).toBeGreaterThan(all[i - 1]!.globalPosition);
      });

      it('lists streams by prefix in order of first appearance', async () => {
        await store.append(stream('run-b'), [cycleStarted(tag, 0)], 'any');
        await store.append(stream('other'), [cycleStarted(tag, 1)], 'any');
        await store.append(stream('run-a'), [cycleStarted(tag, 2)], 'any');
        await store.append(stream('run-b'), [cycleStarted(tag, 3)], 'any');
        expect(await store.listStreams(stream('run-'))).toEqual([stream('run-b'), stream('run-a')]);
        expect(await store.listStreams(`${tag}-`)).toEqual([stream('run-b'), stream('other'), stream('run-a')]);
      });
    });

    describe('expectedVersion', () => {
      it("'no_stream' succeeds on a new stream and conflicts on an existing one with its actual version", async () => {
        await store.append(stream('a'), mixed(tag, 2), 'no_stream');
        const err = await expectRejection(store.append(stream('a'), mixed(tag, 1), 'no_stream'), ExpectedVersionConflictError);
        expect(err).toMatchObject({ stream: stream('a'), expected: 'no_stream', actual: 1 });
      });

      it('an exact version succeeds when it matches and conflicts when stale or when the stream is missing', async () => {
        await store.append(stream('a'), mixed(tag, 3), 'no_stream');
        const r = await store.append(stream('a'), mixed(tag, 2, 3), 2);
        expect(r.nextExpectedVersion).toBe(4);
        const stale = await expectRejection(store.append(stream('a'), mixed(tag, 1), 2), ExpectedVersionConflictError);
        expect(stale).toMatchObject({ stream: stream('a'), expected: 2, actual: 4 });
        const ahead = await expectRejection(store.append(stream('a'), mixed(tag, 1), 9), ExpectedVersionConflictError);
        expect(ahead).toMatchObject({ expected: 9, actual: 4 });
        const missing = await expectRejection(store.append(stream('b'), mixed(tag, 1), 0), ExpectedVersionConflictError);
        expect(missing).toMatchObject({ stream: stream('b'), expected: 0, actual: 'no_stream' });
      });

      it("'stream_exists' conflicts on a missing stream and succeeds on an existing one", async () => {
        const err = await expectRejection(store.append(stream('a'), mixed(tag, 1), 'stream_exists'), ExpectedVersionConflictError);
        expect(err).toMatchObject({ stream: stream('a'), expected: 'stream_exists', actual: 'no_stream' });
        await store.append(stream('a'), mixed(tag, 1), 'no_stream');
        expect((await store.append(stream('a'), mixed(tag, 1), 'stream_exists')).nextExpectedVersion).toBe(1);
      });

      it("'any' appends whether or not the stream exists", async () => {
        expect((await store.append(stream('a'), mixed(tag, 2), 'any')).nextExpectedVersion).toBe(1);
        expect((await store.append(stream('a'), mixed(tag, 2), 'any')).nextExpectedVersion).toBe(3);
      });
    });

    describe('idempotency', () => {
      it('re-appending a stored batch is a no-op that returns the originals, even with a now-stale expected version', async () => {
        const batch = mixed(tag, 3);
        const first = await store.append(stream('a'), batch, 'no_stream');
        await store.append(stream('a'), mixed(tag, 1, 3), 2);
        const head = await store.head();
        for (const expected of ['no_stream', 'any', 3] as const) {
          const again = await store.append(stream('a'), batch, expected);
          expect(again).toEqual({ nextExpectedVersion: 3, firstPosition: first.firstPosition, lastPosition: first.lastPosition, written: false });
        }
        expect(await store.head()).toEqual(head);
        expect((await collect(store.readStream(stream('a')))).length).toBe(4);
      });

      it('a batch that repeats only some stored ids is refused with IdempotencyConflictError and writes nothing', async () => {
        const batch = mixed(tag, 3);
        await store.append(stream('a'), batch, 'no_stream');
        const head = await store.head();
        const fresh = mixed(tag, 2, 3);
        const err = await expectRejection(store.append(stream('a'), [batch[2]!, ...fresh], 2), IdempotencyConflictError);
        expect(err.stream).toBe(stream('a'));
        expect(err.eventIds).toEqual([batch[2]!.eventId]);
        expect(await store.head()).toEqual(head);
        expect(await store.streamVersion(stream('a'))).toBe(2);
        // The fresh events were not stored: appending them alone now works.
        expect((await store.append(stream('a'), fresh, 2)).written).toBe(true);
      });
    });

    describe('a batch is atomic', () => {
      it('one invalid event rejects the whole batch: nothing stored, head unchanged', async () => {
        await store.append(stream('a'), mixed(tag, 1), 'no_stream');
        const head = await store.head();
        const good = mixed(tag, 2, 1);
        const bad: NewEvent = { ...cycleStarted(tag, 9), data: { cycleSeq: -1 } };
        const err = await expectRejection(store.append(stream('a'), [...good, bad], 0), EventValidationError);
        expect(err).toMatchObject({ eventType: 'CycleStarted', eventId: bad.eventId });
        expect(err.detail).toContain('cycleSeq');
        expect(await store.head()).toEqual(head);
        expect(await store.streamVersion(stream('a'))).toBe(0);
        const unknownType: NewEvent = { ...cycleStarted(tag, 9), type: 'NoSuchThing' };
        await expectRejection(store.append(stream('a'), [...good, unknownType], 0), EventValidationError);
        const badMetadata = { ...cycleStarted(tag, 9), metadata: { ...metadata(tag, 0), at: 'yesterday' } };
        await expectRejection(store.append(stream('a'), [...good, badMetadata], 0), EventValidationError);
        const twice = cycleStarted(tag, 5);
        await expectRejection(store.append(stream('a'), [twice, twice], 0), EventValidationError);
        expect(await store.head()).toEqual(head);
        expect((await store.append(stream('a'), good, 0)).written).toBe(true);
      });

      it('a version conflict rejects the whole batch: nothing stored, head unchanged', async () => {
        await store.append(stream('a'), mixed(tag, 2), 'no_stream');
        const head = await store.head();
        const batch = mixed(tag, 4, 2);
        await expectRejection(store.append(stream('a'), batch, 0), ExpectedVersionConflictError);
        expect(await store.head()).toEqual(head);
        expect(await store.streamVersion(stream('a'))).toBe(1);
        expect((await store.append(stream('a'), batch, 1)).written).toBe(true);
      });
    });

    describe('hash chain', () => {
      it('verifies after many appends across streams', async () => {
        for (let i = 0; i < 30; i++) await store.append(stream(`s${i % 4}`), mixed(tag, 1 + (i % 3), i), 'any');
        const verdict = await verifyChain(store.readAll(), { contiguousPositions: store.kind !== 'esdb' });
        expect(verdict.firstBreak).toBeNull();
        expect(verdict.ok).toBe(true);
        expect(verdict.lastHash).toBe((await store.head()).hash);
        expect(verdict.lastPosition).toBe((await store.head()).position);
      });

      it('links each event to the one stored before it', async () => {
        const start = await store.head();
        await store.append(stream('a'), mixed(tag, 2), 'any');
        await store.append(stream('b'), mixed(tag, 2), 'any');
        const all = await collect(store.readAll({ fromPosition: start.position }));
        expect(all[0]!.prevHash).toBe(start.hash);
        for (let i = 1; i < all.length; i++) expect(all[i]!.prevHash).toBe(all[i - 1]!.hash);
      });
    });

    describe('stored bytes', () => {
      it('readRecords gives each event as stored: the canonical bytes that were hashed, byte for byte', async () => {
        const start = await store.head();
        // Keys in a non-sorted order, a decimal spelled two ways, an old schema version stored as given.
        const v1 = { qty: '0.50', clientOrderId: 'c-1', venueOrderId: null, fillId: 'f-1', symbol: 'BTCUSDT', side: 'BUY', price: '42000.10', fee: '0.2' };
        const old: NewEvent = { eventId: randomUUID(), type: 'OrderFilled', schemaVersion: 1, data: v1, metadata: metadata(tag, 3) };
        const fresh: NewEvent = { eventId: randomUUID(), type: 'CycleStarted', schemaVersion: 1, data: { cycleSeq: 4 }, metadata: { at: metadata(tag, 4).at, runId: tag, mode: 'backtest', causationId: null, cycleId: 'c' } as EventMetadata };
        await store.append(stream('a'), [...mixed(tag, 3), old, fresh], 'no_stream');
        const records = (await collect(store.readRecords({ fromPosition: start.position }))).filter((r) => r.stream.startsWith(tag));
        const events = (await collect(store.readAll({ fromPosition: start.position }))).filter((e) => e.stream.startsWith(tag));
        expect(records.map((r) => r.globalPosition)).toEqual(events.map((e) => e.globalPosition));
        for (const [i, r] of records.entries()) {
          const e = events[i]!;
          expect(r.dataJson).toBe(canonicalJson(e.data));
          expect(r.metadataJson).toBe(canonicalJson(e.metadata));
          expect(JSON.parse(r.dataJson)).toEqual(e.data);
          expect(computeHash(r)).toBe(e.hash);
          expect([r.hash, r.prevHash, r.eventId, r.type, r.schemaVersion, r.stream, r.streamVersion]).toEqual([e.hash, e.prevHash, e.eventId, e.type, e.schemaVersion, e.stream, e.streamVersion]);
        }
        // The old-version event keeps its own spelling; the validated one is stored in normal form.
        expect(JSON.parse(records[3]!.dataJson)).toEqual(v1);
        const verdict = await verifyRecords(store.readRecords({ fromPosition: start.position }), {
          start: { prevHash: start.hash, position: start.position },
          contiguousPositions: store.kind !== 'esdb',
        });
        expect(verdict).toMatchObject({ ok: true, firstBreak: null, nonCanonical: { count: 0 } });
        expect(verdict.lastHash).toBe((await store.head()).hash);
      });
    });

    describe('snapshot', () => {
      it('sees exactly the log as it was when taken, whatever is appended after', async () => {
        await store.append(stream('a'), mixed(tag, 4), 'no_stream');
        await store.append(stream('b'), mixed(tag, 2, 4), 'no_stream');
        const head = await store.head();
        const before = await ours(0);
        const snap = await store.snapshot();
        try {
          expect(snap.at).toEqual(head);
          const later = mixed(tag, 3, 6);
          await store.append(stream('a'), later, 3);
          await store.append(stream('c'), mixed(tag, 2, 9), 'no_stream');
          expect((await store.head()).position).toBeGreaterThan(head.position);

          expect(await snap.head()).toEqual(head);
          const seen = (await collect(snap.readAll())).filter((e) => e.stream.startsWith(tag));
          expect(seen.map((e) => e.eventId)).toEqual(before.map((e) => e.eventId));
          const records = (await collect(snap.readRecords())).filter((r) => r.stream.startsWith(tag));
          expect(records.map((r) => r.eventId)).toEqual(before.map((e) => e.eventId));
          expect((await collect(snap.readStream(stream('a')))).map((e) => e.streamVersion)).toEqual([0, 1, 2, 3]);
          expect(await snap.streamVersion(stream('a'))).toBe(3);
          expect(await snap.streamVersion(stream('c'))).toBe('no_stream');
          expect(await snap.listStreams(`${tag}-`)).toEqual([stream('a'), stream('b')]);
          expect(await collect(snap.readAll({ fromPosition: head.position }))).toEqual([]);
          await expect(snap.append(stream('a'), mixed(tag, 1, 20), 'any')).rejects.toBeInstanceOf(StoreUnavailableError);
          expect(await snap.snapshot()).toBe(snap);

          // A subscription on the snapshot delivers what it holds, and nothing appended later.
          const delivered: string[] = [];
          let caughtUp = false;
          const sub = snap.subscribeAll((e) => void (e.stream.startsWith(tag) && delivered.push(e.eventId)), { pollIntervalMs: 10, onCaughtUp: () => (caughtUp = true) });
          await waitFor(() => caughtUp, 'catch-up of the snapshot');
          await store.append(stream('b'), mixed(tag, 1, 30), 1);
          await new Promise((r) => setTimeout(r, 60));
          await sub.stop();
          expect(delivered).toEqual(before.map((e) => e.eventId));
        } finally {
          await snap.close();
        }
        // Closing the snapshot leaves the store open, and the store sees everything.
        expect((await ours(0)).length).toBe(before.length + 3 + 2 + 1);
      });
    });

    describe('catch-up subscription', () => {
      it('delivers stored events, then new ones, in order, exactly once', async () => {
        const start = (await store.head()).position;
        const before = mixed(tag, 7);
        await store.append(stream('a'), before, 'no_stream');
        const seen: StoredEvent[] = [];
        let caughtUpAt = -1;
        const sub = store.subscribeAll(
          (e) => {
            if (e.stream.startsWith(tag)) seen.push(e);
          },
          { fromPosition: start, pollIntervalMs: 10, onCaughtUp: () => (caughtUpAt = seen.length) },
        );
        await waitFor(() => caughtUpAt >= 0, 'catch-up');
        expect(caughtUpAt).toBe(before.length);
        const after1 = mixed(tag, 3, 7);
        const after2 = mixed(tag, 2, 10);
        await store.append(stream('b'), after1, 'no_stream');
        await store.append(stream('a'), after2, 6);
        const all = [...before, ...after1, ...after2];
        await waitFor(() => seen.length >= all.length, 'new events');
        await new Promise((r) => setTimeout(r, 40)); // a duplicate would arrive within a few polls
        await sub.stop();
        expect(seen.map((e) => e.eventId)).toEqual(all.map((e) => e.eventId));
        for (let i = 1; i < seen.length; i++) expect(seen[i]!.globalPosition).toBeGreaterThan(seen[i - 1]!.globalPosition);
        await sub.done;
      });

      it('filters by type, honours maxCount, and fails `done` when the handler throws', async () => {
        const start = (await store.head()).position;
        await store.append(stream('a'), mixed(tag, 9), 'no_stream');
        const snaps: string[] = [];
        const filtered = store.subscribeAll((e) => void snaps.push(e.type), {
          fromPosition: start,
          types: ['MarketSnapshotRecorded'],
          maxCount: 2,
          pollIntervalMs: 10,
        });
        await filtered.done;
        expect(snaps).toEqual(['MarketSnapshotRecorded', 'MarketSnapshotRecorded']);
        const failing = store.subscribeAll(
          () => {
            throw new Error('handler broke');
          },
          { fromPosition: start, pollIntervalMs: 10 },
        );
        await expect(failing.done).rejects.toThrow('handler broke');
        await failing.stop();
      });
    });

    describe('schema evolution', () => {
      it('keeps an OrderFilled stored at schemaVersion 1 as written and upcasts it through toTypedEvent', async () => {
        const v1 = {
          clientOrderId: 'c-1',
          venueOrderId: null,
          fillId: 'f-1',
          symbol: 'BTCUSDT',
          side: 'BUY',
          qty: '0.5',
          price: '42000.1',
          fee: '0.21',
        };
        const event: NewEvent = { eventId: randomUUID(), type: 'OrderFilled', schemaVersion: 1, data: v1, metadata: metadata(tag, 1) };
        await store.append(stream('orders'), [event], 'no_stream');
        const [stored] = await collect(store.readStream(stream('orders')));
        expect(stored!.schemaVersion).toBe(1);
        expect(stored!.data).toEqual(v1);
        const typed = toTypedEvent(stored!);
        expect(typed.schemaVersion).toBe(3);
        expect(typed.type).toBe('OrderFilled');
        if (typed.type !== 'OrderFilled') throw new Error('narrowing');
        expect(typed.data).toMatchObject({ ...v1, feeAsset: 'QUOTE', liquidity: 'UNKNOWN', time: null });
        const bad: NewEvent = { ...event, eventId: randomUUID(), data: { ...v1, qty: '-1' } };
        await expectRejection(store.append(stream('orders'), [bad], 0), EventValidationError);
      });
    });

    describe('properties', () => {
      type Cmd = { stream: number; size: number; mode: 'exact' | 'any' | 'stale' | 'retry' };
      const cmd = fc.record({
        stream: fc.integer({ min: 0, max: 2 }),
        size: fc.integer({ min: 1, max: 4 }),
        mode: fc.constantFrom<Cmd['mode']>('exact', 'any', 'stale', 'retry'),
      });

      it('random interleavings of appends keep per-stream versions dense and the chain valid', async () => {
        await fc.assert(
          fc.asyncProperty(fc.array(cmd, { minLength: 1, maxLength: 20 }), async (cmds) => {
            const run = `${tag}-p${randomUUID().slice(0, 8)}`;
            const start = await store.head();
            const model = new Map<number, string[]>();
            let last: { stream: number; batch: NewEvent[] } | null = null;
            let seq = 0;
            for (const c of cmds) {
              const name = `${run}-s${c.stream}`;
              const ids = model.get(c.stream) ?? [];
              const version = ids.length - 1;
              if (c.mode === 'retry' && last) {
                const r = await store.append(`${run}-s${last.stream}`, last.batch, 'any');
                expect(r.written).toBe(false);
                continue;
              }
              const batch = mixed(run, c.size, (seq += c.size));
              if (c.mode === 'stale') {
                const err = await expectRejection(store.append(name, batch, version + 1), ExpectedVersionConflictError);
                expect(err.actual).toBe(version < 0 ? 'no_stream' : version);
                continue;
              }
              const expected = c.mode === 'any' ? 'any' : version < 0 ? 'no_stream' : version;
              const r = await store.append(name, batch, expected);
              expect(r.nextExpectedVersion).toBe(version + c.size);
              model.set(c.stream, [...ids, ...batch.map((e) => e.eventId)]);
              last = { stream: c.stream, batch };
            }
            for (const [s, ids] of model) {
              const read = await collect(store.readStream(`${run}-s${s}`));
              expect(read.map((e) => e.eventId)).toEqual(ids);
              expect(read.map((e) => e.streamVersion)).toEqual(ids.map((_, i) => i));
            }
            const total = [...model.values()].reduce((n, ids) => n + ids.length, 0);
            const verdict = await verifyChain(store.readAll({ fromPosition: start.position }), {
              start: { prevHash: start.hash, position: start.position },
              contiguousPositions: store.kind !== 'esdb',
            });
            expect(verdict.ok).toBe(true);
            const mine = (await collect(store.readAll({ fromPosition: start.position }))).filter((e) => e.stream.startsWith(run));
            expect(mine.length).toBe(total);
          }),
          { numRuns: 15 },
        );
      });
    });
  });
}
