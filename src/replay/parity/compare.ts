import { canonicalJson } from '../../events/canonical.js';
import { validatedDataJson } from '../../events/event-factory.js';

/**
 * What two events must agree on to count as the same decision: type, data, cycle and engine time.
 * Event ids and causation ids follow from these (they are derived deterministically), and a
 * CycleCompleted's phase timings are wall time in live runs, which no replay can reproduce: its counts
 * are compared, its timings are not.
 */
export interface ComparableEvent {
  type: string;
  data: unknown;
  metadata: { cycleId: string | null; at: string };
}

export interface EventView {
  type: string;
  cycleId: string | null;
  at: string;
  data: unknown;
}

export function comparisonKey(e: ComparableEvent): string {
  // createEvent() already holds the canonical data of a re-derived event: reuse it.
  const dataJson = (e.type !== 'CycleCompleted' && validatedDataJson(e)) || canonicalJson(comparedData(e));
  return `${e.type}\n${e.metadata.cycleId ?? ''}\n${e.metadata.at}\n${dataJson}`;
}

export function sameEvent(a: ComparableEvent, b: ComparableEvent): boolean {
  return comparisonKey(a) === comparisonKey(b);
}

export function viewOf(e: ComparableEvent): EventView {
  return { type: e.type, cycleId: e.metadata.cycleId, at: e.metadata.at, data: e.data };
}

/** The fields of the data that differ between the two events (top level), for the report. */
export function differingFields(a: ComparableEvent, b: ComparableEvent): string[] {
  if (a.type !== b.type) return ['type'];
  const out: string[] = [];
  if (a.metadata.cycleId !== b.metadata.cycleId) out.push('cycleId');
  if (a.metadata.at !== b.metadata.at) out.push('at');
  const da = (comparedData(a) ?? {}) as Record<string, unknown>;
  const db = (comparedData(b) ?? {}) as Record<string, unknown>;
  for (const k of new Set([...Object.keys(da), ...Object.keys(db)])) {
    if (canonicalJson(da[k] ?? null) !== canonicalJson(db[k] ?? null)) out.push(`data.${k}`);
  }
  return out;
}

function comparedData(e: ComparableEvent): unknown {
  if (e.type !== 'CycleCompleted') return e.data;
  const { phaseMs: _timings, ...rest } = e.data as Record<string, unknown>;
  return rest;
}
