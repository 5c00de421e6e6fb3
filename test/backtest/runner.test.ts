import { describe, expect, it } from 'vitest';
import { permissivePolicy } from '../../src/engine/risk/permissive-policy.js';
import { createRiskPolicy } from '../../src/engine/risk/index.js';
import { defaultEngineConfig } from '../../src/engine/config/index.js';
import { createStrategy } from '../../src/engine/strategies/index.js';
import type { RiskPolicy } from '../../src/engine/risk/port.js';
import { Decimal } from '../../src/engine/values.js';
import { toTypedEvent, type AnyStoredEvent } from '../../src/events/event-factory.js';
import { MemoryEventStore } from '../../src/events/store/memory/memory-event-store.js';
import { cashBalance, evolveLedger, evolvePositions, initialLedgerState, initialPositionsState, positionOf } from '../../src/projections/index.js';
import type { BacktestSettings, EventsMode } from '../../src/replay/backtest/backtest-config.js';
import { type FingerprintableEvent, fingerprintsOf } from '../../src/replay/backtest/fingerprints.js';
import { runBacktest } from '../../src/replay/backtest/run-backtest.js';
import { openBarSource } from '../../src/replay/data/index.js';

const D = (v: Decimal.Value) => new Decimal(v);
const DATA = 'synthetic:bars=1500,interval=1h,seed=21';

function settings(over: Partial<BacktestSettings> = {}): BacktestSettings {
  const strategy = createStrategy('sma-cross', { fast: '5', slow: '20' });
  return {
    symbol: 'SYN', quoteAsset: 'USD', strategy: strategy.name, params: strategy.params, seed: '9', fill: 'next-open',
    feeBps: D(10), slippageBps: D(5), participationCap: null, initialCash: D(100_000), qtyStep: D('0.0001'), minNotional: D(0), priceTick: D('0.01'), tz: 'UTC', risk: null,
    ...over,
  };
}

async function backtest(store: MemoryEventStore, s: BacktestSettings, eventsMode: EventsMode = 'full', policy: RiskPolicy = permissivePolicy, batchSize = 2000) {
  const strategy = createStrategy(s.strategy, s.params);
  return runBacktest(store, { settings: s, source: openBarSource(DATA, { symbol: 'SYN' }), strategy, policy, rateLimitWindowMs: null, eventsMode, packageVersion: 'test', gitCommit: null, batchSize });
}

async function streamOf(store: MemoryEventStore, stream: string): Promise<AnyStoredEvent[]> {
  const out: AnyStoredEvent[] = [];
  for await (const e of store.readStream(stream)) out.push(toTypedEvent(e));
  return out;
}

