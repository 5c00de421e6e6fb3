import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnyStoredEvent } from '../../src/events/event-factory.js';
import { createEvent } from '../../src/events/event-factory.js';
import type { EventDataInput, EventType } from '../../src/events/catalog.js';
import { percentile } from '../../src/projections/slo/percentile.js';
import { checkSlos } from '../../src/projections/slo/slo-checks.js';
import { emptySloAccumulator, foldSlo, sloFigures } from '../../src/projections/slo/slo-figures.js';

let pos = 0;
function ev<T extends EventType>(type: T, atMs: number, data: EventDataInput<T>): AnyStoredEvent {
  pos++;
  const e = createEvent(type, `e${pos}`, data, { runId: 'r', mode: 'live', cycleId: null, causationId: null, at: new Date(atMs).toISOString() });
  return { ...e, globalPosition: pos, stream: 's', streamVersion: pos - 1, prevHash: '', hash: '' } as AnyStoredEvent;
}
const submit = (id: string, at: number, attempt = 1) =>
  ev('OrderSubmitRequested', at, { clientOrderId: id, intentId: 'i', symbol: 'X', side: 'BUY', orderType: 'MARKET', qty: '1', limitPrice: null, attempt });

describe('SLO figures from the log', () => {
  it('nearest-rank percentile', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([5, 1, 3, 2, 4], 99)).toBe(5);
    fc.assert(fc.property(fc.array(fc.integer(), { minLength: 1 }), fc.integer({ min: 1, max: 100 }), (xs, p) => {
      const v = percentile(xs, p)!;
      expect(xs).toContain(v);
      expect(xs.filter((x) => x <= v).length / xs.length).toBeGreaterThanOrEqual(p / 100);
    }));
  });

  it('measures submit latency, reconcile lag, retry/429 rates, stale data, escalations and the oldest unresolved order', () => {
    const events = [
      ev('CycleCompleted', 0, { cycleSeq: 0, phaseMs: { total: 20 }, intents: 0, orders: 0 }),
      ev('CycleCompleted', 0, { cycleSeq: 1, phaseMs: { a: 30, b: 10 }, intents: 0, orders: 0 }),
      submit('o1', 1000),
      ev('OrderAccepted', 1040, { clientOrderId: 'o1', venueOrderId: 'v1' }),
      submit('o2', 2000),
      ev('OrderSubmitThrottled', 2010, { clientOrderId: 'o2', attempt: 1, retryAfterMs: 500, rawReason: '429' }),
      submit('o2', 2600, 2),
      ev('OrderOutcomeUnknown', 3600, { clientOrderId: 'o2', attempt: 2, cause: 'TIMEOUT', detail: '' }),
      ev('OrderReconciled', 4600, { clientOrderId: 'o2', outcome: 'STILL_UNKNOWN', reasonCode: 'STILL_UNKNOWN', via: 'NONE', venueOrderId: null, attempt: 1, notFoundStreak: 0 }),
      ev('OrderReconciled', 9600, { clientOrderId: 'o2', outcome: 'COMMITTED', reasonCode: 'COMMITTED', via: 'CLIENT_ORDER_ID', venueOrderId: 'v2', attempt: 2, notFoundStreak: 0 }),
      submit('o3', 10_000),
      ev('OrderOutcomeUnknown', 10_100, { clientOrderId: 'o3', attempt: 1, cause: 'HTTP_5XX', detail: '' }),
      ev('UnknownOrderEscalated', 20_000, { clientOrderId: 'o3', attempts: 5, ageMs: 9900, reasonCode: 'ESCALATED' }),
      ev('RiskDecisionMade', 0, { intentId: 'i', verdict: 'DENIED', reasonCode: 'STALE_DATA', layer: 'RISK', requestedQty: '1', approvedQty: '0', riskMode: 'NORMAL', context: {} }),
      ev('RiskDecisionMade', 0, { intentId: 'j', verdict: 'APPROVED', reasonCode: null, layer: null, requestedQty: '1', approvedQty: '1', riskMode: 'NORMAL', context: {} }),
    ];
    const f = sloFigures(events.reduce(foldSlo, emptySloAccumulator()), 30_100);
    expect(f).toMatchObject({
      cycles: 2, cycleLatencyP50Ms: 20, cycleLatencyP99Ms: 40, submits: 4, submitLatencyP99Ms: 1000, reconciled: 1,
      reconcileLagP99Ms: 6000, retryRate: 0.25, throttleRate: 0.25, staleDataRate: 0.5, escalations: 1,
      unresolvedOrders: 1, oldestUnresolvedAgeMs: 20_000,
    });
    const checks = checkSlos(f, { reconcileLagP99Ms: 5000, submitLatencyP99Ms: 2000, escalations: 0 });
    expect(checks.map((c) => `${c.name}:${c.status}`)).toEqual(['reconcileLagP99Ms:FAIL', 'submitLatencyP99Ms:PASS', 'escalations:FAIL']);
  });

  it('prefers the stopwatch submit latency of CycleCompleted over engine-clock differences', () => {
    const events = [
      submit('o1', 1000),
      ev('OrderAccepted', 1000, { clientOrderId: 'o1', venueOrderId: 'v1' }),
      ev('CycleCompleted', 1000, { cycleSeq: 0, phaseMs: { total: 900, submit: 850, submitMax: 850 }, intents: 1, orders: 1 }),
      ev('CycleCompleted', 2000, { cycleSeq: 1, phaseMs: { total: 5 }, intents: 0, orders: 0 }),
    ];
    const f = sloFigures(events.reduce(foldSlo, emptySloAccumulator()), 3000);
    expect(f.submitLatencyP99Ms).toBe(850);
    expect(checkSlos(f, { submitLatencyP99Ms: 500 })[0]!.status).toBe('FAIL');
  });
});

