import type { OrderRequest, SubmitOutcome, Venue } from '../ports.js';
import type { CycleEmitter } from '../cycle/emitter.js';

export interface SubmitRecord {
  outcome: SubmitOutcome;
  /** Event id of the OrderSubmitRequested, the cause of everything that follows for this order. */
  requestEventId: string;
}

/**
 * Records OrderSubmitRequested, makes it durable, calls the venue, records the outcome. The client
 * order id is the caller's deterministic one; a retry (issue 5) reuses it with the next attempt number.
 * A thrown venue call is an unknown outcome, never a failure: the order may exist.
 */
export async function submitOrder(
  emitter: CycleEmitter,
  venue: Venue,
  request: OrderRequest,
  intentId: string,
  causationId: string,
  attempt = 1,
): Promise<SubmitRecord> {
  const requestEventId = emitter.emit(
    'OrderSubmitRequested',
    {
      clientOrderId: request.clientOrderId,
      intentId,
      symbol: request.symbol,
      side: request.side,
      orderType: request.orderType,
      qty: request.qty.toFixed(),
      limitPrice: request.limitPrice?.toFixed() ?? null,
      attempt,
    },
    causationId,
  );
  await emitter.barrier();
  let outcome: SubmitOutcome;
  try {
    outcome = await venue.submit(request);
  } catch (err) {
    outcome = { kind: 'unknown', cause: 'NETWORK', detail: err instanceof Error ? err.message : String(err) };
  }
  recordOutcome(emitter, request.clientOrderId, attempt, outcome, requestEventId);
  return { outcome, requestEventId };
}

function recordOutcome(emitter: CycleEmitter, clientOrderId: string, attempt: number, outcome: SubmitOutcome, cause: string): void {
  switch (outcome.kind) {
    case 'accepted':
      emitter.emit('OrderAccepted', { clientOrderId, venueOrderId: outcome.venueOrderId }, cause);
      return;
    case 'rejected':
      emitter.emit('OrderRejected', { clientOrderId, reasonCode: outcome.reasonCode, rawReason: outcome.rawReason }, cause);
      return;
    case 'rate_limited':
      emitter.emit('OrderSubmitThrottled', { clientOrderId, attempt, retryAfterMs: outcome.retryAfterMs, rawReason: outcome.rawReason }, cause);
      return;
    case 'unknown':
      emitter.emit('OrderOutcomeUnknown', { clientOrderId, attempt, cause: outcome.cause, detail: outcome.detail }, cause);
      return;
  }
}
