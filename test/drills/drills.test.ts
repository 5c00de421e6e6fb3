import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { AnyStoredEvent } from '../../src/events/event-factory.js';
import { cycleIdFor } from '../../src/engine/ids.js';
import { type Fault, NO_FAULTS, scriptedFaults } from '../../src/engine/venues/fault-injection/fault-plan.js';
import { tempDir } from '../support.js';
import { type Drill, type DrillOptions, doctor, runDrill, transitions } from './drill-harness.js';

/**
 * Operational drills (issue 6 item 4): each rehearses an incident through the live loop against the
 * fault-injecting paper venue, seeded and on a manual clock, then asks `engine doctor` (a child
 * process) about the run with the drill's config profile. Each must show the risk-mode transitions the
 * incident should cause (as RiskModeChanged events, or their absence), the SLO it must breach (and
 * no other), an intact chain and replay PARITY: a drill run is as reproducible as any other.
 */
const tmp = tempDir('engine-drills-');
afterAll(() => tmp.cleanup());

const BASE = {
  strategy: { name: 'sma-cross', params: { fast: 2, slow: 3, atr: 2 } },
  risk: { rateLimit: null },
  live: { intervalMs: 1000, sim: { seed: 'drill-walk', volatility: 0.002 }, backoff: { baseMs: 50, capMs: 400, maxAttempts: 4 } },
};
const CYCLES = 40;

/** Runs the drill twice (two databases): the logs must be identical, hash for hash. */
async function drill(o: Omit<DrillOptions, 'dir'>): Promise<Drill> {
  const first = await runDrill({ ...o, dir: tmp.dir });
  const elsewhere = path.join(tmp.dir, 'again');
  mkdirSync(elsewhere, { recursive: true });
  const again = await runDrill({ ...o, dir: elsewhere });
  expect(again.events.map((e) => e.hash)).toEqual(first.events.map((e) => e.hash));
  return first;
}

function decisions(events: readonly AnyStoredEvent[]) {
  return events.flatMap((e) => (e.type === 'RiskDecisionMade' ? [{ cycleId: e.metadata.cycleId, verdict: e.data.verdict, reasonCode: e.data.reasonCode }] : []));
}

async function expectDoctorFailsOnlySlo(d: Drill, breached: string[]): Promise<void> {
  const r = await doctor(d);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(1);
  const byName = Object.fromEntries(r.checks.map((c) => [c.name, c]));
  expect(byName.integrity!.status).toBe('PASS');
  expect(byName.parity!.status).toBe('PASS');
  expect(byName.slo!.status).toBe('FAIL');
  expect(byName.slo!.figures.failed).toBe(breached.join(','));
  for (const name of breached) expect(byName.slo!.detail).toContain(name);
}

describe('drill: stale data (the feed stalls, then runs 6 s behind for the rest of 20 cycles)', () => {
  const LATE = { from: 10, to: 30 };
  /** Within the window the feed falls behind by one more bar each cycle, up to STALL bars (1 s each). */
  const STALL = 6;
  it('denies every decision on a late snapshot (STALE_DATA), no mode change, staleDataRate breached', async () => {
    const d = await drill({
      name: 'stale',
      cycles: CYCLES,
      faults: NO_FAULTS,
      config: { ...BASE, risk: { ...BASE.risk, maxSnapshotAgeMs: 5000 } },
      // Falling behind, the feed first repeats the last bar (not news: nothing is decided), then delivers new
      // bars 6 s old: each is news, and each decision on it is refused STALE_DATA (limit 5 s).
      feed: (s, n) => {
        if (n < LATE.from || n >= LATE.to) return s;
        const lag = Math.min(n - LATE.from + 1, STALL) * 1000;
        return { ...s, bars: s.bars.map((b) => ({ ...b, bar: { ...b.bar, time: b.bar.time - lag } })) };
      },
    });
    // Tick n feeds cycle n + 1 (a new run has no start-up reconciliation pass).
    const lateCycles = new Set(Array.from({ length: LATE.to - LATE.from }, (_, i) => cycleIdFor(d.runId, LATE.from + i + 1)));
    const ds = decisions(d.events);
    const stale = ds.filter((x) => x.reasonCode === 'STALE_DATA');
    expect(stale.length).toBeGreaterThan(0);
    expect(ds.filter((x) => lateCycles.has(x.cycleId!))).toEqual(stale);
    expect(stale.every((x) => x.verdict === 'DENIED')).toBe(true);
    expect(ds.some((x) => !lateCycles.has(x.cycleId!) && x.verdict !== 'DENIED')).toBe(true); // it traded before and after
    // Stale data is a per-decision refusal, not a drawdown or an unknown order: the mode stays NORMAL.
    expect(transitions(d.events)).toEqual([]);
    await expectDoctorFailsOnlySlo(d, ['staleDataRate']);
  });
});

