import { describe, expect, it } from 'vitest';
import { createEvent } from '../../src/events/event-factory.js';
import type { VenueFill } from '../../src/engine/ports.js';
import { D, HOUR, RUN, SYMBOL, Scenario, T0, buy, decider, event, policy, scripted, sell, shapes, snapshot, started, types } from './decider-support.js';

/**
 * The decider as a specification: given the events a run recorded, when an input arrives, then these
 * events and venue commands. Pure functions: no venue, no store, no clock.
 */

const fill = (clientOrderId: string, o: { id?: string; side?: 'BUY' | 'SELL'; qty?: string; price?: string; fee?: string; feeAsset?: string; time?: number } = {}): VenueFill => ({
  fillId: o.id ?? `${clientOrderId}-f1`,
  clientOrderId,
  venueOrderId: 'v1',
  symbol: SYMBOL,
  side: o.side ?? 'BUY',
  qty: D(o.qty ?? '10'),
  price: D(o.price ?? '100'),
  fee: D(o.fee ?? '1'),
  feeAsset: o.feeAsset ?? 'QUOTE',
  liquidity: 'TAKER',
  time: o.time ?? T0 + HOUR,
});

/** A started run in its first cycle, the strategy about to see `close` at hour 0. */
function inCycle(strategy = scripted({}), o: { armed?: boolean; killSwitch?: boolean; risk?: Record<string, unknown>; cash?: string } = {}) {
  const s = new Scenario(decider({ strategy, policy: policy(o.risk) }));
  s.when({ type: 'StartRun', at: T0, started: started(o.armed ?? true, o.cash ?? '10000') });
  s.when({ type: 'OpenCycle', at: T0 + HOUR, killSwitch: o.killSwitch ?? false });
  return s;
}

const ORDER = `${RUN}-1-1`;

