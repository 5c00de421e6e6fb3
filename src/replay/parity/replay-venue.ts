import type { AnyStoredEvent } from '../../events/event-factory.js';
import type { OrderLookup, OrderRequest, SubmitOutcome, Venue, VenueFill, VenueOrderView } from '../../engine/ports.js';
import { Decimal } from '../../engine/values.js';
import type { RecordedCursor } from './cursor.js';

/**
 * The venue of a replay: it never talks to a real or simulated venue. Every answer is the one the log
 * recorded, read at the cursor, in order: a submit gets the recorded OrderAccepted / OrderRejected /
 * OrderSubmitThrottled / OrderOutcomeUnknown for that client order id, a fill poll gets the
 * OrderFilled events recorded next in the current cycle, open orders and cancels the recorded
 * OrderCanceled events. Where the log holds no answer (the replay has diverged, or the recorded
 * process died during the call) the answer is an unknown outcome, which the sink then reports.
 */
export class ReplayVenue implements Venue {
  readonly name = 'replay';

  constructor(private readonly cursor: RecordedCursor) {}

  async submit(order: OrderRequest): Promise<SubmitOutcome> {
    const e = this.cursor.peek();
    if (e && 'clientOrderId' in e.data && e.data.clientOrderId === order.clientOrderId) {
      switch (e.type) {
        case 'OrderAccepted':
          return { kind: 'accepted', venueOrderId: e.data.venueOrderId };
        case 'OrderRejected':
          return { kind: 'rejected', reasonCode: e.data.reasonCode as never, rawReason: e.data.rawReason };
        case 'OrderSubmitThrottled':
          return { kind: 'rate_limited', retryAfterMs: e.data.retryAfterMs, rawReason: e.data.rawReason };
        case 'OrderOutcomeUnknown':
          return { kind: 'unknown', cause: e.data.cause, detail: e.data.detail };
        default:
          break;
      }
    }
    return { kind: 'unknown', cause: 'NETWORK', detail: 'replay: the log holds no answer to this submit' };
  }

  async pollFills(): Promise<VenueFill[]> {
    return this.cursor.runOfCurrentCycle((e) => e.type === 'OrderFilled').map(toFill);
  }

  async openOrders(): Promise<VenueOrderView[]> {
    return this.cursor.runOfCurrentCycle((e) => e.type === 'OrderCanceled').map((e) => canceledView(e));
  }

  async cancel(clientOrderId: string): Promise<OrderLookup> {
    const e = this.cursor.runOfCurrentCycle((x) => x.type === 'OrderCanceled').find((x) => x.type === 'OrderCanceled' && x.data.clientOrderId === clientOrderId);
    return e ? { kind: 'found', order: canceledView(e) } : { kind: 'not_found' };
  }

  async queryOrder(): Promise<OrderLookup> {
    // Only the reconciler asks, and a replay replaces it by the recorded reconciliation (ReplayReconciler).
    return { kind: 'unknown', detail: 'replay: lookups are answered by the recorded reconciliation' };
  }

  async balances(): Promise<Record<string, Decimal>> {
    return {};
  }
}

function toFill(e: AnyStoredEvent): VenueFill {
  if (e.type !== 'OrderFilled') throw new Error(`not a fill: ${e.type}`);
  const d = e.data;
  return {
    fillId: d.fillId,
    clientOrderId: d.clientOrderId,
    venueOrderId: d.venueOrderId ?? '',
    symbol: d.symbol,
    side: d.side,
    qty: new Decimal(d.qty),
    price: new Decimal(d.price),
    fee: new Decimal(d.fee),
    feeAsset: d.feeAsset,
    liquidity: d.liquidity,
    time: Date.parse(e.metadata.at),
  };
}

function canceledView(e: AnyStoredEvent): VenueOrderView {
  const id = e.type === 'OrderCanceled' ? e.data.clientOrderId : '';
  const zero = new Decimal(0);
  return { clientOrderId: id, venueOrderId: '', symbol: '', side: 'BUY', qty: zero, filledQty: zero, status: 'CANCELED' };
}
