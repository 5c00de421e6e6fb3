import { Decimal } from 'decimal.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scriptedFaults } from '../../src/engine/venues/fault-injection/fault-plan.js';
import { tempDir } from '../support.js';
import { type World, buy, expectAgreement, projected, run, runEvents, scripted, sell, world } from './harness.js';

/**
 * One scenario per venue fault (issue 5 item 3): the engine talks to the paper venue through the
 * fault injector, every scenario ends in the expected state, and the orders projection and the venue's
 * own book agree (same orders, same filled quantities, no client order id twice at the venue, position
 * equal to the venue's balance).
 */
let tmp: ReturnType<typeof tempDir>;
let w: World;
beforeEach(() => {
  tmp = tempDir('engine-live-');
});
afterEach(async () => {
  await w?.store.close();
  tmp.cleanup();
});

// The first order of the first cycle (a new run starts at cycle 1).
const ORDER = 'live-test-1-1';

function types(events: Awaited<ReturnType<typeof runEvents>>, id = ORDER): string[] {
  return events.filter((e) => 'clientOrderId' in e.data && (e.data as { clientOrderId: unknown }).clientOrderId === id).map((e) => (e.type === 'OrderReconciled' ? `${e.type}:${e.data.outcome}:${e.data.via}` : e.type));
}