describe('a cycle, step by step', () => {
  it('given a new run, when a cycle opens, then CycleStarted records its number and the kill switch', () => {
    const s = inCycle(scripted({}), { killSwitch: true });
    expect(shapes(s.events)).toEqual([
      { type: 'RunStarted', data: expect.objectContaining({ initialCash: '10000', armed: true }) },
      { type: 'CycleStarted', data: { cycleSeq: 1, killSwitch: true } },
    ]);
    expect(s.events.map((e) => e.eventId)).toEqual([`${RUN}:start`, `${RUN}:1:1`]);
    expect(s.state.risk.killSwitch).toBe(true);
  });

  it('when the market is observed and the strategy buys, then snapshot, intent, decision and the request are recorded and the submit is commanded', () => {
    const s = inCycle(scripted({ 1: [buy(10)] }));
    const r = s.when({ type: 'MarketObserved', snapshot: snapshot(0, 100) });
    expect(types(r.events)).toEqual(['MarketSnapshotRecorded', 'IntentProposed', 'RiskDecisionMade', 'OrderSubmitRequested']);
    const [snap, intent, decision, request] = r.events;
    expect(intent!.data).toMatchObject({ intentId: `${RUN}:1:i1`, symbol: SYMBOL, side: 'BUY', qty: '10', rationale: 'scripted buy', context: { why: 'test' } });
    expect(decision!.data).toMatchObject({ verdict: 'APPROVED', approvedQty: '10', riskMode: 'NORMAL' });
    expect(request!.data).toEqual({ clientOrderId: ORDER, intentId: `${RUN}:1:i1`, symbol: SYMBOL, side: 'BUY', orderType: 'MARKET', qty: '10', limitPrice: null, attempt: 1 });
    // Causation: snapshot <- CycleStarted, intent <- snapshot, decision <- intent, request <- decision.
    expect(snap!.metadata.causationId).toBe(`${RUN}:1:1`);
    expect(intent!.metadata.causationId).toBe(snap!.eventId);
    expect(decision!.metadata.causationId).toBe(intent!.eventId);
    expect(request!.metadata.causationId).toBe(decision!.eventId);
    expect(r.commands).toEqual([{ type: 'submit', attempt: 1, request: { clientOrderId: ORDER, symbol: SYMBOL, side: 'BUY', orderType: 'MARKET', qty: D(10), limitPrice: null } }]);
    expect(r.events.every((e) => e.metadata.cycleId === `${RUN}:c1` && e.metadata.at === new Date(T0 + HOUR).toISOString())).toBe(true);
  });

  it('given a bar already seen, when the market shows it again, then nothing new is decided or recorded', () => {
    const s = inCycle(scripted({ 1: [buy(10)], 2: [buy(10)] }));
    s.when({ type: 'MarketObserved', snapshot: snapshot(0, 100) });
    s.when({ type: 'CloseCycle', phaseMs: {} });
    s.when({ type: 'OpenCycle', at: T0 + 2 * HOUR, killSwitch: false });
    const again = s.when({ type: 'MarketObserved', snapshot: snapshot(0, 100) });
    expect(again).toMatchObject({ events: [], commands: [] });
    const older = s.when({ type: 'MarketObserved', snapshot: snapshot(-1, 99) });
    expect(older.events).toEqual([]);
    expect(s.state.strategyState).toBe(1);
    expect(types(s.when({ type: 'MarketObserved', snapshot: snapshot(1, 101) }).events)).toContain('IntentProposed');
  });

  it('when the venue accepts, then OrderAccepted, caused by the request', () => {
    const s = inCycle(scripted({ 1: [buy(10)] }));
    s.when({ type: 'MarketObserved', snapshot: snapshot(0, 100) });
    const r = s.when({ type: 'SubmitAnswered', clientOrderId: ORDER, attempt: 1, outcome: { kind: 'accepted', venueOrderId: 'v1' } });
    expect(shapes(r.events)).toEqual([{ type: 'OrderAccepted', data: { clientOrderId: ORDER, venueOrderId: 'v1' } }]);
    expect(r.events[0]!.metadata.causationId).toBe(s.state.orders.get(ORDER)!.requestEventId);
    expect(s.state.orders.get(ORDER)!.status).toBe('ACCEPTED');
  });

  it('when the submit times out, then the outcome is unknown (never a failure) and the order awaits a verdict', () => {
    const s = inCycle(scripted({ 1: [buy(10)] }));
    s.when({ type: 'MarketObserved', snapshot: snapshot(0, 100) });
    const r = s.when({ type: 'SubmitAnswered', clientOrderId: ORDER, attempt: 1, outcome: { kind: 'unknown', cause: 'TIMEOUT', detail: 'no answer in 5 s' } });
    expect(shapes(r.events)).toEqual([{ type: 'OrderOutcomeUnknown', data: { clientOrderId: ORDER, attempt: 1, cause: 'TIMEOUT', detail: 'no answer in 5 s' } }]);
    expect(s.state.orders.get(ORDER)).toMatchObject({ status: 'UNKNOWN', awaitingVerdict: true });
  });

  it('when the venue answers 429, then a retry with the same client order id and attempt + 1, until the attempts run out: rejected VENUE_RATE_LIMITED', () => {
    const s = inCycle(scripted({ 1: [buy(10)] }));
    s.when({ type: 'MarketObserved', snapshot: snapshot(0, 100) });
    const throttled = { kind: 'rate_limited' as const, retryAfterMs: 700, rawReason: 'HTTP 429' };
    for (const attempt of [1, 2]) {
      const r = s.when({ type: 'SubmitAnswered', clientOrderId: ORDER, attempt, outcome: throttled });
      expect(types(r.events)).toEqual(['OrderSubmitThrottled']);
      expect(r.commands).toEqual([{ type: 'retry', clientOrderId: ORDER, attempt, retryAfterMs: 700 }]);
      const retry = s.when({ type: 'RetryDue', clientOrderId: ORDER });
      expect(retry.events.map((e) => e.type === 'OrderSubmitRequested' && [e.data.clientOrderId, e.data.attempt])).toEqual([[ORDER, attempt + 1]]);
      expect(retry.events[0]!.metadata.causationId).toBe(r.events[0]!.eventId);
      expect(retry.commands).toEqual([expect.objectContaining({ type: 'submit', attempt: attempt + 1 })]);
    }
    const last = s.when({ type: 'SubmitAnswered', clientOrderId: ORDER, attempt: 3, outcome: throttled });
    expect(shapes(last.events)).toEqual([
      { type: 'OrderSubmitThrottled', data: expect.objectContaining({ attempt: 3 }) },
      { type: 'OrderRejected', data: { clientOrderId: ORDER, reasonCode: 'VENUE_RATE_LIMITED', rawReason: 'gave up after 3 attempts: HTTP 429' } },
    ]);
    expect(last.commands).toEqual([]);
    expect(s.state.orders.get(ORDER)!.status).toBe('REJECTED');
  });

  it('when fills are reported (again and again), then each fill id is recorded once, with the venue fill time, and the account moves', () => {
    const s = inCycle(scripted({ 1: [buy(10)] }));
    s.when({ type: 'MarketObserved', snapshot: snapshot(0, 100) });
    s.when({ type: 'SubmitAnswered', clientOrderId: ORDER, attempt: 1, outcome: { kind: 'accepted', venueOrderId: 'v1' } });
    const f = fill(ORDER, { time: T0 + 1234 });
    const r = s.when({ type: 'FillsReported', fills: [f, f] });
    expect(shapes(r.events)).toEqual([
      {
        type: 'OrderFilled',
        data: { clientOrderId: ORDER, venueOrderId: 'v1', fillId: `${ORDER}-f1`, symbol: SYMBOL, side: 'BUY', qty: '10', price: '100', fee: '1', feeAsset: 'QUOTE', liquidity: 'TAKER', time: new Date(T0 + 1234).toISOString() },
      },
    ]);
    expect(s.when({ type: 'FillsReported', fills: [f] }).events).toEqual([]);
    expect(s.state.account.cash.toFixed()).toBe('8999');
    expect(s.state.positions[SYMBOL]!.qty.toFixed()).toBe('10');
    expect(s.state.orders.get(ORDER)!.status).toBe('FILLED');
  });

  it('a fee in the base asset comes out of the quantity delivered; one in a third asset is kept apart', () => {
    const s = inCycle(scripted({ 1: [buy(10)] }));
    s.when({ type: 'MarketObserved', snapshot: snapshot(0, 100) });
    s.when({ type: 'FillsReported', fills: [fill(ORDER, { id: 'a', qty: '5', fee: '0.01', feeAsset: SYMBOL }), fill(ORDER, { id: 'b', qty: '5', fee: '0.2', feeAsset: 'BNB' })] });
    expect(s.state.positions[SYMBOL]!.qty.toFixed()).toBe('9.99');
    expect(s.state.account.cash.toFixed()).toBe('9000');
    expect(s.state.account.otherFees).toEqual({ BNB: D('0.2') });
    expect(s.state.positions[SYMBOL]!.fees.toFixed()).toBe('1');
  });

  it('when the cycle closes, then CycleCompleted with the counts and the phase timings', () => {
    const s = inCycle(scripted({ 1: [buy(10), sell(3)] }));
    s.when({ type: 'MarketObserved', snapshot: snapshot(0, 100) });
    const r = s.when({ type: 'CloseCycle', phaseMs: { total: 3 } });
    expect(shapes(r.events)).toEqual([{ type: 'CycleCompleted', data: { cycleSeq: 1, phaseMs: { total: 3 }, intents: 2, orders: 1 } }]);
    expect(s.state.cycle).toBeNull();
  });
});