describe('backtest runner', () => {
  it("the run's state agrees with the positions and ledger projections folded from the log (one fill fold)", async () => {
    const store = new MemoryEventStore();
    const r = await backtest(store, settings({ participationCap: D('0.0005') }));
    expect(r.trades.length).toBeGreaterThan(3);
    let positions = initialPositionsState();
    let ledger = initialLedgerState();
    for (const e of await streamOf(store, r.stream)) {
      positions = evolvePositions(positions, e);
      ledger = evolveLedger(ledger, e);
    }
    const p = positionOf(positions, r.runId, 'SYN');
    const held = r.finalState.positions.SYN!;
    expect(p?.qty.toFixed() ?? '0').toBe(held.qty.toFixed());
    expect(p?.fees.toFixed()).toBe(held.fees.toFixed());
    expect(p?.realizedPnl.toFixed()).toBe(held.realizedPnl.toFixed());
    expect(p?.costBasis.toFixed()).toBe(held.costBasis.toFixed());
    expect(cashBalance(ledger, r.runId).toFixed()).toBe(r.finalState.account.cash.toFixed());
    // The trades are the same fold's round trips: their net PnL sums to realized minus fees when flat.
    expect(r.trades.reduce((sum, t) => sum.plus(t.pnl), D(0)).toFixed()).toBe(held.realizedPnl.minus(held.fees).toFixed());
    // Flat at the end, so equity is cash.
    expect(held.qty.isZero()).toBe(true);
    expect(r.finalEquity.toFixed()).toBe(r.finalState.account.cash.toFixed());
  });

  it('the participation cap yields partial fills; the end of data cancels what rests and closes what is open, and says so', async () => {
    const store = new MemoryEventStore();
    const r = await backtest(store, settings({ participationCap: D('0.0002') }), 'decisions');
    const events = await streamOf(store, r.stream);
    const fillsPerOrder = new Map<string, number>();
    for (const e of events) if (e.type === 'OrderFilled') fillsPerOrder.set(e.data.clientOrderId, (fillsPerOrder.get(e.data.clientOrderId) ?? 0) + 1);
    expect(Math.max(...fillsPerOrder.values())).toBeGreaterThan(1);
    const last = events.at(-1)!;
    expect(last.type).toBe('RunEnded');
    if (r.closedAtEnd) {
      const closeIntent = events.find((e) => e.type === 'IntentProposed' && e.data.context.reason === 'END_OF_DATA');
      expect(closeIntent).toBeDefined();
      expect(last.type === 'RunEnded' && last.data.detail).toMatch(/END_OF_DATA/);
      expect(r.trades.at(-1)!.openAtEnd).toBe(true);
    }
    // What rests at the end is canceled END_OF_DATA; what the venue ended itself (a fill cut to what the account
    // could pay) is recorded as the venue reported it, once every fill it made is in the log.
    for (const e of events) if (e.type === 'OrderCanceled') expect(e.data.reason).toMatch(/^(END_OF_DATA|venue reports CANCELED)$/);
    const projectedOrders = events.filter((e) => e.type === 'OrderSubmitRequested').map((e) => e.type === 'OrderSubmitRequested' && e.data.clientOrderId);
    const ended = new Set(events.flatMap((e) => (e.type === 'OrderCanceled' || e.type === 'OrderRejected' ? [e.data.clientOrderId] : [])));
    const filled = new Map<string, Decimal>();
    for (const e of events) if (e.type === 'OrderFilled') filled.set(e.data.clientOrderId, (filled.get(e.data.clientOrderId) ?? D(0)).plus(e.data.qty));
    const requested = new Map(events.flatMap((e) => (e.type === 'OrderSubmitRequested' ? [[e.data.clientOrderId, D(e.data.qty)] as const] : [])));
    // Nothing is left working: every order is filled or ended.
    for (const id of projectedOrders) if (id) expect(ended.has(id) || filled.get(id)?.eq(requested.get(id)!)).toBe(true);
  });

  it('is deterministic in process, idempotent on re-run, and batch size does not change what is recorded', async () => {
    const store = new MemoryEventStore();
    const a = await backtest(store, settings(), 'full', permissivePolicy, 2000);
    const head = await store.head();
    const b = await backtest(store, settings(), 'full', permissivePolicy, 2000);
    expect(b.fingerprint).toBe(a.fingerprint);
    expect(b.eventsWritten).toBe(0);
    expect(await store.head()).toEqual(head);
    const other = new MemoryEventStore();
    const c = await backtest(other, settings(), 'full', permissivePolicy, 777);
    expect(c.fingerprint).toBe(a.fingerprint);
    // The fingerprint is what the stored events give back.
    const stored = await fingerprintsOf((async function* () {
      for await (const e of other.readStream(c.stream)) yield e as unknown as FingerprintableEvent;
    })());
    expect(stored.fingerprint).toBe(c.fingerprint);
    expect(stored.decisionFingerprint).toBe(c.decisionFingerprint);
  });

  it('with the configured risk policy, denials are recorded and counted by reason code', async () => {
    const config = defaultEngineConfig();
    const tight = createRiskPolicy({ ...config.risk, maxOrderNotional: '1000', maxPositionQty: '5' });
    const store = new MemoryEventStore();
    const r = await backtest(store, settings({ risk: { maxOrderNotional: '1000', maxPositionQty: '5' } }), 'decisions', tight);
    const total = Object.values(r.denials).reduce((x, y) => x + y, 0) + Object.values(r.reductions).reduce((x, y) => x + y, 0);
    expect(total).toBeGreaterThan(0);
    const decided = (await streamOf(store, r.stream)).filter((e) => e.type === 'RiskDecisionMade');
    for (const d of decided) if (d.type === 'RiskDecisionMade' && d.data.verdict !== 'APPROVED') expect(d.data.reasonCode).not.toBeNull();
  });
});
