/**
 * The statuses an order passes through in the orders projection.
 *
 * - REQUESTED: OrderSubmitRequested recorded, the venue's answer not yet recorded.
 * - ACCEPTED / REJECTED: the venue answered.
 * - THROTTLED: the venue answered 429 (OrderSubmitThrottled): nothing was created, a retry is due.
 * - UNKNOWN: the submit call ended without an answer (OrderOutcomeUnknown, or reconciliation STILL_UNKNOWN).
 * - COMMITTED: reconciliation found the order at the venue; behaves like ACCEPTED from then on.
 * - FAILED: reconciliation proved the venue never had it.
 * - ESCALATED: unresolved for too long; still open (it may yet be resolved), flagged for a person.
 * - PARTIALLY_FILLED / FILLED / CANCELED: the venue's execution.
 */
export const ORDER_STATUSES = [
  'REQUESTED',
  'ACCEPTED',
  'REJECTED',
  'THROTTLED',
  'UNKNOWN',
  'COMMITTED',
  'FAILED',
  'ESCALATED',
  'PARTIALLY_FILLED',
  'FILLED',
  'CANCELED',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** No order with this client order id exists yet in the run. */
export const NO_ORDER = 'NONE' as const;
export type OrderStatusOrNone = OrderStatus | typeof NO_ORDER;

const TERMINAL: ReadonlySet<OrderStatus> = new Set<OrderStatus>(['REJECTED', 'FAILED', 'FILLED', 'CANCELED']);

/**
 * Terminal orders need nothing more from the reconciler. A CANCELED order can still receive a late
 * fill (venues do that), which the projection accepts, but nobody needs to chase it.
 */
export function isTerminal(status: OrderStatus): boolean {
  return TERMINAL.has(status);
}

export function isOrderStatus(value: string): value is OrderStatus {
  return (ORDER_STATUSES as readonly string[]).includes(value);
}

/**
 * The status groups reconciliation works with, in one place:
 * - UNRESOLVED: we do not know whether the venue has the order (REQUESTED after a crash, UNKNOWN,
 *   THROTTLED after a crash in a retry, ESCALATED): the reconciler asks the venue;
 * - AT_VENUE: the venue has the order and it may still trade: watched for a cancel the venue did itself;
 * - UNRESOLVED_AT_END: what a closing run waits for before it ends (ESCALATED ones are left to a person).
 */
export const UNRESOLVED_STATUSES: ReadonlySet<OrderStatus> = new Set<OrderStatus>(['REQUESTED', 'UNKNOWN', 'THROTTLED', 'ESCALATED']);
export const AT_VENUE_STATUSES: ReadonlySet<OrderStatus> = new Set<OrderStatus>(['ACCEPTED', 'COMMITTED', 'PARTIALLY_FILLED']);
export const UNRESOLVED_AT_END_STATUSES: ReadonlySet<OrderStatus> = new Set<OrderStatus>(['REQUESTED', 'UNKNOWN', 'THROTTLED']);

export function isUnresolved(status: OrderStatus): boolean {
  return UNRESOLVED_STATUSES.has(status);
}

export function isAtVenue(status: OrderStatus): boolean {
  return AT_VENUE_STATUSES.has(status);
}
