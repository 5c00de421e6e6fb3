import { describe, expect, it } from 'vitest';
import type { Bar } from '../../src/engine/bar.js';
import { permissivePolicy } from '../../src/engine/risk/permissive-policy.js';
import { onFirstInstrument, type AccountView, type IntentDraft, type Strategy } from '../../src/engine/strategy.js';
import { Decimal } from '../../src/engine/values.js';
import { affordableQty, slipped } from '../../src/engine/venues/simulated/fill-model.js';
import { MemoryEventStore } from '../../src/events/store/memory/memory-event-store.js';
import type { BacktestSettings } from '../../src/replay/backtest/backtest-config.js';
import { runBacktest } from '../../src/replay/backtest/run-backtest.js';
import { openBarSource } from '../../src/replay/data/index.js';

/**
 * The benchmark is buy and hold on the run's own bars and costs: a strategy that buys all it can afford
 * at the first bar's close and holds (closed out at the last close by the run) must end with exactly the
 * benchmark's equity, to the last decimal, through the real engine (decider, simulated venue, close-out).
 */

const D = (v: Decimal.Value) => new Decimal(v);
const DATA = 'synthetic:bars=600,interval=1h,seed=5';

function settings(): BacktestSettings {
  return {
    symbol: 'SYN', quoteAsset: 'USD', strategy: 'all-in', params: {}, seed: '3', fill: 'close',
    feeBps: D(10), slippageBps: D(5), participationCap: null, initialCash: D(100_000), qtyStep: D('0.0001'), minNotional: D(0), priceTick: D('0.01'), tz: 'UTC', risk: null,
  };
}

function allIn(s: BacktestSettings): Strategy<boolean> {
  return {
    name: 'all-in',
    params: {},
    initialState: () => false,
    onBar: onFirstInstrument((bought: boolean, bar: Bar, account: AccountView): { state: boolean; intents: IntentDraft[] } => {
      if (bought) return { state: true, intents: [] };
      const price = slipped(bar.close, 'BUY', s.slippageBps);
      const qty = affordableQty(account.cash, price, { feeBps: s.feeBps, slippageBps: s.slippageBps, participationCap: null, qtyStep: s.qtyStep });
      return { state: true, intents: [{ side: 'BUY', qty, orderType: 'MARKET', limitPrice: null, rationale: 'buy and hold', context: {} }] };
    }),
  };
}

describe('buy-and-hold benchmark through the engine', () => {
  it('a strategy that buys everything on the first bar and holds ends with exactly the benchmark equity', async () => {
    const s = settings();
    const r = await runBacktest(new MemoryEventStore(), {
      settings: s, source: openBarSource(DATA, { symbol: 'SYN' }), strategy: allIn(s), policy: permissivePolicy, rateLimitWindowMs: null, eventsMode: 'decisions', packageVersion: 'test', gitCommit: null,
    });
    expect(r.trades).toHaveLength(1);
    expect(r.closedAtEnd).toBe(true);
    const b = r.metrics.benchmark!;
    expect(b.finalEquity).toBe(r.metrics.finalEquity);
    expect(b.fees).toBe(r.metrics.totalFees);
    expect(b.totalReturn).toBe(r.metrics.totalReturn);
    expect(b.excess.totalReturn).toBe(0);
    expect(b.beatOnReturn).toBe(false);
    expect(b.beta).toBeCloseTo(1, 9);
    // The curves agree bar by bar (the engine marks at each close, as the benchmark does).
    expect(r.prices.closes.length).toBe(r.equity.values.length);
    expect(b.maxDrawdown).toBeCloseTo(r.metrics.maxDrawdown, 9);
    expect(r.metrics.calendar.monthly.every((m) => Math.abs(m.return - m.benchmark!) < 1e-9)).toBe(true);
  });
});
