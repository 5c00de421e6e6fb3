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
