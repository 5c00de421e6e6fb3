import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buyAndHold } from '../../src/replay/metrics/index.js';

const D = (v: Decimal.Value) => new Decimal(v);
const base = { initialCash: D(10_000), feeBps: D(10), slippageBps: D(5), qtyStep: D('0.0001') };

describe('buy-and-hold benchmark', () => {
  it('hand-checked: buys at the slipped entry price, pays the fee both ways, sells slipped at the last close', () => {
    const b = buyAndHold({ ...base, closes: [100, 110, 121], entry: { price: D(100), barIndex: 0, time: 0 }, exitPrice: D(121) })!;
    // Buy at 100 x 1.0005 = 100.05; the most the cash pays with a 0.1% fee: 10000 / (100.05 x 1.001) = 99.850174..., floored to 0.0001
    expect(b.entryFillPrice.toFixed()).toBe('100.05');
    expect(b.qty.toFixed()).toBe('99.8501');
    const entryCost = D('99.8501').mul('100.05');
    const entryFee = entryCost.mul('0.001');
    // Sell at 121 x 0.9995 = 120.9395, fee 0.1% of that notional.
    expect(b.exitFillPrice.toFixed()).toBe('120.9395');
    const proceeds = D('99.8501').mul('120.9395');
    const expected = D(10_000).minus(entryCost).minus(entryFee).plus(proceeds).minus(proceeds.mul('0.001'));
    expect(b.finalEquity.toFixed()).toBe(expected.toFixed());
    expect(b.fees.toFixed()).toBe(entryFee.plus(proceeds.mul('0.001')).toFixed());
    expect(b.equityCurve.at(2)).toBe(b.finalEquity.toNumber());
    expect(b.equityCurve.at(1)).toBeCloseTo(D(10_000).minus(entryCost).minus(entryFee).plus(D('99.8501').mul(110)).toNumber(), 9);
  });

  it('next-open entry: flat at the initial cash on the bar before the entry', () => {
    const b = buyAndHold({ ...base, closes: [100, 90, 95], entry: { price: D(99), barIndex: 1, time: 1 }, exitPrice: D(95) })!;
    expect(b.equityCurve.at(0)).toBe(10_000);
    expect(b.equityCurve.at(1)).toBeLessThan(10_000);
    expect(buyAndHold({ ...base, closes: [100], entry: { price: D(99), barIndex: 1, time: 1 }, exitPrice: D(100) })).toBeNull();
  });

  it("without costs its return is the instrument's, to within one quantity step", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 2, maxLength: 50 }), (cents) => {
        const closes = cents.map((c) => c / 100);
        const b = buyAndHold({ initialCash: D(100_000), feeBps: D(0), slippageBps: D(0), qtyStep: D('0.00000001'), closes, entry: { price: D(closes[0]!), barIndex: 0, time: 0 }, exitPrice: D(closes.at(-1)!) })!;
        const instrument = D(closes.at(-1)!).div(closes[0]!);
        const slack = D('0.00000001').mul(closes.at(-1)!).div(100_000).plus(D('0.00000001').mul(closes[0]!).div(100_000));
        expect(b.finalEquity.div(100_000).minus(instrument).abs().lte(slack)).toBe(true);
      }),
    );
  });

  it('costs never raise the final equity, but for the cash the quantity step leaves over', () => {
    // With costs fewer units are bought and each is sold for less; only the cash left by flooring the
    // quantity to its step (under one step at the entry's fill price, fee included) can come out ahead.
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 100, max: 100_000 }), { minLength: 2, maxLength: 30 }), fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 100 }), (cents, fee, slip) => {
        const closes = cents.map((c) => c / 100);
        const run = (f: number, s: number) => buyAndHold({ ...base, feeBps: D(f), slippageBps: D(s), closes, entry: { price: D(closes[0]!), barIndex: 0, time: 0 }, exitPrice: D(closes.at(-1)!) })!;
        const costly = run(fee, slip);
        const leftover = base.qtyStep.mul(costly.entryFillPrice).mul(D(fee).div(10_000).plus(1));
        expect(costly.finalEquity.lt(run(0, 0).finalEquity.plus(leftover))).toBe(true);
      }),
    );
  });
});
