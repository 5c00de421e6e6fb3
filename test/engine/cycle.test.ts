import { describe, expect, it } from 'vitest';
import type { Bar } from '../../src/engine/bar.js';
import { ManualClock, SeededRandom, zeroStopwatch } from '../../src/engine/clocks.js';
import { runCycle, type CycleEnv } from '../../src/engine/cycle/cycle.js';
import { runScopedIds } from '../../src/engine/cycle/cycle-ids.js';
import { CollectingSink } from '../../src/engine/cycle/event-sink.js';
import { closeOutSource, END_OF_DATA, type IntentSource } from '../../src/engine/cycle/intent-source.js';
import { SimulatedVenue } from '../../src/engine/venues/simulated/simulated-venue.js';
import { initialCycleState, type CycleState } from '../../src/engine/cycle/state.js';
import type { OrderLookup, OrderRequest, SubmitOutcome, Venue, VenueFill, VenueOrderView } from '../../src/engine/ports.js';
import { permissivePolicy } from '../../src/engine/risk/permissive-policy.js';
import type { RiskPolicy } from '../../src/engine/risk/port.js';
import type { IntentDraft } from '../../src/engine/strategy.js';
import { Decimal } from '../../src/engine/values.js';
import { toTypedEvent } from '../../src/events/event-factory.js';
import { MemoryEventStore } from '../../src/events/store/memory/memory-event-store.js';

const D = (v: Decimal.Value) => new Decimal(v);
const HOUR = 3_600_000;
const RUN = 'bt-test0000test0000';

function bar(i: number, close: number): Bar {
  return { time: i * HOUR, open: D(close), high: D(close + 1), low: D(close - 1), close: D(close), volume: D(1000) };
}

/** A venue that records what the sink held at each submit, fills at a fixed price and resends fills. */
class ScriptedVenue implements Venue {
  readonly name = 'scripted';
  readonly seenAtSubmit: string[][] = [];
  private outbox: VenueFill[] = [];
  private delivered: VenueFill[] = [];
  constructor(
    private readonly sink: CollectingSink,
    private readonly answer: (o: OrderRequest) => SubmitOutcome,
  ) {}
  async submit(o: OrderRequest): Promise<SubmitOutcome> {
    this.seenAtSubmit.push(this.sink.events.map((e) => e.type));
    const a = this.answer(o);
    if (a.kind === 'accepted') {
      this.outbox.push({ fillId: `${o.clientOrderId}-f1`, clientOrderId: o.clientOrderId, venueOrderId: a.venueOrderId, symbol: o.symbol, side: o.side, qty: o.qty, price: D(100), fee: D(1), feeAsset: 'QUOTE', liquidity: 'TAKER', time: 0 });
    }
    return a;
  }
  async pollFills(): Promise<VenueFill[]> {
    // Resends everything it ever delivered: the cycle must dedupe by fill id.
    this.delivered.push(...this.outbox);
    this.outbox = [];
    return [...this.delivered];
  }
  async queryOrder(): Promise<OrderLookup> {
    return { kind: 'not_found' };
  }
  async openOrders(): Promise<VenueOrderView[]> {
    return [];
  }
  async cancel(): Promise<OrderLookup> {
    return { kind: 'not_found' };
  }
  async balances(): Promise<Record<string, Decimal>> {
    return {};
  }
}

function intents(byCycle: Record<number, IntentDraft[]>): IntentSource & { cycle: number } {
  return {
    name: 'scripted',
    cycle: 0,
    propose() {
      return byCycle[++this.cycle] ?? [];
    },
  };
}

const buy = (qty: Decimal.Value): IntentDraft => ({ side: 'BUY', qty: D(qty), orderType: 'MARKET', limitPrice: null, rationale: 'test buy', context: { why: 'test' } });
const sell = (qty: Decimal.Value): IntentDraft => ({ side: 'SELL', qty: D(qty), orderType: 'MARKET', limitPrice: null, rationale: 'test sell', context: {} });

function env(sink: CollectingSink, venue: Venue, over: Partial<CycleEnv> = {}): CycleEnv {
  return {
    runId: RUN,
    mode: 'backtest',
    symbol: 'X',
    intervalMs: HOUR,
    clock: new ManualClock(0),
    ids: runScopedIds(RUN),
    venue,
    random: new SeededRandom('1'),
    stopwatch: zeroStopwatch,
    policy: permissivePolicy,
    sink,
    execution: { qtyStep: D('0.01'), minNotional: D(5), costBps: D(0) },
    eventsMode: 'full',
    dryRun: false,
    ...over,
  };
}

async function runCycles(e: CycleEnv, source: IntentSource, n: number, cash = 10_000): Promise<CycleState> {
  let state = initialCycleState(D(cash));
  for (let i = 1; i <= n; i++) {
    (e.clock as ManualClock).set(i * HOUR + HOUR);
    state = (await runCycle(e, state, { cycleSeq: i, snapshot: { symbol: 'X', interval: '1h', bar: bar(i, 100) }, recordSnapshot: true, intents: source })).state;
  }
  return state;
}

