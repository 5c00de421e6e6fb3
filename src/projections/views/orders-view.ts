import type { AnyStoredEvent } from '../../events/event-factory.js';
import type { OrderStatus } from '../orders/order-status.js';
import type { OrderRecord, OrdersState } from '../orders/orders-projection.js';

/**
 * What `engine orders` shows of one run: every order (optionally of some statuses) with its reason code, and
 * its reconciliation history: the events after the submit that were about whether the order exists
 * (unknown outcomes, 429s, every reconciliation answer, escalation), in log order.
 */

export interface ReconciliationStep {
  position: number;
  at: string;
  type: string;
  /** UNKNOWN / THROTTLED / COMMITTED / FAILED / STILL_UNKNOWN / ESCALATED. */
  outcome: string;
  reasonCode: string | null;
  attempt: number | null;
  /** How the order was looked for (OrderReconciled), or why the outcome is unknown. */
  detail: string | null;
}

/** The event types that make up a reconciliation history. */
export const RECONCILIATION_TYPES = ['OrderOutcomeUnknown', 'OrderSubmitThrottled', 'OrderReconciled', 'UnknownOrderEscalated'] as const;

/** One step from an event, or null when the event is not part of an order's reconciliation history. */
export function reconciliationStep(e: AnyStoredEvent): { clientOrderId: string; step: ReconciliationStep } | null {
  const base = { position: e.globalPosition, at: e.metadata.at, type: e.type };
  switch (e.type) {
    case 'OrderOutcomeUnknown':
      return { clientOrderId: e.data.clientOrderId, step: { ...base, outcome: 'UNKNOWN', reasonCode: null, attempt: e.data.attempt, detail: `${e.data.cause}: ${e.data.detail}` } };
    case 'OrderSubmitThrottled':
      return { clientOrderId: e.data.clientOrderId, step: { ...base, outcome: 'THROTTLED', reasonCode: null, attempt: e.data.attempt, detail: `retry after ${e.data.retryAfterMs} ms` } };
    case 'OrderReconciled':
      return {
        clientOrderId: e.data.clientOrderId,
        step: { ...base, outcome: e.data.outcome, reasonCode: e.data.reasonCode, attempt: e.data.attempt, detail: `via ${e.data.via}, not-found streak ${e.data.notFoundStreak}` },
      };
    case 'UnknownOrderEscalated':
      return { clientOrderId: e.data.clientOrderId, step: { ...base, outcome: 'ESCALATED', reasonCode: e.data.reasonCode, attempt: e.data.attempts, detail: `age ${e.data.ageMs} ms` } };
    default:
      return null;
  }
}

export interface OrderRow extends OrderRecord {
  reconciliation: ReconciliationStep[];
}

/** The run's orders in the order they were requested, filtered by status when `statuses` is given. */
export function orderRows(state: OrdersState, runId: string, statuses: ReadonlySet<OrderStatus> | null, history: ReadonlyMap<string, ReconciliationStep[]>): OrderRow[] {
  const run = state.runs.get(runId);
  if (!run) return [];
  return [...run.orders.values()]
    .filter((o) => statuses === null || statuses.has(o.status))
    .sort((a, b) => a.firstPosition - b.firstPosition)
    .map((o) => ({ ...o, reconciliation: history.get(o.clientOrderId) ?? [] }));
}

/** Number of orders per status in the run (all of them, whatever the filter). */
export function statusCounts(state: OrdersState, runId: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const o of state.runs.get(runId)?.orders.values() ?? []) out[o.status] = (out[o.status] ?? 0) + 1;
  return out;
}

export function orderRowJson(o: OrderRow): Record<string, unknown> {
  return {
    clientOrderId: o.clientOrderId,
    intentId: o.intentId,
    symbol: o.symbol,
    side: o.side,
    orderType: o.orderType,
    qty: o.qty.toFixed(),
    limitPrice: o.limitPrice?.toFixed() ?? null,
    status: o.status,
    terminal: o.terminal,
    escalated: o.escalated,
    reasonCode: o.reasonCode,
    rawReason: o.rawReason,
    attempts: o.attempts,
    reconcileAttempts: o.reconcileAttempts,
    venueOrderId: o.venueOrderId,
    filledQty: o.filledQty.toFixed(),
    avgFillPrice: o.avgFillPrice?.toFixed() ?? null,
    fees: o.fees.toFixed(),
    feeAsset: o.feeAsset,
    fills: o.fills,
    requestedAt: o.requestedAt,
    updatedAt: o.updatedAt,
    firstPosition: o.firstPosition,
    lastPosition: o.lastPosition,
    reconciliation: o.reconciliation,
  };
}
