import path from 'node:path';
import { Decimal } from 'decimal.js';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultEngineConfig } from '../../src/engine/config/schema.js';
import { createRiskPolicy } from '../../src/engine/risk/index.js';
import type { IntentDraft, Strategy } from '../../src/engine/strategy.js';
import { toTypedEvent, type AnyStoredEvent } from '../../src/events/event-factory.js';
import { SqliteEventStore } from '../../src/events/store/sqlite/sqlite-event-store.js';
import { foldEvents, positionOf, trialBalance } from '../../src/projections/index.js';
import { runBacktest } from '../../src/replay/backtest/run-backtest.js';
import { openBarSource } from '../../src/replay/data/index.js';
import { replayRun } from '../../src/replay/parity/replay-run.js';
import { tempDir } from '../support.js';

const tmp = tempDir('engine-multi-');
afterAll(() => tmp.cleanup());
const D = (v: Decimal.Value) => new Decimal(v);

/**
 * A rotation between two instruments: hold whichever rose more over the last `look` bars, all in. It reads
 * both instruments' bars and positions, and trades both: the shape of the research strategies users write.
 */
function rotation(look = 5): Strategy<{ closes: Record<string, number[]> }> {
  return {
    name: 'test-rotation',
    params: { look: String(look) },
    warmupBars: look,
    initialState: () => ({ closes: {} }),
    onBar(state, market, account) {
      const closes: Record<string, number[]> = { ...state.closes };
      for (const [symbol, bar] of Object.entries(market.bars)) closes[symbol] = [...(closes[symbol] ?? []), bar.close.toNumber()].slice(-(look + 1));
      const next = { closes };
      const momentum = (s: string) => {
        const c = closes[s] ?? [];
        return c.length > look ? c[c.length - 1]! / c[0]! - 1 : null;
      };
      const [a, b] = market.instruments;
      const ma = momentum(a!);
      const mb = momentum(b!);
      if (ma === null || mb === null || market.bars[a!] === undefined || market.bars[b!] === undefined) return { state: next, intents: [] };
      const want = ma >= mb ? a! : b!;
      const other = want === a ? b! : a!;
      const intents: IntentDraft[] = [];
      const held = account.positions?.[other] ?? D(0);
      if (held.gt(0)) intents.push({ symbol: other, side: 'SELL', qty: held, orderType: 'MARKET', limitPrice: null, rationale: `rotate out of ${other}`, context: {} });
      if ((account.positions?.[want] ?? D(0)).isZero()) {
        const price = market.bars[want]!.close;
        const qty = account.equity.mul('0.45').div(price).toDecimalPlaces(4, Decimal.ROUND_DOWN);
        intents.push({ symbol: want, side: 'BUY', qty, orderType: 'MARKET', limitPrice: null, rationale: `rotate into ${want}`, context: { momentum: String(want === a ? ma : mb) } });
      }
      return { state: next, intents };
    },
  };
}

async function backtest(db: string, eventsMode: 'full' | 'decisions') {
  const config = defaultEngineConfig();
  const store = SqliteEventStore.open(db, { create: true });
  // BBB starts 20 hours later and has gaps nowhere else: early times show AAA alone.
  const aaa = openBarSource('synthetic:bars=400,interval=1h,seed=11,symbol=AAA', { symbol: 'AAA' });
  const bbb = openBarSource('synthetic:bars=380,interval=1h,seed=12,symbol=BBB,start=2024-01-01T20:00:00Z,price=50', { symbol: 'BBB' });
  const strategy = rotation();
  try {
    const result = await runBacktest(store, {
      settings: {
        symbol: 'AAA', moreSymbols: ['BBB'], quoteAsset: 'USD', strategy: strategy.name, params: strategy.params, seed: '1', fill: 'next-open',
        feeBps: D(10), slippageBps: D(5), participationCap: null, initialCash: D(100_000), qtyStep: D('0.0001'), minNotional: D(10), priceTick: D('0.01'), tz: 'UTC', risk: { ...config.risk, rateLimit: null },
      },
      source: aaa,
      more: [{ symbol: 'BBB', source: bbb }],
      strategy,
      policy: createRiskPolicy({ ...config.risk, rateLimit: null, maxOrderNotional: null, maxCycleNotional: null }, { executionCostBps: 15 }),
      rateLimitWindowMs: null,
      eventsMode,
      packageVersion: 'test',
      gitCommit: null,
    });
    const events: AnyStoredEvent[] = [];
    for await (const e of store.readStream(result.stream)) events.push(toTypedEvent(e));
    return { result, events, replay: await replayRun(store, result.runId, { strategyFor: () => rotation() }) };
  } finally {
    await store.close();
  }
}

describe('several instruments in one run', () => {
  it('aligns the bars by time (a missing bar is a gap), trades both from one cash account, and replays to PARITY in both event modes', async () => {
    const full = await backtest(path.join(tmp.dir, 'full.db'), 'full');
    const decisions = await backtest(path.join(tmp.dir, 'decisions.db'), 'decisions');
    for (const r of [full, decisions]) expect([r.replay.verdict, r.replay.matched]).toEqual(['PARITY', r.replay.recordedEvents]);
    expect(decisions.result.decisionFingerprint).toBe(full.result.decisionFingerprint);

    // One snapshot per time: 20 hours of AAA alone, then both.
    const snapshots = full.events.filter((e) => e.type === 'MarketSnapshotRecorded').map((e) => (e.type === 'MarketSnapshotRecorded' ? e.data.bars.map((b) => b.symbol).join('+') : ''));
    expect(snapshots.slice(0, 20).every((s) => s === 'AAA')).toBe(true);
    expect(snapshots.slice(20).every((s) => s === 'AAA+BBB')).toBe(true);
    expect(snapshots).toHaveLength(400);

    // Both instruments traded; positions per instrument agree with the projections; one ledger balances.
    const fills = full.events.filter((e) => e.type === 'OrderFilled');
    const traded = new Set(fills.map((e) => (e.type === 'OrderFilled' ? e.data.symbol : '')));
    expect([...traded].sort()).toEqual(['AAA', 'BBB']);
    const state = foldEvents(full.events.map((e, i) => ({ ...e, globalPosition: i + 1 })));
    for (const symbol of ['AAA', 'BBB']) {
      expect(positionOf(state.positions, full.result.runId, symbol)?.qty.toFixed() ?? '0').toBe(full.result.finalState.positions[symbol]?.qty.toFixed() ?? '0');
    }
    expect(trialBalance(state.ledger, full.result.runId).balanced).toBe(true);
    // Trades per instrument, closed at the end: net PnL sums to the change of equity.
    const net = full.result.trades.reduce((s, t) => s.plus(t.pnl), D(0));
    expect(net.toFixed()).toBe(full.result.finalEquity.minus(100_000).toFixed());
    // The run records its second dataset for a replay to re-read.
    const started = full.events[0]!;
    expect(started.type === 'RunStarted' && started.data.moreData?.map((d) => d.symbol)).toEqual(['BBB']);
  });
});