describe('drill: retry storm (429s on every order, some past the retry budget, timeouts after acceptance)', () => {
  // Submission i: 429 twice then accepted; 429 five times (more than maxAttempts 4); or a timeout after the venue took it.
  const storm: Record<number, Fault> = Object.fromEntries(
    Array.from({ length: 60 }, (_, i) => [i, i % 3 === 2 ? { kind: 'timeout-after-accept' } : { kind: 'rate-limited', times: i % 3 === 0 ? 2 : 5, retryAfterMs: 100 }]),
  );
  it('retries with the same client order id, gives up after the budget, reconciles the timeouts; retry and 429 rates breached', async () => {
    const d = await drill({ name: 'storm', cycles: CYCLES, faults: scriptedFaults(storm), config: BASE });
    const requests = d.events.flatMap((e) => (e.type === 'OrderSubmitRequested' ? [e.data] : []));
    const orders = new Set(requests.map((r) => r.clientOrderId));
    expect(orders.size).toBeGreaterThanOrEqual(6);
    for (const id of orders) {
      const attempts = requests.filter((r) => r.clientOrderId === id).map((r) => r.attempt);
      expect(attempts).toEqual(attempts.map((_, i) => i + 1)); // 1, 2, 3...: one client order id per intent
      expect(attempts.length).toBeLessThanOrEqual(4);
    }
    const gaveUp = d.events.filter((e) => e.type === 'OrderRejected' && e.data.reasonCode === 'VENUE_RATE_LIMITED');
    expect(gaveUp.length).toBeGreaterThan(0);
    const unknown = d.events.filter((e) => e.type === 'OrderOutcomeUnknown').map((e) => e.type === 'OrderOutcomeUnknown' && e.data.clientOrderId);
    const committed = d.events.filter((e) => e.type === 'OrderReconciled' && e.data.outcome === 'COMMITTED').map((e) => e.type === 'OrderReconciled' && e.data.clientOrderId);
    expect(unknown.length).toBeGreaterThan(0);
    expect(committed).toEqual(unknown);
    // A storm of 429s is answered by backing off, not by changing the risk mode.
    expect(transitions(d.events)).toEqual([]);
    await expectDoctorFailsOnlySlo(d, ['retryRate', 'throttleRate']);
  });
});

describe('drill: reconcile lag (an order that never shows, an ack lost for several lookups)', () => {
  it('escalates, holds OBSERVE until the order is resolved FAILED, then NORMAL; reconcile lag and escalations breached', async () => {
    const d = await drill({
      name: 'lag',
      cycles: CYCLES,
      faults: scriptedFaults({ 0: { kind: 'never-visible' }, 2: { kind: 'lost-ack', hiddenQueries: 4 } }),
      config: {
        ...BASE,
        slo: { reconcileLagP99Ms: 2000 },
        live: { ...BASE.live, reconcile: { visibilityWindowMs: 6000, notFoundConfirmations: 3, maxAttempts: 3, maxAgeMs: 60_000 } },
      },
    });
    expect(transitions(d.events)).toEqual(['NORMAL->OBSERVE ESCALATED', 'OBSERVE->NORMAL UNKNOWN_ORDERS_RESOLVED']);
    const at = (pred: (e: AnyStoredEvent) => boolean) => d.events.findIndex(pred);
    const escalated = at((e) => e.type === 'UnknownOrderEscalated');
    const observe = at((e) => e.type === 'RiskModeChanged' && e.data.to === 'OBSERVE');
    const failed = at((e) => e.type === 'OrderReconciled' && e.data.outcome === 'FAILED');
    const normal = at((e) => e.type === 'RiskModeChanged' && e.data.to === 'NORMAL');
    expect(escalated).toBeGreaterThan(-1);
    expect([escalated < observe, observe < failed, failed < normal]).toEqual([true, true, true]);
    // While OBSERVE holds, nothing that adds exposure is sent.
    const inObserve = d.events.slice(observe, normal).filter((e) => e.type === 'OrderSubmitRequested' && e.data.side === 'BUY');
    expect(inObserve).toEqual([]);
    const refused = d.events.slice(observe, normal).filter((e) => e.type === 'RiskDecisionMade' && e.data.reasonCode === 'RISK_MODE_OBSERVE');
    expect(refused.length).toBeGreaterThan(0);
    await expectDoctorFailsOnlySlo(d, ['reconcileLagP99Ms', 'escalations']);
  });
});
