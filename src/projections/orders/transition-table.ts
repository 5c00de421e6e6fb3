import { NO_ORDER, type OrderStatus, type OrderStatusOrNone } from './order-status.js';

/**
 * What an event means to an order. OrderReconciled splits by outcome because COMMITTED, FAILED and
 * STILL_UNKNOWN lead to different places.
 */
export const ORDER_EVENT_KINDS = [
  'OrderSubmitRequested',
  'OrderAccepted',
  'OrderRejected',
  'OrderOutcomeUnknown',
  'OrderSubmitThrottled',
  'OrderFilled',
  'OrderCanceled',
  'OrderReconciled:COMMITTED',
  'OrderReconciled:FAILED',
  'OrderReconciled:STILL_UNKNOWN',
  'UnknownOrderEscalated',
] as const;
export type OrderEventKind = (typeof ORDER_EVENT_KINDS)[number];

/**
 * Where an event takes an order. Two targets depend on quantities, not only on the status:
 * - FILL: PARTIALLY_FILLED, or FILLED once filledQty reaches the order quantity;
 * - LATE_FILL (a fill after a cancel, which venues do): stays CANCELED, or FILLED if it completes the order.
 */
export type TransitionTarget = OrderStatus | 'FILL' | 'LATE_FILL';

type Row = Partial<Record<OrderEventKind, TransitionTarget>>;

/**
 * The order lifecycle, as one table: status x event kind -> next status. A pair that is absent is an
 * illegal transition (IllegalOrderTransitionError). Rules behind the less obvious cells:
 * - A retry is an OrderSubmitRequested with the same client order id and attempt + 1, legal only while
 *   the venue holds no answer we could act on (REQUESTED, THROTTLED, UNKNOWN); the order must be the same
 *   (intent, symbol, side, type, quantity, limit).
 * - A 429 (OrderSubmitThrottled) is a definite answer to the pending call: nothing was created, so from
 *   THROTTLED no venue execution (ack, fill, cancel) is legal, only a retry, a rejection (giving up) or
 *   what reconciliation finds.
 * - A fill can arrive before the ack, or be what reconciliation discovers, so fills are legal on every
 *   live status; on FILLED a new fill would be an overfill and is illegal.
 * - Confirmations that the order exists (OrderAccepted, OrderReconciled:COMMITTED) never move an order
 *   that the venue has already shown to exist backwards: they leave PARTIALLY_FILLED and FILLED (and a
 *   CANCELED order for COMMITTED) where they are.
 * - ESCALATED is not terminal: any answer from the venue still resolves it.
 * - REJECTED is final: the venue said no. FAILED is final unless the venue later proves the order exists
 *   (a late ack, a fill, a reconciliation that finds it): the log must be able to record that truth.
 */
export const ORDER_TRANSITIONS: Readonly<Record<OrderStatusOrNone, Row>> = {
  [NO_ORDER]: {
    OrderSubmitRequested: 'REQUESTED',
  },
  REQUESTED: {
    OrderSubmitRequested: 'REQUESTED',
    OrderAccepted: 'ACCEPTED',
    OrderRejected: 'REJECTED',
    OrderOutcomeUnknown: 'UNKNOWN',
    OrderSubmitThrottled: 'THROTTLED',
    OrderFilled: 'FILL',
    OrderCanceled: 'CANCELED',
    'OrderReconciled:COMMITTED': 'COMMITTED',
    'OrderReconciled:FAILED': 'FAILED',
    'OrderReconciled:STILL_UNKNOWN': 'UNKNOWN',
    UnknownOrderEscalated: 'ESCALATED',
  },
  THROTTLED: {
    OrderSubmitRequested: 'REQUESTED',
    OrderRejected: 'REJECTED',
    'OrderReconciled:COMMITTED': 'COMMITTED',
    'OrderReconciled:FAILED': 'FAILED',
    'OrderReconciled:STILL_UNKNOWN': 'UNKNOWN',
    UnknownOrderEscalated: 'ESCALATED',
  },
  UNKNOWN: {
    OrderSubmitRequested: 'REQUESTED',
    OrderAccepted: 'ACCEPTED',
    OrderRejected: 'REJECTED',
    OrderOutcomeUnknown: 'UNKNOWN',
    OrderFilled: 'FILL',
    OrderCanceled: 'CANCELED',
    'OrderReconciled:COMMITTED': 'COMMITTED',
    'OrderReconciled:FAILED': 'FAILED',
    'OrderReconciled:STILL_UNKNOWN': 'UNKNOWN',
    UnknownOrderEscalated: 'ESCALATED',
  },
  ESCALATED: {
    OrderAccepted: 'ACCEPTED',
    OrderRejected: 'REJECTED',
    OrderFilled: 'FILL',
    OrderCanceled: 'CANCELED',
    'OrderReconciled:COMMITTED': 'COMMITTED',
    'OrderReconciled:FAILED': 'FAILED',
    'OrderReconciled:STILL_UNKNOWN': 'ESCALATED',
    UnknownOrderEscalated: 'ESCALATED',
  },
  ACCEPTED: {
    OrderFilled: 'FILL',
    OrderCanceled: 'CANCELED',
    'OrderReconciled:COMMITTED': 'ACCEPTED',
  },
  COMMITTED: {
    OrderAccepted: 'ACCEPTED',
    OrderFilled: 'FILL',
    OrderCanceled: 'CANCELED',
    'OrderReconciled:COMMITTED': 'COMMITTED',
  },
  PARTIALLY_FILLED: {
    OrderAccepted: 'PARTIALLY_FILLED',
    OrderFilled: 'FILL',
    OrderCanceled: 'CANCELED',
    'OrderReconciled:COMMITTED': 'PARTIALLY_FILLED',
  },
  FILLED: {
    OrderAccepted: 'FILLED',
    'OrderReconciled:COMMITTED': 'FILLED',
  },
  CANCELED: {
    OrderFilled: 'LATE_FILL',
    'OrderReconciled:COMMITTED': 'CANCELED',
  },
  REJECTED: {},
  // FAILED is our conclusion, not the venue's word: later proof that the order exists overrides it.
  FAILED: {
    OrderAccepted: 'ACCEPTED',
    OrderFilled: 'FILL',
    'OrderReconciled:COMMITTED': 'COMMITTED',
  },
};

/** The table's cell, or null when the transition is illegal. */
export function transitionTarget(from: OrderStatusOrNone, kind: OrderEventKind): TransitionTarget | null {
  return ORDER_TRANSITIONS[from][kind] ?? null;
}
