import { describe, expect, it } from 'vitest';
import { Decimal } from '../../src/engine/values.js';
import { buyAndHoldInputOf } from '../../src/replay/backtest/benchmark.js';
import { PriceTape } from '../../src/replay/backtest/price-tape.js';

const bar = (time: number, open: number, close: number) => ({ time, open: new Decimal(open), high: new Decimal(Math.max(open, close)), low: new Decimal(Math.min(open, close)), close: new Decimal(close), volume: new Decimal(1) });

describe('price tape over aligned cycles of several instruments', () => {
  it("follows the first instrument: NaN before its data, its last close through a gap; buy and hold enters at its own bars' cycles", () => {
    const tape = new PriceTape('A');
    tape.push([{ symbol: 'B', bar: bar(0, 5, 6) }]);
    tape.push([{ symbol: 'A', bar: bar(1, 10, 11) }, { symbol: 'B', bar: bar(1, 6, 7) }]);
    tape.push([{ symbol: 'B', bar: bar(2, 7, 8) }]);
    tape.push([{ symbol: 'A', bar: bar(3, 12, 13) }]);
    const s = tape.series();
    expect(Array.from(s.closes)).toEqual([Number.NaN, 11, 11, 13]);
    expect(s.firstBars.map((f) => f.index)).toEqual([1, 3]);
    expect(s.lastBar?.close.toNumber()).toBe(13);
    const costs = { feeBps: new Decimal(0), slippageBps: new Decimal(0), qtyStep: new Decimal('0.0001'), initialCash: new Decimal(1000) };
    expect(buyAndHoldInputOf(s, { ...costs, fill: 'next-open' })!.entry).toMatchObject({ barIndex: 3, time: 3 });
    expect(buyAndHoldInputOf(s, { ...costs, fill: 'next-open' })!.entry.price.toNumber()).toBe(12);
    expect(buyAndHoldInputOf(s, { ...costs, fill: 'close' })!.entry).toMatchObject({ barIndex: 1, time: 1 });
    expect(buyAndHoldInputOf(s, { ...costs, fill: 'close' })!.entry.price.toNumber()).toBe(11);
  });
});
