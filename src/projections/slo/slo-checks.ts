import type { SloFigures } from './slo-figures.js';

/** Upper bounds for each figure; a missing bound is not checked. */
export interface SloThresholds {
  cycleLatencyP50Ms?: number;
  cycleLatencyP99Ms?: number;
  submitLatencyP99Ms?: number;
  reconcileLagP99Ms?: number;
  retryRate?: number;
  throttleRate?: number;
  staleDataRate?: number;
  escalations?: number;
  oldestUnresolvedAgeMs?: number;
}

export interface SloCheck {
  name: keyof SloThresholds;
  status: 'PASS' | 'FAIL';
  value: number | null;
  limit: number;
}

/** Each bounded figure against its limit. No samples (null) passes: there is nothing to breach. */
export function checkSlos(figures: SloFigures, thresholds: SloThresholds): SloCheck[] {
  const out: SloCheck[] = [];
  for (const name of Object.keys(thresholds) as (keyof SloThresholds)[]) {
    const limit = thresholds[name];
    if (limit === undefined) continue;
    const value = figures[name];
    out.push({ name, status: value === null || value <= limit ? 'PASS' : 'FAIL', value, limit });
  }
  return out;
}
