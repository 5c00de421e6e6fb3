import { describe, expect, it } from 'vitest';
import { defaultEngineConfig } from '../../src/engine/config/schema.js';
import type { NewEvent } from '../../src/events/envelope.js';
import { EventValidationError } from '../../src/events/errors.js';
import { validatedDataJson, validatedMetadataJson } from '../../src/events/event-factory.js';
import { MemoryEventStore } from '../../src/events/store/memory/memory-event-store.js';
import type { EventStore } from '../../src/events/store/port.js';
import { runBacktest } from '../../src/replay/backtest/run-backtest.js';
import { decodeBatch, encodeBatch } from '../../src/replay/sweep/batch-transport.js';
import { jobRequest, StrategyCache, type SweepSpec } from '../../src/replay/sweep/sweep-job.js';

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

describe('a sweep batch crossing from a worker to the writer', () => {
  it('is made again with the very canonical JSON the worker made, so the store writes the same bytes', async () => {
    const batches = await recordedBatches();
    const types = new Set(batches.flatMap((b) => b.events.map((e) => e.type)));
    expect(types).toContain('OrderFilled');
    expect(types).toContain('MarketSnapshotRecorded');
    const direct = new MemoryEventStore();
    const crossed = new MemoryEventStore();
    for (const b of batches) {
      const json = encodeBatch(b.events);
      expect(json).not.toBeNull();
      const again = decodeBatch(json!);
      expect(again.map((e) => [e.eventId, e.type, e.schemaVersion])).toEqual(b.events.map((e) => [e.eventId, e.type, e.schemaVersion]));
      for (let i = 0; i < again.length; i++) {
        expect(validatedDataJson(again[i]!)).toBe(validatedDataJson(b.events[i]!));
        expect(validatedMetadataJson(again[i]!)).toBe(validatedMetadataJson(b.events[i]!));
      }
      await direct.append(b.stream, b.events, 'any');
      await crossed.append(b.stream, again, 'any');
    }
    const all = async (s: MemoryEventStore) => {
      const out: unknown[] = [];
      for await (const e of s.readAll()) out.push(e);
      return out;
    };
    expect(await all(crossed)).toEqual(await all(direct));
  }, 60_000);

  it('leaves events createEvent did not make to cross as objects, and refuses a batch whose data does not validate', async () => {
    const made = (await recordedBatches()).flatMap((b) => b.events).find((e) => e.type === 'OrderFilled')!;
    const plain = { ...made, data: { ...(made.data as object) } };
    expect(encodeBatch([made, plain])).toBeNull();
    const json = encodeBatch([made])!;
    expect(decodeBatch(json)).toHaveLength(1);
    const broken = json.replace(/"side":"(BUY|SELL)"/, '"side":"HOLD"');
    expect(broken).not.toBe(json);
    expect(() => decodeBatch(broken)).toThrow(EventValidationError);
  }, 60_000);
});
