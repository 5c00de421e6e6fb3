import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { atrPositionSize } from '../../src/engine/sizing/index.js';

const base = { riskFraction: new Decimal('0.01'), atrMultiple: new Decimal(2), price: new Decimal(100), qtyStep: new Decimal('0.0001'), maxLeverage: new Decimal(1) };

describe('ATR position sizing', () => {
  it('risks equity x fraction over atrMult x ATR', () => {
    const s = atrPositionSize({ ...base, equity: new Decimal(10_000), atr: 2.5 });
    expect(s.qty.toString()).toBe('20'); // 100 / 5
    expect(s.capped).toBe(false);
    expect(s.riskBudget.toString()).toBe('100');
  });

  it('rounds down to the quantity step', () => {
    expect(atrPositionSize({ ...base, equity: new Decimal(10_000), atr: 3 }).qty.toString()).toBe('16.6666'); // 100/6
  });

  it('caps the notional at equity x maxLeverage', () => {
    const s = atrPositionSize({ ...base, equity: new Decimal(10_000), atr: 0.05 }); // 1000 by risk, 100 by leverage
    expect(s.qty.toString()).toBe('100');
    expect(s.capped).toBe(true);
  });

  it('gives zero for a zero ATR or non-positive equity', () => {
    expect(atrPositionSize({ ...base, equity: new Decimal(10_000), atr: 0 }).qty.isZero()).toBe(true);
    expect(atrPositionSize({ ...base, equity: new Decimal(-5), atr: 1 }).qty.isZero()).toBe(true);
  });

  it('never exceeds the cap nor the risk budget, and is a multiple of the step', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1e9 }), fc.double({ min: 1e-6, max: 1e4, noNaN: true }), fc.integer({ min: 1, max: 1e6 }), (equity, atr, price) => {
        const s = atrPositionSize({ ...base, equity: new Decimal(equity), atr, price: new Decimal(price) });
        expect(s.qty.gte(0)).toBe(true);
        expect(s.qty.mul(price).lte(new Decimal(equity))).toBe(true);
        expect(s.qty.mul(s.stopDistance).lte(s.riskBudget)).toBe(true);
        expect(s.qty.mod(base.qtyStep).isZero()).toBe(true);
      }),
    );
  });
});
