import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/engine/clocks.js';
import { CycleEmitter } from '../../src/engine/cycle/emitter.js';
import { CollectingSink } from '../../src/engine/cycle/event-sink.js';
import { submitOrder } from '../../src/engine/execution/submitter.js';
import { CountingIds } from '../../src/engine/ids.js';
import type { OrderLookup, OrderRequest, SubmitOutcome, Venue, VenueFill, VenueOrderView } from '../../src/engine/ports.js';

/** Answers 429 `throttles` times (with the given Retry-After), then accepts; counts calls and their client order ids. */
class ThrottlingVenue implements Venue {
  readonly name = 'throttling';
  readonly calls: string[] = [];
  constructor(
    private throttles: number,
    private readonly retryAfterMs: number,
  ) {}
  async submit(o: OrderRequest): Promise<SubmitOutcome> {
    this.calls.push(o.clientOrderId);
    if (this.throttles-- > 0) return { kind: 'rate_limited', retryAfterMs: this.retryAfterMs, rawReason: 'HTTP 429' };
    return { kind: 'accepted', venueOrderId: 'v1' };
  }
  async queryOrder(): Promise<OrderLookup> {
    return { kind: 'not_found' };
  }
  async openOrders(): Promise<VenueOrderView[]> {
    return [];
  }
  async pollFills(): Promise<VenueFill[]> {
    return [];
  }
  async cancel(): Promise<OrderLookup> {
    return { kind: 'not_found' };
  }
  async balances(): Promise<Record<string, Decimal>> {
    return {};
  }
}

const ORDER: OrderRequest = { clientOrderId: 'run-1-1', symbol: 'SYN', side: 'BUY', orderType: 'MARKET', qty: new Decimal(1), limitPrice: null };

async function submitWith(throttles: number, retryAfterMs: number, seed: string, maxAttempts: number) {
  const sink = new CollectingSink();
  const emitter = new CycleEmitter(sink, new CountingIds('e'), 'run', 'live', 'run:c1', '2026-01-01T00:00:00.000Z');
  const venue = new ThrottlingVenue(throttles, retryAfterMs);
  const waits: number[] = [];
  const r = await submitOrder(emitter, venue, ORDER, 'i1', 'cause', {
    policy: { baseMs: 100, capMs: 5_000, maxAttempts },
    random: new SeededRandom(seed),
    waiter: { wait: async (ms) => void waits.push(ms) },
  });
  return { r, sink, venue, waits };
}

describe('submitter retries on 429', () => {
  it('same client order id, attempt + 1 each time, waits never shorter than Retry-After, the same waits for the same seed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 6 }), fc.integer({ min: 0, max: 3_000 }), fc.string({ maxLength: 6 }), async (throttles, retryAfterMs, seed) => {
        const maxAttempts = 5;
        const a = await submitWith(throttles, retryAfterMs, seed, maxAttempts);
        const b = await submitWith(throttles, retryAfterMs, seed, maxAttempts);
        expect(b.waits).toEqual(a.waits);
        expect(new Set(a.venue.calls)).toEqual(new Set([ORDER.clientOrderId]));
        const attempts = Math.min(throttles + 1, maxAttempts);
        expect(a.venue.calls).toHaveLength(attempts);
        expect(a.r.attempts).toBe(attempts);
        const requests = a.sink.events.filter((e) => e.type === 'OrderSubmitRequested');
        expect(requests.map((e) => e.type === 'OrderSubmitRequested' && e.data.attempt)).toEqual(Array.from({ length: attempts }, (_, i) => i + 1));
        for (const w of a.waits) expect(w).toBeGreaterThanOrEqual(retryAfterMs);
        expect(a.waits).toHaveLength(throttles + 1 <= maxAttempts ? throttles : maxAttempts - 1);
        const last = a.sink.events.at(-1)!;
        if (throttles < maxAttempts) expect(last.type).toBe('OrderAccepted');
        else expect(last.type === 'OrderRejected' && last.data.reasonCode).toBe('VENUE_RATE_LIMITED');
        // The request is durable before each venue call: one barrier per attempt.
        expect(a.sink.barriers).toBe(attempts);
      }),
      { numRuns: 60 },
    );
  });

  it('without a retry policy a 429 is recorded and not retried (backtests)', async () => {
    const sink = new CollectingSink();
    const emitter = new CycleEmitter(sink, new CountingIds('e'), 'run', 'backtest', 'run:c1', '2026-01-01T00:00:00.000Z');
    const venue = new ThrottlingVenue(1, 10);
    const r = await submitOrder(emitter, venue, ORDER, 'i1', 'cause');
    expect(r.outcome.kind).toBe('rate_limited');
    expect(sink.events.map((e) => e.type)).toEqual(['OrderSubmitRequested', 'OrderSubmitThrottled']);
  });
});
