import type { OrderRequest, Random, SubmitOutcome, Venue } from '../ports.js';
import type { CycleEmitter } from '../cycle/emitter.js';
import { type BackoffPolicy, backoffDelayMs, mayRetry } from '../retry/backoff.js';

export interface SubmitRecord {
  outcome: SubmitOutcome;
  /** Event id of the first OrderSubmitRequested, the cause of everything that follows for this order. */
  requestEventId: string;
  /** Attempts made (1 without retries). */
  attempts: number;
}

/** How long to wait before a retry. Live runs sleep; backtests and tests move a clock instead. */
export interface Waiter {
  wait(ms: number): Promise<void>;
}

/** Retrying a submit the venue answered with HTTP 429 (the only answer that proves nothing was created). */
export interface SubmitRetry {
  policy: BackoffPolicy;
  /** Seeded: a replay draws the same jitter. */
  random: Random;
  waiter: Waiter;
}

/**
 * Records OrderSubmitRequested, makes it durable, calls the venue, records the outcome. The client
 * order id is the caller's deterministic one. A 429 (OrderSubmitThrottled) is retried with the SAME
 * client order id and attempt + 1 after a seeded full-jitter backoff that never undercuts the venue's
 * Retry-After; when the attempts run out the order is recorded as rejected (VENUE_RATE_LIMITED).
 * A timeout or thrown call is an unknown outcome, never a failure and never retried here: the order
 * may exist, and only the reconciler may decide.
 */
export async function submitOrder(
  emitter: CycleEmitter,
  venue: Venue,
  request: OrderRequest,
  intentId: string,
  causationId: string,
  retry?: SubmitRetry,
): Promise<SubmitRecord> {
  let firstRequestId: string | null = null;
  let cause = causationId;
  for (let attempt = 1; ; attempt++) {
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
      cause,
    );
    firstRequestId ??= requestEventId;
    await emitter.barrier();
    let outcome: SubmitOutcome;
    try {
      outcome = await venue.submit(request);
    } catch (err) {
      outcome = { kind: 'unknown', cause: 'NETWORK', detail: err instanceof Error ? err.message : String(err) };
    }
    const outcomeEventId = recordOutcome(emitter, request.clientOrderId, attempt, outcome, requestEventId);
    if (outcome.kind !== 'rate_limited' || retry === undefined) return { outcome, requestEventId: firstRequestId, attempts: attempt };
    if (!mayRetry(attempt, retry.policy)) {
      emitter.emit(
        'OrderRejected',
        { clientOrderId: request.clientOrderId, reasonCode: 'VENUE_RATE_LIMITED', rawReason: `gave up after ${attempt} attempts: ${outcome.rawReason}` },
        outcomeEventId,
      );
      return { outcome: { kind: 'rejected', reasonCode: 'VENUE_RATE_LIMITED', rawReason: outcome.rawReason }, requestEventId: firstRequestId, attempts: attempt };
    }
    await retry.waiter.wait(backoffDelayMs(attempt, retry.random, retry.policy, outcome.retryAfterMs));
    cause = outcomeEventId;
  }
}

function recordOutcome(emitter: CycleEmitter, clientOrderId: string, attempt: number, outcome: SubmitOutcome, cause: string): string {
  switch (outcome.kind) {
    case 'accepted':
      return emitter.emit('OrderAccepted', { clientOrderId, venueOrderId: outcome.venueOrderId }, cause);
    case 'rejected':
      return emitter.emit('OrderRejected', { clientOrderId, reasonCode: outcome.reasonCode, rawReason: outcome.rawReason }, cause);
    case 'rate_limited':
      return emitter.emit('OrderSubmitThrottled', { clientOrderId, attempt, retryAfterMs: outcome.retryAfterMs, rawReason: outcome.rawReason }, cause);
    case 'unknown':
      return emitter.emit('OrderOutcomeUnknown', { clientOrderId, attempt, cause: outcome.cause, detail: outcome.detail }, cause);
  }
}