describe('venue faults end in the expected state, log and venue in agreement', () => {
  it('no fault: accepted, filled on the next bar', async () => {
    w = world({ dir: tmp.dir });
    await run(w, { cycles: 3, strategy: scripted({ 0: [buy('2')] }) });
    const { orders } = await projected(w.store);
    expect(orders.map((o) => [o.clientOrderId, o.status, o.filledQty.toFixed()])).toEqual([[ORDER, 'FILLED', '2']]);
    expect(await expectAgreement(w)).toEqual([]);
  });

  it('timeout after the venue accepted: unknown, then COMMITTED by client order id, then filled', async () => {
    w = world({ dir: tmp.dir, faults: scriptedFaults({ 0: { kind: 'timeout-after-accept' } }) });
    await run(w, { cycles: 3, strategy: scripted({ 0: [buy('2')] }) });
    const events = await runEvents(w.store);
    expect(types(events).slice(0, 4)).toEqual(['OrderSubmitRequested', 'OrderOutcomeUnknown', 'OrderReconciled:COMMITTED:CLIENT_ORDER_ID', 'OrderFilled']);
    const { orders } = await projected(w.store);
    expect(orders[0]).toMatchObject({ status: 'FILLED', venueOrderId: 'sim-1' });
    expect(await expectAgreement(w)).toEqual([]);
  });

  it('timeout before the venue saw it: FAILED only after repeated clean not-founds past the visibility window', async () => {
    w = world({ dir: tmp.dir, faults: scriptedFaults({ 0: { kind: 'timeout-before-accept' } }) });
    await run(w, { cycles: 6, strategy: scripted({ 0: [buy('2')] }) });
    const t = types(await runEvents(w.store));
    expect(t[0]).toBe('OrderSubmitRequested');
    expect(t[1]).toBe('OrderOutcomeUnknown');
    expect(t.at(-1)).toBe('OrderReconciled:FAILED:NONE');
    // Never FAILED on the first not-found: the venue may show an accepted order late.
    expect(t.filter((x) => x.startsWith('OrderReconciled:STILL_UNKNOWN')).length).toBeGreaterThanOrEqual(2);
    const { orders } = await projected(w.store);
    expect(orders[0]!.status).toBe('FAILED');
    expect(w.paper.book()).toEqual([]);
    expect(await expectAgreement(w)).toEqual([]);
  });

  it('429 then success: throttled twice, retried with the same client order id after at least Retry-After, then filled', async () => {
    w = world({ dir: tmp.dir, faults: scriptedFaults({ 0: { kind: 'rate-limited', times: 2, retryAfterMs: 700 } }) });
    const before = w.clock.now();
    await run(w, { cycles: 3, strategy: scripted({ 0: [buy('2')] }) });
    const events = await runEvents(w.store);
    const requests = events.filter((e) => e.type === 'OrderSubmitRequested');
    expect(requests.map((e) => [e.data.clientOrderId, e.data.attempt])).toEqual([[ORDER, 1], [ORDER, 2], [ORDER, 3]]);
    expect(types(events).slice(0, 7)).toEqual(['OrderSubmitRequested', 'OrderSubmitThrottled', 'OrderSubmitRequested', 'OrderSubmitThrottled', 'OrderSubmitRequested', 'OrderAccepted', 'OrderFilled']);
    // Two waits of at least Retry-After (700 ms) each, drawn from the seeded backoff.
    expect(w.clock.now() - before).toBeGreaterThanOrEqual(2 * 700);
    expect(events.filter((e) => e.type === 'OrderSubmitThrottled').map((e) => e.type === 'OrderSubmitThrottled' && e.data.retryAfterMs)).toEqual([700, 700]);
    const { orders } = await projected(w.store);
    expect(orders[0]).toMatchObject({ status: 'FILLED', attempts: 3 });
    expect(await expectAgreement(w)).toEqual([]);
  });

  it('429 every time: gives up after the attempts allowed, REJECTED VENUE_RATE_LIMITED, nothing at the venue', async () => {
    w = world({ dir: tmp.dir, faults: scriptedFaults({ 0: { kind: 'rate-limited', times: 99, retryAfterMs: 10 } }) });
    await run(w, { cycles: 2, strategy: scripted({ 0: [buy('2')] }) });
    const { orders } = await projected(w.store);
    expect(orders[0]).toMatchObject({ status: 'REJECTED', reasonCode: 'VENUE_RATE_LIMITED', attempts: 4 });
    expect(w.paper.book()).toEqual([]);
    expect(await expectAgreement(w)).toEqual([]);
  });

  it('lost ack that becomes visible after some queries: STILL_UNKNOWN while hidden, then COMMITTED when it shows, then the venue cancel is recorded', async () => {
    w = world({ dir: tmp.dir, faults: scriptedFaults({ 0: { kind: 'lost-ack', hiddenQueries: 2 } }) });
    // A resting limit order (far below the market) so that no fill gives it away; the venue cancels it at bar 5.
    await run(w, { cycles: 7, strategy: scripted({ 0: [buy('2', '50')] }), beforeTick: (n) => void (n === 5 && w.paper.cancel(ORDER)) });
    const t = types(await runEvents(w.store));
    expect(t).toEqual([
      'OrderSubmitRequested',
      'OrderOutcomeUnknown',
      'OrderReconciled:STILL_UNKNOWN:NONE',
      // The second lookup by id was the last hidden one; the open-orders query of the same pass sees it.
      'OrderReconciled:COMMITTED:OPEN_ORDERS',
      'OrderCanceled',
    ]);
    const { orders } = await projected(w.store);
    expect(orders[0]!.status).toBe('CANCELED');
    expect(await expectAgreement(w)).toEqual([]);
  });

  it('an order that never becomes visible: FAILED, and the venue indeed never had it', async () => {
    w = world({ dir: tmp.dir, faults: scriptedFaults({ 0: { kind: 'never-visible' } }) });
    await run(w, { cycles: 6, strategy: scripted({ 0: [buy('2')] }) });
    const { orders } = await projected(w.store);
    expect(orders[0]!.status).toBe('FAILED');
    expect(w.paper.received()).toEqual([]);
    expect(await expectAgreement(w)).toEqual([]);
  });

  it('duplicate fill reports are recorded once each (deduplicated by fill id)', async () => {
    w = world({ dir: tmp.dir, participationCap: '0.001', faults: scriptedFaults({ 0: { kind: 'duplicate-fills', copies: 3 } }) });
    await run(w, { cycles: 5, strategy: scripted({ 0: [buy('3')] }) });
    const events = await runEvents(w.store);
    const fills = events.filter((e) => e.type === 'OrderFilled');
    expect(fills.length).toBe(w.paper.fills().length);
    expect(new Set(fills.map((e) => e.type === 'OrderFilled' && e.data.fillId)).size).toBe(fills.length);
    const { orders, state } = await projected(w.store);
    expect(orders[0]).toMatchObject({ status: 'FILLED', fills: 3 });
    expect(state.orders.runs.get('live-test')!.duplicateFills).toBe(0);
    expect(await expectAgreement(w)).toEqual([]);
  });

  it('partial fills: an order larger than the participation cap fills over several bars, then FILLED', async () => {
    w = world({ dir: tmp.dir, participationCap: '0.001' }); // 1 unit of each 1000-unit bar
    await run(w, { cycles: 5, strategy: scripted({ 0: [buy('2.5')] }) });
    const events = await runEvents(w.store);
    const statuses = events.filter((e) => e.type === 'OrderFilled').map((e) => e.type === 'OrderFilled' && e.data.qty);
    expect(statuses).toEqual(['1', '1', '0.5']);
    const { orders } = await projected(w.store);
    expect(orders[0]).toMatchObject({ status: 'FILLED', fills: 3 });
    expect(await expectAgreement(w)).toEqual([]);
  });

  it('a run ends with nothing working at the venue: a partly filled order is canceled and recorded so', async () => {
    w = world({ dir: tmp.dir, participationCap: '0.001' });
    await run(w, { cycles: 2, strategy: scripted({ 0: [buy('2.5')] }) });
    const { orders } = await projected(w.store);
    expect(orders[0]).toMatchObject({ status: 'CANCELED' });
    expect(orders[0]!.filledQty.toFixed()).toBe('1');
    expect(w.paper.book()[0]).toMatchObject({ status: 'CANCELED' });
    expect(await expectAgreement(w)).toEqual([]);
  });

  it('partial fills then a sell of what was bought: every fill once, position equals the venue balance', async () => {
    w = world({ dir: tmp.dir, participationCap: '0.001' });
    await run(w, { cycles: 10, strategy: scripted({ 0: [buy('2.5')], 5: [sell('2.5')] }) });
    const { orders, position } = await projected(w.store);
    expect(orders.map((o) => [o.side, o.status, o.filledQty.toFixed(), o.fills])).toEqual([
      ['BUY', 'FILLED', '2.5', 3],
      ['SELL', 'FILLED', '2.5', 3],
    ]);
    expect(position.eq(new Decimal(0))).toBe(true);
    expect(await expectAgreement(w)).toEqual([]);
  });

  it('a venue whose queries all fail: escalated after the bounded attempts, risk mode OBSERVE, new exposure denied', async () => {
    w = world({ dir: tmp.dir, faults: scriptedFaults({ 0: { kind: 'queries-fail' } }) });
    await run(w, { cycles: 10, strategy: scripted({ 0: [buy('2')], 8: [buy('1')] }) });
    const events = await runEvents(w.store);
    const escalations = events.filter((e) => e.type === 'UnknownOrderEscalated');
    expect(escalations.map((e) => e.type === 'UnknownOrderEscalated' && [e.data.clientOrderId, e.data.attempts])).toEqual([[ORDER, 6]]);
    const modes = events.filter((e) => e.type === 'RiskModeChanged').map((e) => e.type === 'RiskModeChanged' && e.data.to);
    expect(modes).toEqual(['OBSERVE']);
    const later = events.filter((e) => e.type === 'RiskDecisionMade').at(-1);
    expect(later?.type === 'RiskDecisionMade' && [later.data.verdict, later.data.reasonCode]).toEqual(['DENIED', 'RISK_MODE_OBSERVE']);
    const { orders } = await projected(w.store);
    expect(orders.map((o) => o.status)).toEqual(['ESCALATED']);
  });

  it('an escalated order that shows up later: OBSERVE while unresolved, COMMITTED when found, then the mode relaxes', async () => {
    w = world({ dir: tmp.dir, faults: scriptedFaults({ 0: { kind: 'lost-ack', hiddenQueries: 5 } }) });
    await run(w, {
      cycles: 12,
      strategy: scripted({ 0: [buy('2', '50')] }),
      reconcile: { maxAttempts: 3, notFoundConfirmations: 20, visibilityWindowMs: 60_000 },
    });
    const events = await runEvents(w.store);
    const trail = events
      .filter((e) => ['UnknownOrderEscalated', 'RiskModeChanged'].includes(e.type) || (e.type === 'OrderReconciled' && e.data.outcome !== 'STILL_UNKNOWN'))
      .map((e) => (e.type === 'RiskModeChanged' ? `mode ${e.data.to}` : e.type === 'OrderReconciled' ? `reconciled ${e.data.outcome}` : e.type));
    expect(trail.slice(0, 3)).toEqual(['UnknownOrderEscalated', 'mode OBSERVE', 'reconciled COMMITTED']);
    expect(trail.at(-1)).toMatch(/^mode (NORMAL|REDUCE)$/);
    const { orders } = await projected(w.store);
    expect(orders[0]).toMatchObject({ escalated: true });
    expect(await expectAgreement(w)).toEqual([]);
  });
});