describe('self-financing settles only a profitable round trip, net of all its costs', () => {
  function roundTrip(entryPrice: string, exitPrice: string, fee: string) {
    const s = inCycle(scripted({ 1: [buy(10)] }), { risk: { profitReserveFraction: '0.5' } });
    s.when({ type: 'MarketObserved', snapshot: snapshot(0, 100) });
    s.when({ type: 'FillsReported', fills: [fill(ORDER, { price: entryPrice, fee })] });
    s.when({ type: 'FillsReported', fills: [fill('other', { id: 'x', side: 'SELL', price: exitPrice, fee })] });
    return s;
  }

  it('a round trip whose gross profit does not cover both fees moves nothing to the reserve', () => {
    // gross +10, exit fee 6: the old rule (net of the exit fee only) would have settled 2.
    const s = roundTrip('100', '101', '6');
    expect(types(s.events)).not.toContain('ReserveAllocated');
    expect(s.state.account.reserve.toFixed()).toBe('0');
  });

  it('a profitable round trip moves the fraction of its net profit', () => {
    const s = roundTrip('100', '110', '1');
    const reserve = s.events.find((e) => e.type === 'ReserveAllocated');
    expect(reserve?.data).toMatchObject({ amount: '49', fraction: '0.5' }); // (1100 - 1000 - 2) x 0.5
    expect(s.state.account.reserve.toFixed()).toBe('49');
  });
});

