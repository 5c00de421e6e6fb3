import type { Decimal } from 'decimal.js';
import type { OrderLookup, OrderRequest, SubmitOutcome, Venue, VenueFill, VenueOrderView } from '../../ports.js';
import type { Fault, FaultPlan } from './fault-plan.js';

interface Afflicted {
  fault: Fault;
  /** lost-ack: lookups left before the order shows. */
  hiddenLeft: number;
  /** rate-limited: 429s left. */
  throttlesLeft: number;
  /** timeout-before-accept: the first try was lost; retries go through. */
  firstTryLost: boolean;
}

/**
 * Wraps any Venue and plays a FaultPlan on it. The inner venue stays the truth (its book is what
 * the tests compare the log against); this decorator only distorts what the engine is told.
 * Retries of a client order id keep the fault the first submission drew.
 */
export class FaultInjectingVenue implements Venue {
  readonly name: string;
  private submissions = 0;
  private readonly afflicted = new Map<string, Afflicted>();

  constructor(
    private readonly inner: Venue,
    private readonly plan: FaultPlan,
  ) {
    this.name = `${inner.name}+faults`;
  }

  async submit(order: OrderRequest): Promise<SubmitOutcome> {
    let a = this.afflicted.get(order.clientOrderId);
    if (!a) {
      const fault = this.plan.faultFor(this.submissions++);
      if (fault) {
        a = {
          fault,
          hiddenLeft: fault.kind === 'lost-ack' ? fault.hiddenQueries : 0,
          throttlesLeft: fault.kind === 'rate-limited' ? fault.times : 0,
          firstTryLost: false,
        };
        this.afflicted.set(order.clientOrderId, a);
      }
    }
    if (!a) return this.inner.submit(order);
    switch (a.fault.kind) {
      case 'rate-limited':
        if (a.throttlesLeft > 0) {
          a.throttlesLeft--;
          return { kind: 'rate_limited', retryAfterMs: a.fault.retryAfterMs, rawReason: 'HTTP 429 Too Many Requests' };
        }
        return this.inner.submit(order);
      case 'timeout-before-accept':
      case 'never-visible':
        if (a.fault.kind === 'timeout-before-accept' && a.firstTryLost) return this.inner.submit(order);
        a.firstTryLost = true;
        return { kind: 'unknown', cause: 'TIMEOUT', detail: 'request timed out before the venue answered' };
      case 'timeout-after-accept':
      case 'lost-ack':
      case 'queries-fail': {
        const inner = await this.inner.submit(order);
        if (inner.kind !== 'accepted') return inner;
        return { kind: 'unknown', cause: 'TIMEOUT', detail: 'request timed out after it was sent' };
      }
      case 'duplicate-fills':
        return this.inner.submit(order);
    }
  }

  async queryOrder(clientOrderId: string): Promise<OrderLookup> {
    const a = this.afflicted.get(clientOrderId);
    if (a?.fault.kind === 'queries-fail') return { kind: 'unknown', detail: 'venue API timed out' };
    if (a?.fault.kind === 'lost-ack' && a.hiddenLeft > 0) {
      a.hiddenLeft--;
      return { kind: 'not_found' };
    }
    return this.inner.queryOrder(clientOrderId);
  }

  async openOrders(symbol?: string): Promise<VenueOrderView[]> {
    const all = await this.inner.openOrders(symbol);
    return all.filter((o) => !this.hidden(o.clientOrderId));
  }

  async pollFills(): Promise<VenueFill[]> {
    const fills = await this.inner.pollFills();
    const out: VenueFill[] = [];
    for (const f of fills) {
      const a = this.afflicted.get(f.clientOrderId);
      // A degraded venue reports nothing about the order, fills included.
      const copies = a?.fault.kind === 'duplicate-fills' ? a.fault.copies : a?.fault.kind === 'queries-fail' ? 0 : 1;
      for (let i = 0; i < copies; i++) out.push(f);
    }
    return out;
  }

  cancel(clientOrderId: string): Promise<OrderLookup> {
    return this.inner.cancel(clientOrderId);
  }

  balances(): Promise<Record<string, Decimal>> {
    return this.inner.balances();
  }

  private hidden(clientOrderId: string): boolean {
    const a = this.afflicted.get(clientOrderId);
    return (a?.fault.kind === 'lost-ack' && a.hiddenLeft > 0) || a?.fault.kind === 'queries-fail';
  }
}
