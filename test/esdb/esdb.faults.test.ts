import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { NewEvent, StoredEvent } from '../../src/events/envelope.js';
import { StoreUnavailableError } from '../../src/events/errors.js';
import { createEvent } from '../../src/events/event-factory.js';
import { verifyChain } from '../../src/events/hash-chain.js';
import { EsdbDeadlineExceededError, openEsdbStore, type EsdbEventStore } from '../../src/events/store/esdb/index.js';
import { CHAIN_STREAM } from '../../src/events/store/esdb/chain-records.js';
import { EsdbStandIn, StandInLog } from '../support/esdb-standin/index.js';

/** Faults the adapter must survive, staged on the stand-in (they cannot be staged on a real server in CI). */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

async function node(options: Parameters<typeof EsdbStandIn.start>[0] = {}): Promise<EsdbStandIn> {
  const n = await EsdbStandIn.start(options);
  cleanups.push(() => n.stop());
  return n;
}

async function open(target: string, options: Parameters<typeof openEsdbStore>[1] = {}): Promise<EsdbEventStore> {
  const s = await openEsdbStore(target, { deadlineMs: 2_000, ...options });
  cleanups.push(() => s.close());
  return s;
}

function batch(n: number, runId = 'run-f'): NewEvent[] {
  return Array.from({ length: n }, (_, i) =>
    createEvent('CycleStarted', randomUUID(), { cycleSeq: i, killSwitch: false }, { runId, mode: 'backtest', cycleId: `c-${i}`, causationId: null, at: '2024-01-01T00:00:00.000Z' }),
  );
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection, but the call succeeded');
}

const ids = (events: readonly { eventId: string }[]) => events.map((e) => e.eventId);