describe('the risk decision and the one execution check live behind decide', () => {
  it('a run that is not armed decides everything and sends nothing: DENIED DRY_RUN', () => {
    const s = inCycle(scripted({ 1: [buy(10)] }), { armed: false });
    const r = s.when({ type: 'MarketObserved', snapshot: snapshot(0, 100) });
    expect(r.events.find((e) => e.type === 'RiskDecisionMade')!.data).toMatchObject({ verdict: 'DENIED', reasonCode: 'DRY_RUN', layer: 'POLICY' });
    expect(r.commands).toEqual([]);
  });

  it('a process that resumes an armed run without --arm continues dry, and says so in RunResumed', () => {
    const given = [event('RunStarted', started(true), { seq: null, id: `${RUN}:start` })];
    const s = new Scenario(decider({ strategy: scripted({ 1: [buy(10)] }) }), given);
    expect(s.state.armed).toBe(true);
    const resumed = s.when({ type: 'ResumeRun', at: T0, armed: false, purpose: 'CONTINUE', packageVersion: 'test', gitCommit: null });
    expect(shapes(resumed.events)).toEqual([{ type: 'RunResumed', data: { cycleSeq: 1, armed: false, purpose: 'CONTINUE', packageVersion: 'test', gitCommit: null } }]);
    // Each resume has an id of its own, even when no cycle number was used in between.
    const again = new Scenario(s.d, [...given, resumed.events[0] as never]).when({ type: 'ResumeRun', at: T0, armed: false, purpose: 'CONTINUE', packageVersion: 'test', gitCommit: null });
    expect(again.events[0]!.eventId).not.toBe(resumed.events[0]!.eventId);
    s.when({ type: 'OpenCycle', at: T0 + HOUR, killSwitch: false });
    const r = s.when({ type: 'MarketObserved', snapshot: snapshot(0, 100) });
    expect(r.events.find((e) => e.type === 'RiskDecisionMade')!.data).toMatchObject({ verdict: 'DENIED', reasonCode: 'DRY_RUN' });
  });

  it('the kill switch refuses new exposure and lets a close through', () => {
    const given = [
      event('RunStarted', started(), { seq: null, id: `${RUN}:start` }),
      event('OrderSubmitRequested', { clientOrderId: 'o0', intentId: 'i0', symbol: SYMBOL, side: 'BUY', orderType: 'MARKET', qty: '4', limitPrice: null, attempt: 1 }, { seq: 1 }),
      event('OrderFilled', { clientOrderId: 'o0', venueOrderId: 'v0', fillId: 'f0', symbol: SYMBOL, side: 'BUY', qty: '4', price: '100', fee: '0', feeAsset: 'QUOTE', liquidity: 'TAKER', time: null }, { seq: 1, n: 2 }),
    ];
    const s = new Scenario(decider({ strategy: scripted({ 1: [buy(10), sell(4)] }) }), given);
    s.when({ type: 'OpenCycle', at: T0 + HOUR, killSwitch: true });
    const r = s.when({ type: 'MarketObserved', snapshot: snapshot(0, 100) });
    const verdicts = r.events.filter((e) => e.type === 'RiskDecisionMade').map((e) => e.type === 'RiskDecisionMade' && [e.data.verdict, e.data.reasonCode]);
    expect(verdicts).toEqual([['DENIED', 'KILL_SWITCH'], ['APPROVED', null]]);
    expect(r.commands.map((c) => c.type === 'submit' && c.request.side)).toEqual(['SELL']);
  });

  it('an order whose outcome is unknown counts as exposure: a position cap leaves room only for what it does not hold', () => {
    const s = inCycle(scripted({ 1: [buy(6)], 2: [buy(6)] }), { risk: { maxPositionQty: '10' } });
    s.when({ type: 'MarketObserved', snapshot: snapshot(0, 100) });
    s.when({ type: 'SubmitAnswered', clientOrderId: ORDER, attempt: 1, outcome: { kind: 'unknown', cause: 'TIMEOUT', detail: 't' } });
    s.when({ type: 'CloseCycle', phaseMs: {} });
    s.when({ type: 'OpenCycle', at: T0 + 2 * HOUR, killSwitch: false });
    const r = s.when({ type: 'MarketObserved', snapshot: snapshot(1, 100) });
    expect(r.events.find((e) => e.type === 'RiskDecisionMade')!.data).toMatchObject({ verdict: 'REDUCED', reasonCode: 'POSITION_CAP', approvedQty: '4' });
  });

  it('a sell still working at the venue counts against what is held: it cannot be sold again into a short', () => {
    const s = inCycle(scripted({ 1: [buy(10)], 2: [sell(10)], 3: [sell(10)] }));
    s.when({ type: 'MarketObserved', snapshot: snapshot(0, 100) });
    s.when({ type: 'SubmitAnswered', clientOrderId: ORDER, attempt: 1, outcome: { kind: 'accepted', venueOrderId: 'v1' } });
    s.when({ type: 'FillsReported', fills: [fill(ORDER)] });
    s.when({ type: 'CloseCycle', phaseMs: {} });
    s.when({ type: 'OpenCycle', at: T0 + 2 * HOUR, killSwitch: false });
    s.when({ type: 'MarketObserved', snapshot: snapshot(1, 100) });
    // The sell is accepted and rests: nothing of it has filled.
    s.when({ type: 'SubmitAnswered', clientOrderId: `${RUN}-2-1`, attempt: 1, outcome: { kind: 'accepted', venueOrderId: 'v2' } });
    s.when({ type: 'CloseCycle', phaseMs: {} });
    s.when({ type: 'OpenCycle', at: T0 + 3 * HOUR, killSwitch: false });
    const r = s.when({ type: 'MarketObserved', snapshot: snapshot(2, 100) });
    expect(r.events.find((e) => e.type === 'RiskDecisionMade')!.data).toMatchObject({ verdict: 'DENIED', reasonCode: 'INSUFFICIENT_BALANCE' });
    expect(r.commands).toEqual([]);
  });

  it('an order the venue cannot express is refused at the EXECUTION layer (precision, minimum notional)', () => {
    const s = inCycle(scripted({ 1: [buy('0.001'), buy('0.02')] }));
    const r = s.when({ type: 'MarketObserved', snapshot: snapshot(0, 100) });
    const verdicts = r.events.filter((e) => e.type === 'RiskDecisionMade').map((e) => e.type === 'RiskDecisionMade' && [e.data.verdict, e.data.reasonCode, e.data.layer]);
    expect(verdicts).toEqual([['DENIED', 'PRECISION', 'EXECUTION'], ['DENIED', 'MIN_NOTIONAL', 'EXECUTION']]);
    expect(r.commands).toEqual([]);
  });

  it('an intent for an instrument the run does not trade is denied UNKNOWN_INSTRUMENT', () => {
    const s = inCycle(scripted({ 1: [{ ...buy(1), symbol: 'ETH/USDT' }] }));
    const r = s.when({ type: 'MarketObserved', snapshot: snapshot(0, 100) });
    expect(r.events.find((e) => e.type === 'RiskDecisionMade')!.data).toMatchObject({ verdict: 'DENIED', reasonCode: 'UNKNOWN_INSTRUMENT' });
  });
});

