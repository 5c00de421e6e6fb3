import { Decimal } from 'decimal.js';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import type { OrderLookup, OrderRequest, SubmitOutcome, Venue, VenueFill, VenueOrderView } from '../../src/engine/ports.js';
import { FaultInjectingVenue } from '../../src/engine/venues/fault-injection/fault-injecting-venue.js';
import { randomFaults, scriptedFaults } from '../../src/engine/venues/fault-injection/fault-plan.js';
import { backoffDelayMs } from '../../src/engine/retry/backoff.js';

/** A minimal honest venue: accepts once per client order id, fills on demand. */
class BookVenue implements Venue {
  readonly name = 'book';
  readonly orders = new Map<string, VenueOrderView>();
  submitCalls = 0;
  private pending: VenueFill[] = [];
  async submit(o: OrderRequest): Promise<SubmitOutcome> {
    this.submitCalls++;
    if (this.orders.has(o.clientOrderId)) return { kind: 'rejected', reasonCode: 'VENUE_DUPLICATE_ORDER', rawReason: 'Duplicate order sent.' };
    this.orders.set(o.clientOrderId, { clientOrderId: o.clientOrderId, venueOrderId: `v${this.orders.size + 1}`, symbol: o.symbol, side: o.side, qty: o.qty, filledQty: new Decimal(0), status: 'OPEN' });
    return { kind: 'accepted', venueOrderId: `v${this.orders.size}` };
  }
  fill(id: string): void {
    const o = this.orders.get(id)!;
    this.orders.set(id, { ...o, filledQty: o.qty, status: 'FILLED' });
    this.pending.push({ fillId: `f-${id}`, clientOrderId: id, venueOrderId: o.venueOrderId, symbol: o.symbol, side: o.side, qty: o.qty, price: new Decimal(100), fee: new Decimal(0), feeAsset: 'USD', liquidity: 'TAKER', time: 0 });
  }
  async queryOrder(id: string): Promise<OrderLookup> {
    const o = this.orders.get(id);
    return o ? { kind: 'found', order: o } : { kind: 'not_found' };
  }
  async openOrders(): Promise<VenueOrderView[]> {
    return [...this.orders.values()].filter((o) => o.status === 'OPEN');
  }
  async pollFills(): Promise<VenueFill[]> {
    const out = this.pending;
    this.pending = [];
    return out;
  }
  cancel(id: string): Promise<OrderLookup> {
    return this.queryOrder(id);
  }
  async balances(): Promise<Record<string, Decimal>> {
    return {};
  }
}

const order = (id: string): OrderRequest => ({ clientOrderId: id, symbol: 'X', side: 'BUY', orderType: 'MARKET', qty: new Decimal(1), limitPrice: null });

describe('FaultInjectingVenue', () => {
  it('timeout after accept: the engine hears "unknown" but the order exists at the venue', async () => {
    const book = new BookVenue();
    const v = new FaultInjectingVenue(book, scriptedFaults({ 0: { kind: 'timeout-after-accept' } }));
    expect((await v.submit(order('a'))).kind).toBe('unknown');
    expect(book.orders.has('a')).toBe(true);
    expect((await v.queryOrder('a')).kind).toBe('found');
  });

  it('timeout before accept: nothing at the venue; a retry with the same id goes through once', async () => {
    const book = new BookVenue();
    const v = new FaultInjectingVenue(book, scriptedFaults({ 0: { kind: 'timeout-before-accept' } }));
    expect((await v.submit(order('a'))).kind).toBe('unknown');
    expect(book.orders.size).toBe(0);
    expect((await v.submit(order('a'))).kind).toBe('accepted');
    expect((await v.submit(order('a'))).kind).toBe('rejected');
    expect(book.orders.size).toBe(1);
  });

  it('429 then success, with the venue untouched while throttled', async () => {
    const book = new BookVenue();
    const v = new FaultInjectingVenue(book, scriptedFaults({ 0: { kind: 'rate-limited', times: 2, retryAfterMs: 750 } }));
    const first = await v.submit(order('a'));
    expect(first).toMatchObject({ kind: 'rate_limited', retryAfterMs: 750 });
    expect(backoffDelayMs(1, { next: () => 0 }, undefined, 750)).toBe(750);
    expect((await v.submit(order('a'))).kind).toBe('rate_limited');
    expect(book.submitCalls).toBe(0);
    expect((await v.submit(order('a'))).kind).toBe('accepted');
  });

  it('a lost ack stays invisible for the configured number of lookups', async () => {
    const book = new BookVenue();
    const v = new FaultInjectingVenue(book, scriptedFaults({ 0: { kind: 'lost-ack', hiddenQueries: 2 } }));
    await v.submit(order('a'));
    expect(await v.openOrders()).toEqual([]);
    expect((await v.queryOrder('a')).kind).toBe('not_found');
    expect((await v.queryOrder('a')).kind).toBe('not_found');
    expect((await v.queryOrder('a')).kind).toBe('found');
    expect((await v.openOrders()).map((o) => o.clientOrderId)).toEqual(['a']);
  });

  it('duplicate fill reports repeat the same fill id; a degraded venue reports nothing', async () => {
    const book = new BookVenue();
    const v = new FaultInjectingVenue(book, scriptedFaults({ 0: { kind: 'duplicate-fills', copies: 3 }, 1: { kind: 'queries-fail' } }));
    await v.submit(order('a'));
    await v.submit(order('b'));
    book.fill('a');
    book.fill('b');
    const fills = await v.pollFills();
    expect(fills.map((f) => f.fillId)).toEqual(['f-a', 'f-a', 'f-a']);
    expect((await v.queryOrder('b')).kind).toBe('unknown');
  });

  it('a seeded random plan is reproducible', () => {
    const menu = [{ kind: 'timeout-after-accept' as const }, { kind: 'never-visible' as const }];
    const draw = (seed: string) => {
      const rng = seedrandom(seed);
      const plan = randomFaults(() => rng(), 0.5, menu);
      return Array.from({ length: 50 }, (_, i) => plan.faultFor(i)?.kind ?? '-').join(',');
    };
    expect(draw('s1')).toBe(draw('s1'));
    expect(draw('s1')).not.toBe(draw('s2'));
  });

  it('backoff grows exponentially under its cap and honours Retry-After as a floor', () => {
    const rng = seedrandom('b');
    const random = { next: () => rng() };
    for (let attempt = 1; attempt < 12; attempt++) {
      const d = backoffDelayMs(attempt, random, { baseMs: 100, capMs: 2000, maxAttempts: 12 });
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(Math.min(2000, 100 * 2 ** (attempt - 1)));
    }
    expect(backoffDelayMs(1, { next: () => 0.99 }, { baseMs: 100, capMs: 2000, maxAttempts: 3 }, 5000)).toBe(5000);
  });
});
