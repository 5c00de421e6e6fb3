import type { SloConfig } from './schema.js';

/**
 * The config's SLO section in the shape `checkSlos` (src/projections/slo/slo-checks.ts) takes, so
 * `engine doctor --config f --profile p` judges a run by the profile's thresholds. Rates are fractions.
 */
export function sloThresholdsFromConfig(slo: SloConfig): {
  cycleLatencyP50Ms: number;
  cycleLatencyP99Ms: number;
  submitLatencyP99Ms: number;
  reconcileLagP99Ms: number;
  retryRate: number;
  throttleRate: number;
  staleDataRate: number;
  escalations: number;
  oldestUnresolvedAgeMs: number;
} {
  return {
    cycleLatencyP50Ms: slo.cycleLatencyP50Ms,
    cycleLatencyP99Ms: slo.cycleLatencyP99Ms,
    submitLatencyP99Ms: slo.submitLatencyP99Ms,
    reconcileLagP99Ms: slo.reconcileLagP99Ms,
    retryRate: Number(slo.maxRetryRate),
    throttleRate: Number(slo.max429Rate),
    staleDataRate: Number(slo.maxStaleDataRate),
    escalations: slo.maxEscalations,
    oldestUnresolvedAgeMs: slo.maxOldestUnresolvedOrderAgeMs,
  };
}
