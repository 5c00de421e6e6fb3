import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultEngineConfig } from '../../src/engine/config/schema.js';
import type { NewEvent } from '../../src/events/envelope.js';
import { EventValidationError } from '../../src/events/errors.js';
import { validatedDataJson, validatedMetadataJson } from '../../src/events/event-factory.js';
import type { ExpectedVersion } from '../../src/events/errors.js';
import { MemoryEventStore } from '../../src/events/store/memory/memory-event-store.js';
import type { EventStore } from '../../src/events/store/port.js';
import { SqliteEventStore } from '../../src/events/store/sqlite/sqlite-event-store.js';
import { runBacktest } from '../../src/replay/backtest/run-backtest.js';
import { appendEncodedBatch, encodingSender, eventsOfEncoded } from '../../src/replay/sweep/batch-transport.js';
import { jobRequest, StrategyCache, type SweepSpec } from '../../src/replay/sweep/sweep-job.js';
import { tempDir } from '../support.js';

const config = defaultEngineConfig();
const spec: SweepSpec = {
  data: [{ symbol: 'SYN', spec: 'synthetic:bars=3000,interval=1h,seed=37', reference: 'synthetic:bars=3000,interval=1h,seed=37' }],
  tz: 'UTC', strategy: 'sma-cross', baseParams: {}, quoteAsset: 'USD', seed: '1', fill: 'next-open', feeBps: '10', slippageBps: '5', participationCap: null,
  initialCash: '100000', qtyStep: '0.0001', minNotional: '10', priceTick: '0.01', risk: { ...config.risk, rateLimit: null }, eventsMode: 'full', packageVersion: 'test', gitCommit: null,
};

/** The batches a real backtest appends (every event type a run writes), each as the engine made it. */
async function recordedBatches(): Promise<Array<{ stream: string; events: NewEvent[] }>> {
  const inner = new MemoryEventStore();
  const batches: Array<{ stream: string; events: NewEvent[] }> = [];
  const store = new Proxy(inner, {
    get(target, key, receiver) {
      if (key === 'append') return (stream: string, events: NewEvent[], expected: never) => (batches.push({ stream, events: [...events] }), target.append(stream, events, expected));
      return Reflect.get(target, key, receiver) as unknown;
    },
  }) as EventStore;
  const { req } = await jobRequest(spec, { id: 0, params: { fast: '5', slow: '20' }, window: null }, new StrategyCache());
  await runBacktest(store, req);
  return batches;
}

const cleanups: Array<() => void> = [];
afterEach(() => {
  while (cleanups.length > 0) cleanups.pop()!();
});

/** What a worker sends for each batch: its run log's events added to the encoding one by one, as a run adds them. */
async function encodedAsAWorkerDoes(batches: Array<{ stream: string; events: NewEvent[] }>): Promise<Array<{ stream: string; bytes: Uint8Array }>> {
  const sent: Array<{ stream: string; bytes: Uint8Array }> = [];
  const sender = encodingSender(async (stream, bytes) => {
    sent.push({ stream, bytes });
    return { nextExpectedVersion: 0, firstPosition: 0, lastPosition: 0, written: false };
  });
  for (const b of batches) {
    const batch = sender.startBatch();
    for (const e of b.events) batch.add(e);
    expect(batch.length).toBe(b.events.length);
    await batch.append(b.stream, 'any');
  }
  return sent;
}

async function appendInTurn(store: EventStore, batches: Array<{ stream: string; events: NewEvent[] }>, sent: Array<{ stream: string; bytes: Uint8Array }> | null): Promise<void> {
  const versions = new Map<string, number>();
  for (let i = 0; i < batches.length; i++) {
    const { stream, events } = batches[i]!;
    const v = versions.get(stream);
    const expected: ExpectedVersion = v === undefined ? 'no_stream' : v;
    if (sent === null) await store.append(stream, events, expected);
    else await appendEncodedBatch(store, sent[i]!.stream, sent[i]!.bytes, expected);
    versions.set(stream, (v ?? -1) + events.length);
  }
}

