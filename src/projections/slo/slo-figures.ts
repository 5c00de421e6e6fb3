import type { AnyStoredEvent } from '../../events/event-factory.js';
import { percentile } from './percentile.js';

/**
 * Service-level figures computed from the log alone (issue 6): what `engine doctor` judges against
 * the profile's thresholds. Latencies come from the engine clock recorded in metadata.at (real time
 * in live runs) and from CycleCompleted phase timings.
 */
export interface SloFigures {
  cycles: number;
  cycleLatencyP50Ms: number | null;
  cycleLatencyP99Ms: number | null;
  submits: number;
  submitLatencyP99Ms: number | null;
  reconciled: number;
  reconcileLagP99Ms: number | null;
  retryRate: number;
  throttleRate: number;
  decisions: number;
  staleDataRate: number;
  escalations: number;
  unresolvedOrders: number;
  oldestUnresolvedAgeMs: number | null;
}

interface Accumulator {
  cycleMs: number[];
  /** From the engine clock: request to first answer. Zero when a cycle stamps its events with one time. */
  submitMs: number[];
  /** From CycleCompleted's stopwatch: preferred when present. */
  submitPhaseMs: number[];
  reconcileMs: number[];
  submits: number;
  retries: number;
  throttles: number;
  decisions: number;
  stale: number;
  escalations: number;
  /** clientOrderId -> time the submit was requested, until its first answer. */
  awaitingAnswer: Map<string, number>;
  /** clientOrderId -> time its outcome became unknown, until resolved. */
  unknownSince: Map<string, number>;
}

export function emptySloAccumulator(): Accumulator {
  return {
    cycleMs: [], submitMs: [], submitPhaseMs: [], reconcileMs: [], submits: 0, retries: 0, throttles: 0, decisions: 0, stale: 0, escalations: 0,
    awaitingAnswer: new Map(), unknownSince: new Map(),
  };
}

export function foldSlo(acc: Accumulator, e: AnyStoredEvent): Accumulator {
  const at = Date.parse(e.metadata.at);
  switch (e.type) {
    case 'CycleCompleted': {
      const phases = e.data.phaseMs;
      acc.cycleMs.push(phases.total ?? Object.values(phases).reduce((a, b) => a + b, 0));
      // The slowest venue submit of the cycle (all attempts of one order): a conservative per-order sample.
      if (phases.submitMax !== undefined) acc.submitPhaseMs.push(phases.submitMax);
      break;
    }
    case 'OrderSubmitRequested':
      acc.submits++;
      if (e.data.attempt > 1) acc.retries++;
      acc.awaitingAnswer.set(e.data.clientOrderId, at);
      break;
    case 'OrderAccepted':
    case 'OrderRejected':
    case 'OrderOutcomeUnknown':
    case 'OrderSubmitThrottled': {
      const sent = acc.awaitingAnswer.get(e.data.clientOrderId);
      if (sent !== undefined) {
        acc.submitMs.push(at - sent);
        acc.awaitingAnswer.delete(e.data.clientOrderId);
      }
      if (e.type === 'OrderSubmitThrottled') acc.throttles++;
      if (e.type === 'OrderOutcomeUnknown' && !acc.unknownSince.has(e.data.clientOrderId)) acc.unknownSince.set(e.data.clientOrderId, at);
      break;
    }
    case 'OrderReconciled': {
      const since = acc.unknownSince.get(e.data.clientOrderId);
      if (since !== undefined && e.data.outcome !== 'STILL_UNKNOWN') {
        acc.reconcileMs.push(at - since);
        acc.unknownSince.delete(e.data.clientOrderId);
      }
      break;
    }
    case 'UnknownOrderEscalated':
      acc.escalations++;
      break;
    case 'RiskDecisionMade':
      acc.decisions++;
      if (e.data.reasonCode === 'STALE_DATA') acc.stale++;
      break;
    default:
      break;
  }
  return acc;
}

/** asOf: epoch ms to age unresolved orders against (the doctor's clock, or the log's last time). */
export function sloFigures(acc: Accumulator, asOf: number): SloFigures {
  const unresolved = [...acc.unknownSince.values()];
  return {
    cycles: acc.cycleMs.length,
    cycleLatencyP50Ms: percentile(acc.cycleMs, 50),
    cycleLatencyP99Ms: percentile(acc.cycleMs, 99),
    submits: acc.submits,
    submitLatencyP99Ms: percentile(acc.submitPhaseMs.length > 0 ? acc.submitPhaseMs : acc.submitMs, 99),
    reconciled: acc.reconcileMs.length,
    reconcileLagP99Ms: percentile(acc.reconcileMs, 99),
    retryRate: acc.submits === 0 ? 0 : acc.retries / acc.submits,
    throttleRate: acc.submits === 0 ? 0 : acc.throttles / acc.submits,
    decisions: acc.decisions,
    staleDataRate: acc.decisions === 0 ? 0 : acc.stale / acc.decisions,
    escalations: acc.escalations,
    unresolvedOrders: unresolved.length,
    oldestUnresolvedAgeMs: unresolved.length === 0 ? null : asOf - Math.min(...unresolved),
  };
}
