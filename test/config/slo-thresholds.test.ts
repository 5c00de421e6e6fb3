import { describe, expect, it } from 'vitest';
import { sloThresholdsFromConfig } from '../../src/engine/config/slo-thresholds.js';
import { EngineConfigSchema } from '../../src/engine/config/schema.js';
import { checkSlos } from '../../src/projections/slo/slo-checks.js';

describe('SLO thresholds from the config', () => {
  it('every configured SLO becomes a doctor check, and a breach fails', () => {
    const slo = EngineConfigSchema.parse({ slo: { max429Rate: '0.02', maxEscalations: 0 } }).slo;
    const t = sloThresholdsFromConfig(slo);
    expect(Object.keys(t)).toHaveLength(Object.keys(slo).length);
    const figures = {
      cycles: 10, cycleLatencyP50Ms: 1, cycleLatencyP99Ms: 2, submits: 10, submitLatencyP99Ms: 3, reconciled: 0, reconcileLagP99Ms: null,
      retryRate: 0, throttleRate: 0.05, decisions: 10, staleDataRate: 0, escalations: 1, unresolvedOrders: 0, oldestUnresolvedAgeMs: null,
    };
    const failing = checkSlos(figures, t).filter((c) => c.status === 'FAIL').map((c) => c.name).sort();
    expect(failing).toEqual(['escalations', 'throttleRate']);
  });
});