describe('reconciliation of an order whose outcome is unknown', () => {
  /** Given a run whose order o1 timed out at T0. */
  function unknownOrder() {
    const given = [
      event('RunStarted', started(), { seq: null, id: `${RUN}:start` }),
      event('OrderSubmitRequested', { clientOrderId: 'o1', intentId: 'i1', symbol: SYMBOL, side: 'BUY', orderType: 'MARKET', qty: '2', limitPrice: null, attempt: 1 }, { seq: 1, n: 1 }),
      event('OrderOutcomeUnknown', { clientOrderId: 'o1', attempt: 1, cause: 'TIMEOUT', detail: 'x' }, { seq: 1, n: 2 }),
    ];
    return new Scenario(decider(), given);
  }
  const view = (status: 'OPEN' | 'CANCELED', filled = '0') => ({ clientOrderId: 'o1', venueOrderId: 'v9', symbol: SYMBOL, side: 'BUY' as const, qty: D(2), filledQty: D(filled), status });

  it('found by client order id: COMMITTED', () => {
    const s = unknownOrder();
    s.when({ type: 'OpenPass', at: T0 + HOUR });
    const r = s.when({ type: 'OrderLookedUp', clientOrderId: 'o1', lookup: { kind: 'found', order: view('OPEN') }, openOrders: null });
    expect(shapes(r.events)).toEqual([{ type: 'OrderReconciled', data: { clientOrderId: 'o1', outcome: 'COMMITTED', reasonCode: 'COMMITTED', via: 'CLIENT_ORDER_ID', venueOrderId: 'v9', attempt: 1, notFoundStreak: 0 } }]);
    expect(r.events[0]!.metadata.causationId).toBe(`${RUN}:1:1`);
  });

  it('found ended at the venue with every fill recorded: COMMITTED, then OrderCanceled', () => {
    const s = unknownOrder();
    s.when({ type: 'OpenPass', at: T0 + HOUR });
    const r = s.when({ type: 'OrderLookedUp', clientOrderId: 'o1', lookup: { kind: 'found', order: view('CANCELED') }, openOrders: null });
    expect(types(r.events)).toEqual(['OrderReconciled', 'OrderCanceled']);
    expect(r.events[1]!.data).toEqual({ clientOrderId: 'o1', reason: 'venue reports CANCELED' });
  });

  it('not found: STILL_UNKNOWN with the streak, FAILED only after the confirmations past the visibility window', () => {
    const s = unknownOrder();
    const notFound = { kind: 'not_found' } as const;
    const outcomes: string[] = [];
    for (const hours of [1, 2, 3]) {
      s.when({ type: 'OpenPass', at: T0 + hours * HOUR });
      const r = s.when({ type: 'OrderLookedUp', clientOrderId: 'o1', lookup: notFound, openOrders: [] });
      outcomes.push(...r.events.map((e) => (e.type === 'OrderReconciled' ? `${e.data.outcome}#${e.data.notFoundStreak}` : e.type)));
      s.when({ type: 'CloseCycle', phaseMs: {} });
    }
    // window 2 h, 2 confirmations: at 1 h young, at 2 h the 2nd clean not-found past the window.
    expect(outcomes).toEqual(['STILL_UNKNOWN#1', 'FAILED#2']);
    expect(s.state.orders.get('o1')!.status).toBe('FAILED');
  });

  it('a query that fails proves nothing; after the bounded attempts the order is escalated, holds OBSERVE, then goes quiet', () => {
    const s = unknownOrder();
    const failed = { kind: 'unknown', detail: 'timeout' } as const;
    const trail: string[] = [];
    for (let pass = 1; pass <= 6; pass++) {
      s.when({ type: 'OpenPass', at: T0 + pass * HOUR });
      trail.push(s.when({ type: 'OrderLookedUp', clientOrderId: 'o1', lookup: failed, openOrders: null }).events.map((e) => e.type).join('+') || '(nothing)');
      s.when({ type: 'CloseCycle', phaseMs: {} });
    }
    expect(trail).toEqual(['OrderReconciled', 'OrderReconciled', 'OrderReconciled', 'OrderReconciled+UnknownOrderEscalated', '(nothing)', '(nothing)']);
    expect(s.state.risk.unresolvedUnknownOrders).toBe(1);
    // The next market observation moves the mode to OBSERVE.
    s.when({ type: 'OpenCycle', at: T0 + 7 * HOUR, killSwitch: false });
    const r = s.when({ type: 'MarketObserved', snapshot: snapshot(6, 100) });
    expect(r.events.find((e) => e.type === 'RiskModeChanged')?.data).toMatchObject({ from: 'NORMAL', to: 'OBSERVE', reasonCode: 'ESCALATED' });
  });

  it('an unknown order that fills is COMMITTED via FILLS at the next pass', () => {
    const s = unknownOrder();
    s.when({ type: 'OpenPass', at: T0 + HOUR });
    s.when({ type: 'FillsReported', fills: [fill('o1', { qty: '2' })] });
    const r = s.when({ type: 'FillsProveOrders' });
    expect(shapes(r.events)).toEqual([{ type: 'OrderReconciled', data: expect.objectContaining({ clientOrderId: 'o1', outcome: 'COMMITTED', via: 'FILLS' }) }]);
    expect(s.when({ type: 'FillsProveOrders' }).events).toEqual([]);
  });
});