describe.each([true, false])('EsdbEventStore under faults (batchAppend: %s)', (batchAppend) => {
  it.each(['before-write', 'after-write'] as const)(
    'the server going away mid-append (%s) surfaces StoreUnavailableError, leaves all or nothing, and the retry completes once',
    async (when) => {
      const n = await node({ batchAppend });
      const store = await open(n.connectionString);
      await store.append('run-a', batch(2), 'no_stream');
      const b = batch(3);
      n.faults.dropConnectionsOnAppend = { stream: 'run-a', when };
      const err = await rejection(store.append('run-a', b, 1));
      expect(err).toBeInstanceOf(StoreUnavailableError);
      await n.restart();
      const stored = await collect(store.readStream('run-a'));
      const mine = stored.filter((e) => ids(b).includes(e.eventId));
      expect(mine.length).toBe(when === 'before-write' ? 0 : 3);
      // The engine retries the same batch: stored exactly once either way, chain intact.
      const retry = await store.append('run-a', b, 1);
      expect(retry.written).toBe(when === 'before-write');
      expect(ids(await collect(store.readStream('run-a'))).slice(2)).toEqual(ids(b));
      const verdict = await verifyChain(store.readAll(), { contiguousPositions: false });
      expect(verdict).toMatchObject({ ok: true, eventsChecked: 5 });
    },
  );

  it('a connection lost right after the chain-head claim is resumed by the retry', async () => {
    const n = await node({ batchAppend });
    const store = await open(n.connectionString);
    const b = batch(2);
    n.faults.dropConnectionsOnAppend = { stream: CHAIN_STREAM, when: 'after-write' };
    expect(await rejection(store.append('run-a', b, 'no_stream'))).toBeInstanceOf(StoreUnavailableError);
    await n.restart();
    expect(await store.streamVersion('run-a')).toBe('no_stream');
    expect((await store.append('run-a', b, 'no_stream')).written).toBe(true);
    expect((await verifyChain(store.readAll(), { contiguousPositions: false })).ok).toBe(true);
  });

  it('a writer that vanished after its claim is passed over once the lease expires; the chain stays whole', async () => {
    const n = await node({ batchAppend });
    const a = await open(n.connectionString);
    const b = await open(n.connectionString, { claimLeaseMs: 150 });
    await a.append('run-a', batch(1), 'no_stream');
    const orphan = batch(2);
    n.faults.dropConnectionsOnAppend = { stream: 'run-a', when: 'before-write' };
    expect(await rejection(a.append('run-a', orphan, 0))).toBeInstanceOf(StoreUnavailableError);
    await n.restart();
    const started = Date.now();
    await b.append('run-b', batch(2, 'run-b'), 'no_stream');
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    // The vanished writer comes back and retries: its claim is stale now, so it claims afresh.
    expect((await a.append('run-a', orphan, 0)).written).toBe(true);
    const verdict = await verifyChain(b.readAll(), { contiguousPositions: false });
    expect(verdict).toMatchObject({ ok: true, eventsChecked: 5 });
  });

  it("a follower's not-leader answer is followed to the leader and the append retried", async () => {
    const log = new StandInLog();
    const leader = await node({ log, batchAppend });
    const follower = await node({ log, batchAppend, role: 'follower', leader: () => ({ host: '127.0.0.1', port: leader.port }) });
    const store = await open(follower.connectionString);
    const r = await store.append('run-a', batch(3), 'no_stream');
    expect(r.written).toBe(true);
    expect(follower.notLeaderAnswers).toBeGreaterThanOrEqual(1);
    expect(leader.appendCalls).toBeGreaterThanOrEqual(2); // the claim and the batch
    expect(ids(await collect(store.readStream('run-a'))).length).toBe(3);
  });

  it('esdb+discover:// asks gossip and connects to the leader', async () => {
    const log = new StandInLog();
    const leader = await node({ log, batchAppend });
    const follower = await node({ log, batchAppend, role: 'follower', leader: () => ({ host: '127.0.0.1', port: leader.port }) });
    const store = await open(`esdb+discover://127.0.0.1:${follower.port}?tls=false`);
    expect((await store.append('run-a', batch(1), 'no_stream')).written).toBe(true);
    expect(follower.notLeaderAnswers).toBe(0);
  });

  it('a server that stops answering appends gives a typed deadline error, not a hang and not a success', async () => {
    const n = await node({ batchAppend });
    const store = await open(n.connectionString, { deadlineMs: 300 });
    await store.append('run-a', batch(1), 'no_stream');
    n.faults.stallAppends = true;
    const started = Date.now();
    const err = await rejection(store.append('run-a', batch(1), 0));
    expect(err).toBeInstanceOf(EsdbDeadlineExceededError);
    expect(err).toBeInstanceOf(StoreUnavailableError);
    expect(Date.now() - started).toBeLessThan(3_000);
    n.faults.stallAppends = false;
    expect((await store.append('run-a', batch(1), 0)).written).toBe(true);
  });

  it('a live subscription resumes after the node restarts, without loss or duplicates', async () => {
    const n = await node({ batchAppend });
    const store = await open(n.connectionString);
    const seen: StoredEvent[] = [];
    let caughtUp = false;
    const sub = store.subscribeAll((e) => void seen.push(e), { onCaughtUp: () => (caughtUp = true) });
    const first = batch(2);
    await store.append('run-a', first, 'no_stream');
    while (seen.length < 2 || !caughtUp) await new Promise((r) => setTimeout(r, 10));
    n.kill();
    await new Promise((r) => setTimeout(r, 150));
    await n.restart();
    const second = batch(3);
    await store.append('run-a', second, 1);
    const until = Date.now() + 10_000;
    while (seen.length < 5 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50));
    await sub.stop();
    expect(ids(seen)).toEqual(ids([...first, ...second]));
  });

  it('a live subscription fails `done` with StoreUnavailableError when the server stays away', async () => {
    const n = await node({ batchAppend });
    const store = await open(n.connectionString, { subscriptionRetries: 2 });
    const seen: StoredEvent[] = [];
    let caughtUp = false;
    const sub = store.subscribeAll((e) => void seen.push(e), { onCaughtUp: () => (caughtUp = true) });
    await store.append('run-a', batch(2), 'no_stream');
    while (seen.length < 2 || !caughtUp) await new Promise((r) => setTimeout(r, 10));
    n.kill();
    await expect(sub.done).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});

describe('EsdbEventStore with several writers', () => {
  it('concurrent writers on one log take turns on the chain head: every batch stored once, one unbroken chain', async () => {
    const n = await node();
    const writers = await Promise.all([0, 1, 2].map(() => open(n.connectionString)));
    const perWriter = 8;
    await Promise.all(
      writers.map(async (w, i) => {
        let version: number | 'no_stream' = 'no_stream';
        for (let k = 0; k < perWriter; k++) {
          const r = await w.append(`run-w${i}`, batch(1 + (k % 3), `run-w${i}`), version);
          version = r.nextExpectedVersion;
        }
      }),
    );
    const all = await collect(writers[0]!.readAll());
    const expectedCount = 3 * Array.from({ length: perWriter }, (_, k) => 1 + (k % 3)).reduce((a, b) => a + b, 0);
    expect(all.length).toBe(expectedCount);
    expect(new Set(ids(all)).size).toBe(expectedCount);
    const verdict = await verifyChain(all, { contiguousPositions: false });
    expect(verdict.firstBreak).toBeNull();
    expect(await writers[1]!.listStreams('run-w')).toHaveLength(3);
  });
});
