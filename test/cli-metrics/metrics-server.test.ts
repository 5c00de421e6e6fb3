import { afterEach, describe, expect, it } from 'vitest';
import { EngineMetrics, startMetricsServer } from '../../src/cli/metrics-server.js';
import { createEvent } from '../../src/events/event-factory.js';

const meta = { runId: 'r', mode: 'live' as const, cycleId: 'c', causationId: null, at: '2024-01-01T00:00:00.000Z' };
let close: (() => Promise<void>) | null = null;
afterEach(async () => {
  await close?.();
  close = null;
});

describe('metrics server (real HTTP on 127.0.0.1)', () => {
  it('exposes cycles, phase latencies, orders by outcome, unknown orders and risk mode, all from events', async () => {
    const m = new EngineMetrics();
    m.observe(createEvent('CycleCompleted', 'e1', { cycleSeq: 0, phaseMs: { strategy: 3, submit: 40 }, intents: 1, orders: 1 }, meta), 1000);
    m.observe(createEvent('OrderOutcomeUnknown', 'e2', { clientOrderId: 'o1', attempt: 1, cause: 'TIMEOUT', detail: 't' }, meta), 1000);
    m.observe(createEvent('OrderOutcomeUnknown', 'e3', { clientOrderId: 'o2', attempt: 1, cause: 'TIMEOUT', detail: 't' }, meta), 1000);
    m.observe(createEvent('OrderReconciled', 'e4', { clientOrderId: 'o1', outcome: 'COMMITTED', reasonCode: 'COMMITTED', via: 'CLIENT_ORDER_ID', venueOrderId: 'v', attempt: 1, notFoundStreak: 0 }, meta), 1000);
    m.observe(createEvent('RiskModeChanged', 'e5', { from: 'NORMAL', to: 'OBSERVE', reasonCode: 'ESCALATED', context: {} }, meta), 1000);
    const srv = await startMetricsServer(m, () => ({ ok: true, detail: { runId: 'r' } }), 0);
    close = srv.close;
    const text = await (await fetch(`http://127.0.0.1:${srv.port}/metrics`)).text();
    expect(text).toMatch(/^engine_cycles_total 1$/m);
    expect(text).toMatch(/^engine_cycle_phase_seconds_count\{phase="submit"\} 1$/m);
    expect(text).toMatch(/^engine_orders_total\{outcome="unknown"\} 2$/m);
    expect(text).toMatch(/^engine_orders_total\{outcome="reconciled_committed"\} 1$/m);
    expect(text).toMatch(/^engine_unknown_orders 1$/m);
    expect(text).toMatch(/^engine_risk_mode\{mode="OBSERVE"\} 1$/m);
    expect(text).toMatch(/^engine_risk_mode\{mode="NORMAL"\} 0$/m);
  });

  it('/healthz answers 200 when healthy and 503 when not; unknown paths 404', async () => {
    let healthy = true;
    const srv = await startMetricsServer(new EngineMetrics(), () => ({ ok: healthy, detail: { lastCycleAgeS: 1 } }), 0);
    close = srv.close;
    const ok = await fetch(`http://127.0.0.1:${srv.port}/healthz`);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ status: 'ok', lastCycleAgeS: 1 });
    healthy = false;
    expect((await fetch(`http://127.0.0.1:${srv.port}/healthz`)).status).toBe(503);
    expect((await fetch(`http://127.0.0.1:${srv.port}/nope`)).status).toBe(404);
  });
});
