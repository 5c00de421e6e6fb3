import type { OrderLookup, VenueFill, VenueOrderView } from '../ports.js';

/**
 * Deciding what became of an order whose submit outcome is unknown (DESIGN.md "Orders whose outcome
 * is unknown"). Pure: the reconciler gathers the venue's answers, this function judges them.
 *
 * The venue is asked, in order, by client order id, then among open orders, then among fills. Any
 * sighting means the order exists: COMMITTED. "Not found" is only believed once the order is older
 * than the venue's visibility window and has been looked for `notFoundConfirmations` times in a row,
 * because venues acknowledge late (a lost ack becomes visible after some queries). A query that
 * itself fails proves nothing. Past `maxAttempts` or `maxAgeMs` without a verdict the order is
 * escalated: the caller records UnknownOrderEscalated and holds the risk mode at OBSERVE.
 */

export interface ReconcilePolicy {
  /** Venue may take this long to show an order it accepted. */
  visibilityWindowMs: number;
  /** Consecutive clean "not found" answers (all three sources) needed to conclude FAILED. */
  notFoundConfirmations: number;
  maxAttempts: number;
  maxAgeMs: number;
}

export const DEFAULT_RECONCILE_POLICY: ReconcilePolicy = {
  visibilityWindowMs: 5_000,
  notFoundConfirmations: 3,
  maxAttempts: 10,
  maxAgeMs: 120_000,
};

export interface UnknownOrderFacts {
  clientOrderId: string;
  /** Epoch ms when the outcome first became unknown (the OrderOutcomeUnknown event time). */
  unknownSince: number;
  /** Reconcile attempts already made (recorded OrderReconciled events for it). */
  attempts: number;
  /** Consecutive clean not-found answers so far. */
  notFoundStreak: number;
  escalated: boolean;
}

export interface VenueEvidence {
  byClientOrderId: OrderLookup;
  /** null when not asked (a sighting by id made it unnecessary) or when the query failed. */
  openOrders: VenueOrderView[] | null;
  fills: VenueFill[] | null;
}

export type ReconcileVerdict =
  | { outcome: 'COMMITTED'; via: 'CLIENT_ORDER_ID' | 'OPEN_ORDERS' | 'FILLS'; venueOrderId: string | null; attempt: number }
  | { outcome: 'FAILED'; via: 'NONE'; attempt: number }
  | { outcome: 'STILL_UNKNOWN'; via: 'NONE'; attempt: number; notFoundStreak: number; escalate: boolean; why: string };

export function decideReconciliation(
  order: UnknownOrderFacts,
  evidence: VenueEvidence,
  now: number,
  policy: ReconcilePolicy = DEFAULT_RECONCILE_POLICY,
): ReconcileVerdict {
  const attempt = order.attempts + 1;
  const id = order.clientOrderId;

  if (evidence.byClientOrderId.kind === 'found') {
    return { outcome: 'COMMITTED', via: 'CLIENT_ORDER_ID', venueOrderId: evidence.byClientOrderId.order.venueOrderId, attempt };
  }
  const open = evidence.openOrders?.find((o) => o.clientOrderId === id);
  if (open) return { outcome: 'COMMITTED', via: 'OPEN_ORDERS', venueOrderId: open.venueOrderId, attempt };
  const fill = evidence.fills?.find((f) => f.clientOrderId === id);
  if (fill) return { outcome: 'COMMITTED', via: 'FILLS', venueOrderId: fill.venueOrderId, attempt };

  const age = now - order.unknownSince;
  const cleanNotFound = evidence.byClientOrderId.kind === 'not_found' && evidence.openOrders !== null && evidence.fills !== null;
  const notFoundStreak = cleanNotFound ? order.notFoundStreak + 1 : 0;

  if (cleanNotFound && notFoundStreak >= policy.notFoundConfirmations && age >= policy.visibilityWindowMs) {
    return { outcome: 'FAILED', via: 'NONE', attempt };
  }
  const escalate = !order.escalated && (attempt >= policy.maxAttempts || age >= policy.maxAgeMs);
  const why = cleanNotFound
    ? `not found (${notFoundStreak}/${policy.notFoundConfirmations}, age ${age}ms of ${policy.visibilityWindowMs}ms window)`
    : `venue could not answer: ${evidence.byClientOrderId.kind === 'unknown' ? evidence.byClientOrderId.detail : 'open orders or fills query failed'}`;
  return { outcome: 'STILL_UNKNOWN', via: 'NONE', attempt, notFoundStreak, escalate, why };
}