async function records(store: EventStore): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const r of store.readRecords()) out.push(r);
  return out;
}

describe('a sweep batch crossing from a worker to the writer', () => {
  it('is written by a SQLite store as the worker encoded it: the same rows, hashes and positions as a direct append', async () => {
    const batches = await recordedBatches();
    const types = new Set(batches.flatMap((b) => b.events.map((e) => e.type)));
    expect(types).toContain('OrderFilled');
    expect(types).toContain('MarketSnapshotRecorded');
    const sent = await encodedAsAWorkerDoes(batches);
    expect(sent.map((s) => s.stream)).toEqual(batches.map((b) => b.stream));
    const tmp = tempDir('sweep-transport-');
    cleanups.push(tmp.cleanup);
    const direct = SqliteEventStore.open(path.join(tmp.dir, 'direct.db'));
    const crossed = SqliteEventStore.open(path.join(tmp.dir, 'crossed.db'));
    try {
      expect(crossed.appendEncoded).toBeDefined();
      await appendInTurn(direct, batches, null);
      await appendInTurn(crossed, batches, sent);
      const stored = await records(direct);
      expect(stored.length).toBe(batches.reduce((n, b) => n + b.events.length, 0));
      expect(await records(crossed)).toEqual(stored);
    } finally {
      await direct.close();
      await crossed.close();
    }
  }, 60_000);

  it('is made again with createEvent for a store that cannot take the bytes, with the very canonical JSON the worker made', async () => {
    const batches = await recordedBatches();
    const sent = await encodedAsAWorkerDoes(batches);
    for (let i = 0; i < batches.length; i++) {
      const again = eventsOfEncoded(sent[i]!.bytes);
      const original = batches[i]!.events;
      expect(again.map((e) => [e.eventId, e.type, e.schemaVersion])).toEqual(original.map((e) => [e.eventId, e.type, e.schemaVersion]));
      for (let j = 0; j < again.length; j++) {
        expect(validatedDataJson(again[j]!)).toBe(validatedDataJson(original[j]!));
        expect(validatedMetadataJson(again[j]!)).toBe(validatedMetadataJson(original[j]!));
      }
    }
    const direct = new MemoryEventStore();
    const crossed = new MemoryEventStore();
    expect((crossed as EventStore).appendEncoded).toBeUndefined();
    await appendInTurn(direct, batches, null);
    await appendInTurn(crossed, batches, sent);
    expect(await records(crossed)).toEqual(await records(direct));
  }, 60_000);

  it('refuses a bad event in the worker, when it is added, and sends nothing of its batch', async () => {
    const made = (await recordedBatches()).flatMap((b) => b.events).find((e) => e.type === 'OrderFilled')!;
    let sends = 0;
    const sender = encodingSender(async () => {
      sends++;
      return { nextExpectedVersion: 0, firstPosition: 0, lastPosition: 0, written: false };
    });
    const batch = sender.startBatch();
    batch.add(made);
    const broken = { ...made, eventId: `${made.eventId}-x`, data: { ...(made.data as object), side: 'HOLD' } } as NewEvent;
    expect(() => batch.add(broken)).toThrow(EventValidationError);
    expect(batch.length).toBe(1);
    expect(sends).toBe(0);
  }, 60_000);

  it('refuses bytes that do not decode to valid events when the store validates what it is given', async () => {
    const made = (await recordedBatches()).flatMap((b) => b.events).find((e) => e.type === 'OrderFilled')!;
    const { bytes } = (await encodedAsAWorkerDoes([{ stream: 'run-x', events: [made] }]))[0]!;
    const text = Buffer.from(bytes).toString('latin1');
    const tampered = text.replace(/"side":"(BUY|SELL)"/, '"side":"HOLD"');
    expect(tampered).not.toBe(text);
    expect(() => eventsOfEncoded(Buffer.from(tampered, 'latin1'))).toThrow(EventValidationError);
  }, 60_000);
});
