import type { AnyNewEvent } from '../../events/event-factory.js';
import type { LiveLogger } from './live-run.js';

/** Order outcomes and risk changes a person watching the logs wants to see, with their cycle id. */
export function logNotable(log: LiveLogger, e: AnyNewEvent): void {
  const at = () => log.child({ cycleId: e.metadata.cycleId });
  switch (e.type) {
    case 'OrderOutcomeUnknown':
      at().warn({ clientOrderId: e.data.clientOrderId, cause: e.data.cause, detail: e.data.detail }, 'order outcome unknown: reconciling');
      return;
    case 'OrderSubmitThrottled':
      at().warn({ clientOrderId: e.data.clientOrderId, attempt: e.data.attempt, retryAfterMs: e.data.retryAfterMs }, 'venue answered 429: retrying with the same client order id');
      return;
    case 'OrderReconciled':
      if (e.data.outcome !== 'STILL_UNKNOWN') at().info({ clientOrderId: e.data.clientOrderId, outcome: e.data.outcome, via: e.data.via, attempt: e.data.attempt }, 'order reconciled');
      return;
    case 'UnknownOrderEscalated':
      at().warn({ clientOrderId: e.data.clientOrderId, attempts: e.data.attempts, ageMs: e.data.ageMs }, 'unknown order escalated: risk mode OBSERVE until it resolves');
      return;
    case 'OrderRejected':
      at().warn({ clientOrderId: e.data.clientOrderId, reasonCode: e.data.reasonCode, rawReason: e.data.rawReason }, 'order rejected by the venue');
      return;
    case 'OrderAccepted':
      at().info({ clientOrderId: e.data.clientOrderId, venueOrderId: e.data.venueOrderId }, 'order accepted');
      return;
    case 'RiskModeChanged':
      at().warn({ from: e.data.from, to: e.data.to, reasonCode: e.data.reasonCode }, 'risk mode changed');
      return;
    default:
      return;
  }
}

