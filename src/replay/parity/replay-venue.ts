import type { AnyStoredEvent } from '../../events/event-factory.js';
import type { RunState } from '../../engine/decider/run-state.js';
import type { OrderLookup, OrderRequest, SubmitOutcome, Venue, VenueFill, VenueOrderStatus, VenueOrderView } from '../../engine/ports.js';
import { isReasonCode } from '../../engine/reason-codes.js';
import { isAtVenue } from '../../projections/orders/order-status.js';
import { Decimal } from '../../engine/values.js';
import { ProcessEnded, type ParityLog } from './parity-log.js';
import type { RecordedCursor } from './recorded-cursor.js';

/**
 * The venue of a replay: it never talks to a real or simulated venue. Every answer is the one the log
 * recorded for the cycle the replay is in, read at and after the cursor: a submit gets the recorded
 * outcome for its client order id, a fill poll the OrderFilled events recorded next, a lookup what the
 * recorded reconciliation implies the venue said (found, not found, or no answer), a cancel the recorded
 * OrderCanceled. Where the log holds no answer the replay has diverged (the decider then records what a
 * venue without an answer means, and the parity log reports the difference) or the recorded process died
 * during the call (ProcessEnded).
 */
export class ReplayVenue implements Venue {
  readonly name = 'replay';

  constructor(
    private readonly cursor: RecordedCursor,
    private readonly log: ParityLog,
    /** The replaying driver's state: the cycle it is in, and its orders. */
    private readonly state: () => RunState,
  ) {}

  async submit(order: OrderRequest): Promise<SubmitOutcome> {
    await this.cursor.prefetch();
    const e = this.cursor.peek();
    if (e && 'clientOrderId' in e.data && e.data.clientOrderId === order.clientOrderId) {
      switch (e.type) {
        case 'OrderAccepted':
          return { kind: 'accepted', venueOrderId: e.data.venueOrderId };
        case 'OrderRejected':
          return { kind: 'rejected', reasonCode: isReasonCode(e.data.reasonCode) ? e.data.reasonCode : 'VENUE_UNKNOWN_REJECTION', rawReason: e.data.rawReason };
        case 'OrderSubmitThrottled':
          return { kind: 'rate_limited', retryAfterMs: e.data.retryAfterMs, rawReason: e.data.rawReason };
        case 'OrderOutcomeUnknown':
          return { kind: 'unknown', cause: e.data.cause, detail: e.data.detail };
        default:
          break;
      }
    }
    if (this.log.processEndedHere()) throw new ProcessEnded(this.cursor.index);
    return { kind: 'unknown', cause: 'NETWORK', detail: 'replay: the log holds no answer to this submit' };
  }

  async pollFills(): Promise<VenueFill[]> {
    await this.cursor.prefetch();
    const out: VenueFill[] = [];
    for (const e of this.ahead()) {
      if (e.type === 'OrderFilled') out.push(fillOf(e));
      else if (e.type !== 'ReserveAllocated') break;
    }
    return out;
  }

  async queryOrder(clientOrderId: string): Promise<OrderLookup> {
    await this.cursor.prefetch();
    const order = this.state().orders.get(clientOrderId);
    const events = this.about(clientOrderId);
    const first = events[0];
    if (first?.type === 'OrderReconciled') {
      const d = first.data;
      if (d.outcome === 'COMMITTED' && d.via === 'CLIENT_ORDER_ID') return { kind: 'found', order: this.view(clientOrderId, d.venueOrderId ?? '', endedAs(events)) };
      if (d.outcome === 'FAILED') return { kind: 'not_found' };
      if (d.outcome === 'STILL_UNKNOWN' && d.notFoundStreak > (order?.notFoundStreak ?? 0)) return { kind: 'not_found' };
      return { kind: 'unknown', detail: 'replay: the recorded reconciliation had no answer by client order id' };
    }
    if (first?.type === 'OrderCanceled') return { kind: 'found', order: this.view(clientOrderId, order?.venueOrderId ?? '', endedAs(events)) };
    if (order && isAtVenue(order.status)) return { kind: 'found', order: this.view(clientOrderId, order.venueOrderId ?? '', 'OPEN') };
    return { kind: 'unknown', detail: 'replay: nothing recorded about this order in this pass' };
  }

  async openOrders(): Promise<VenueOrderView[]> {
    await this.cursor.prefetch();
    const out: VenueOrderView[] = [];
    for (const e of this.ahead()) {
      if (e.type === 'OrderReconciled' && e.data.outcome === 'COMMITTED' && e.data.via === 'OPEN_ORDERS') {
        out.push(this.view(e.data.clientOrderId, e.data.venueOrderId ?? '', endedAs(this.about(e.data.clientOrderId))));
      }
    }
    return out;
  }

  async cancel(clientOrderId: string): Promise<OrderLookup> {
    await this.cursor.prefetch();
    const canceled = this.about(clientOrderId).find((e) => e.type === 'OrderCanceled');
    if (canceled) return { kind: 'found', order: this.view(clientOrderId, this.state().orders.get(clientOrderId)?.venueOrderId ?? '', 'CANCELED') };
    return { kind: 'not_found' };
  }

  async balances(): Promise<Record<string, Decimal>> {
    return {};
  }

  /** The recorded events of the replay's current cycle, from the cursor on. */
  private ahead(): Iterable<AnyStoredEvent> {
    const cycle = this.state().cycle;
    return cycle === null ? [] : this.cursor.cycleAhead(cycle.id);
  }

  /** The recorded reconciliation events of this cycle, from the cursor on, about one order. */
  private about(clientOrderId: string): AnyStoredEvent[] {
    const out: AnyStoredEvent[] = [];
    for (const e of this.ahead()) {
      if ((e.type === 'OrderReconciled' || e.type === 'OrderCanceled' || e.type === 'UnknownOrderEscalated') && e.data.clientOrderId === clientOrderId) out.push(e);
    }
    return out;
  }

  private view(clientOrderId: string, venueOrderId: string, status: VenueOrderStatus): VenueOrderView {
    const o = this.state().orders.get(clientOrderId);
    const zero = new Decimal(0);
    return {
      clientOrderId,
      venueOrderId,
      symbol: o?.symbol ?? '',
      side: o?.side ?? 'BUY',
      qty: o?.qty ?? zero,
      // A venue-side end is recorded only once every fill it made is in the log: the same quantity.
      filledQty: o?.filledQty ?? zero,
      status,
    };
  }
}

/** The status a venue reported for an order, as the recorded OrderCanceled says ("venue reports CANCELED"). */
function endedAs(events: readonly AnyStoredEvent[]): VenueOrderStatus {
  const canceled = events.find((e) => e.type === 'OrderCanceled');
  if (!canceled || canceled.type !== 'OrderCanceled') return 'OPEN';
  return canceled.data.reason.endsWith('REJECTED') ? 'REJECTED' : 'CANCELED';
}

function fillOf(e: AnyStoredEvent & { type: 'OrderFilled' }): VenueFill {
  const d = e.data;
  return {
    fillId: d.fillId,
    clientOrderId: d.clientOrderId,
    venueOrderId: d.venueOrderId,
    symbol: d.symbol,
    side: d.side,
    qty: new Decimal(d.qty),
    price: new Decimal(d.price),
    fee: new Decimal(d.fee),
    feeAsset: d.feeAsset,
    liquidity: d.liquidity,
    time: Date.parse(d.time ?? e.metadata.at),
  };
}