describe('the cycle', () => {
  it('emits events in the documented order with deterministic ids and records the submit before calling the venue', async () => {
    const sink = new CollectingSink();
    const venue = new ScriptedVenue(sink, () => ({ kind: 'accepted', venueOrderId: 'v1' }));
    const e = env(sink, venue);
    const state = await runCycles(e, intents({ 1: [buy(10)] }), 2);

    expect(sink.events.map((x) => x.type)).toEqual([
      'CycleStarted', 'MarketSnapshotRecorded', 'IntentProposed', 'RiskDecisionMade', 'OrderSubmitRequested', 'OrderAccepted', 'OrderFilled', 'CycleCompleted',
      'CycleStarted', 'MarketSnapshotRecorded', 'CycleCompleted', // the resent fill is not recorded twice
    ]);
    expect(venue.seenAtSubmit[0]!.at(-1)).toBe('OrderSubmitRequested');
    expect(sink.barriers).toBe(1);
    const submit = sink.events.find((x) => x.type === 'OrderSubmitRequested')!;
    expect(submit.data).toMatchObject({ clientOrderId: `${RUN}-1-1`, intentId: `${RUN}:1:i1`, attempt: 1, qty: '10' });
    expect(sink.events.map((x) => x.eventId).slice(0, 3)).toEqual([`${RUN}:1:1`, `${RUN}:1:2`, `${RUN}:1:3`]);
    for (const ev of sink.events) {
      expect(ev.metadata.runId).toBe(RUN);
      expect(ev.metadata.cycleId).toMatch(new RegExp(`^${RUN}:c[12]$`));
    }
    // Causation: the decision is caused by the intent, the submit by the decision, the fill by the submit.
    const byType = (t: string) => sink.events.find((x) => x.type === t)!;
    expect(byType('RiskDecisionMade').metadata.causationId).toBe(byType('IntentProposed').eventId);
    expect(byType('OrderSubmitRequested').metadata.causationId).toBe(byType('RiskDecisionMade').eventId);
    expect(byType('OrderFilled').metadata.causationId).toBe(byType('OrderSubmitRequested').eventId);
    expect(byType('CycleCompleted').data).toMatchObject({ phaseMs: { total: 0 }, intents: 1, orders: 1 });
    // Account: 10 bought at 100 with a fee of 1.
    expect(state.account.position.toFixed()).toBe('10');
    expect(state.account.cash.toFixed()).toBe('8999');

    // The events go into a store as they are: a valid, chained stream.
    const store = new MemoryEventStore();
    await store.append(`run-${RUN}`, sink.events, 'no_stream');
    const back = [];
    for await (const s of store.readStream(`run-${RUN}`)) back.push(toTypedEvent(s).type);
    expect(back).toEqual(sink.events.map((x) => x.type));
  });

  it('decisions mode emits the same decisions without the per-cycle events', async () => {
    const run = async (eventsMode: 'full' | 'decisions') => {
      const sink = new CollectingSink();
      const venue = new ScriptedVenue(sink, () => ({ kind: 'accepted', venueOrderId: 'v1' }));
      await runCycles(env(sink, venue, { eventsMode }), intents({ 1: [buy(10)], 3: [sell(4)] }), 4);
      return sink.events;
    };
    const full = await run('full');
    const decisions = await run('decisions');
    const perCycle = new Set(['CycleStarted', 'MarketSnapshotRecorded', 'CycleCompleted']);
    expect(decisions.some((x) => perCycle.has(x.type))).toBe(false);
    expect(decisions.map((x) => [x.type, x.data])).toEqual(full.filter((x) => !perCycle.has(x.type)).map((x) => [x.type, x.data]));
  });

  it('execution checks deny what cannot be paid for or expressed, with EXECUTION reason codes', async () => {
    const sink = new CollectingSink();
    const venue = new ScriptedVenue(sink, () => ({ kind: 'accepted', venueOrderId: 'v1' }));
    await runCycles(env(sink, venue), intents({ 1: [sell(1), buy('0.001'), buy('0.02')] }), 1, 10_000);
    const denied = sink.events.filter((x) => x.type === 'OrderDenied').map((x) => (x.data as { reasonCode: string; layer: string }));
    expect(denied).toEqual([
      expect.objectContaining({ reasonCode: 'INSUFFICIENT_BALANCE', layer: 'EXECUTION' }), // nothing to sell
      expect.objectContaining({ reasonCode: 'PRECISION', layer: 'EXECUTION' }), // 0.001 < step 0.01
      expect.objectContaining({ reasonCode: 'MIN_NOTIONAL', layer: 'EXECUTION' }), // 0.02 x 100 = 2 < 5
    ]);
    expect(sink.events.some((x) => x.type === 'OrderSubmitRequested')).toBe(false);
  });

  it('records the venue refusal as OrderRejected and an unknown outcome as OrderOutcomeUnknown', async () => {
    const sink = new CollectingSink();
    let n = 0;
    const venue = new ScriptedVenue(sink, () =>
      ++n === 1 ? { kind: 'rejected', reasonCode: 'VENUE_INVALID_ORDER', rawReason: 'LOT_SIZE' } : { kind: 'unknown', cause: 'TIMEOUT', detail: 'no answer in 5s' },
    );
    await runCycles(env(sink, venue), intents({ 1: [buy(1), buy(2)] }), 1);
    expect(sink.events.filter((x) => x.type === 'OrderRejected')[0]!.data).toMatchObject({ reasonCode: 'VENUE_INVALID_ORDER', rawReason: 'LOT_SIZE' });
    expect(sink.events.filter((x) => x.type === 'OrderOutcomeUnknown')[0]!.data).toMatchObject({ cause: 'TIMEOUT', attempt: 1 });
  });

  it('records a risk denial and a mode change the policy reports', async () => {
    const policy: RiskPolicy = {
      decide: (o) => ({ verdict: 'DENIED', approvedQty: D(0), reasonCode: 'NOTIONAL_CAP_PER_ORDER', layer: 'RISK', context: { requested: o.qty.mul(o.refPrice).toFixed(), limit: '500' } }),
      observe: (s) => (s.mode === 'NORMAL' ? { state: { ...s, mode: 'REDUCE' }, transition: { from: 'NORMAL', to: 'REDUCE', reasonCode: 'DRAWDOWN_BREACH', context: { drawdown: '0.12' } } } : { state: s, transition: null }),
    };
    const sink = new CollectingSink();
    const venue = new ScriptedVenue(sink, () => ({ kind: 'accepted', venueOrderId: 'v1' }));
    await runCycles(env(sink, venue, { policy, eventsMode: 'decisions' }), intents({ 1: [buy(10)] }), 1);
    expect(sink.events.map((x) => x.type)).toEqual(['RiskModeChanged', 'IntentProposed', 'RiskDecisionMade']);
    expect(sink.events[2]!.data).toMatchObject({ verdict: 'DENIED', reasonCode: 'NOTIONAL_CAP_PER_ORDER', riskMode: 'REDUCE', approvedQty: '0', context: { requested: '1000', limit: '500' } });
  });

  it('the end-of-data close-out cancels resting orders and closes the position at the last close, and says so', async () => {
    const sink = new CollectingSink();
    const venue = new SimulatedVenue({
      symbol: 'X', baseAsset: 'X', quoteAsset: 'QUOTE', initialBalances: { QUOTE: D(10_000) }, timing: 'next-open',
      rules: { slippageBps: D(10), feeBps: D(10), participationCap: null, qtyStep: D('0.01') }, intervalMs: HOUR, random: new SeededRandom('x'),
    });
    const e = env(sink, venue, { execution: { qtyStep: D('0.01'), minNotional: D(0), costBps: D(20) } });
    const source = intents({ 1: [buy(10)], 2: [{ ...buy(5), orderType: 'LIMIT', limitPrice: D(50), rationale: 'dip buy' }] });
    let state = initialCycleState(D(10_000));
    for (let i = 1; i <= 2; i++) {
      venue.onBar(bar(i, 100));
      state = (await runCycle(e, state, { cycleSeq: i, snapshot: { symbol: 'X', interval: '1h', bar: bar(i, 100) }, recordSnapshot: true, intents: source })).state;
    }
    expect(state.account.position.toFixed()).toBe('10');
    sink.events.length = 0;
    venue.endOfData();
    const last = bar(2, 100);
    const r = await runCycle(e, state, { cycleSeq: 3, snapshot: { symbol: 'X', interval: '1h', bar: last }, recordSnapshot: false, intents: closeOutSource('scripted'), cancelOpenOrders: END_OF_DATA });
    expect(sink.events.map((x) => x.type)).toEqual(['CycleStarted', 'OrderCanceled', 'IntentProposed', 'RiskDecisionMade', 'OrderSubmitRequested', 'OrderAccepted', 'OrderFilled', 'CycleCompleted']);
    expect(sink.events[1]!.data).toMatchObject({ reason: END_OF_DATA });
    expect(sink.events[2]!.data).toMatchObject({ side: 'SELL', qty: '10', context: { reason: END_OF_DATA } });
    expect(sink.events[6]!.data).toMatchObject({ side: 'SELL', qty: '10', price: '99.9' }); // last close 100, 10 bps adverse
    expect(r.state.account.position.isZero()).toBe(true);
    expect(r.state.liveOrders.size).toBe(0);
  });
});