describe('the end of a backtest', () => {
  it('closes an open position at the last close through the risk decision, saying why', () => {
    const s = inCycle(scripted({ 1: [buy(10)] }));
    s.when({ type: 'MarketObserved', snapshot: snapshot(0, 100) });
    s.when({ type: 'FillsReported', fills: [fill(ORDER)] });
    s.when({ type: 'CloseCycle', phaseMs: {} });
    s.when({ type: 'OpenPass', at: T0 + 2 * HOUR });
    const r = s.when({ type: 'CloseOutPositions' });
    expect(types(r.events)).toEqual(['IntentProposed', 'RiskDecisionMade', 'OrderSubmitRequested']);
    expect(r.events[0]!.data).toMatchObject({ side: 'SELL', qty: '10', context: { reason: 'END_OF_DATA', position: '10', lastClose: '100' } });
  });
});

describe('what the run records does not change what it knows', () => {
  it('decisions mode records only decisions, and folds to the same state as full mode', () => {
    const run = (events: 'full' | 'decisions') => {
      const s = new Scenario(decider({ mode: 'backtest', events, strategy: scripted({ 2: [buy(10)] }) }));
      s.when({ type: 'StartRun', at: T0, started: started() });
      for (let h = 0; h < 3; h++) {
        s.when({ type: 'OpenCycle', at: T0 + (h + 1) * HOUR, killSwitch: false });
        s.when({ type: 'MarketObserved', snapshot: snapshot(h, 100 + h) });
        s.when({ type: 'CloseCycle', phaseMs: {} });
      }
      return s;
    };
    const full = run('full');
    const decisions = run('decisions');
    expect(types(full.events).filter((t) => t === 'MarketSnapshotRecorded')).toHaveLength(3);
    expect(types(full.events)).not.toContain('CycleStarted');
    expect(types(decisions.events)).toEqual(['RunStarted', 'IntentProposed', 'RiskDecisionMade', 'OrderSubmitRequested']);
    expect(decisions.state.marks).toEqual(full.state.marks);
    expect(decisions.state.strategyState).toEqual(full.state.strategyState);
    // Event ids differ (each mode numbers the events it records); what the orders are does not.
    const orders = (x: typeof full) => [...x.state.orders.values()].map(({ requestEventId: _r, lastEventId: _l, ...o }) => o);
    expect(orders(decisions)).toEqual(orders(full));
  });

  it('events from the log (upcast v1 snapshots) fold like new ones', () => {
    const d = decider();
    const bar = { openTime: new Date(T0).toISOString(), open: '100', high: '101', low: '99', close: '100', volume: '1' };
    const v2 = createEvent('MarketSnapshotRecorded', 'x', { interval: '1h', bars: [{ ...bar, symbol: SYMBOL }] }, { runId: RUN, mode: 'live', cycleId: `${RUN}:c1`, causationId: null, at: new Date(T0 + HOUR).toISOString() });
    const s = d.fold([event('RunStarted', started(), { seq: null, id: `${RUN}:start` }), v2 as never]);
    expect(s.marks[SYMBOL]!.toFixed()).toBe('100');
    expect(s.marketTimes[SYMBOL]).toBe(T0 + HOUR);
    expect(s.lastCycleSeq).toBe(1);
  });
});
