import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitOrderToMarket, isOnGrid, offGridReason } from '../../src/engine/venues/market-grid.js';
import type { MarketRules } from '../../src/engine/venues/market-rules.js';

const rulesArb = fc
  .record({ stepExp: fc.integer({ min: 0, max: 8 }), tickExp: fc.integer({ min: 0, max: 4 }), minQtySteps: fc.integer({ min: 0, max: 50 }), minNotional: fc.integer({ min: 0, max: 20 }) })
  .map(({ stepExp, tickExp, minQtySteps, minNotional }): MarketRules => {
    const qtyStep = new Decimal(10).pow(-stepExp);
    return { symbol: 'X/Y', baseAsset: 'X', quoteAsset: 'Y', qtyStep, minQty: qtyStep.mul(minQtySteps), minNotional: new Decimal(minNotional), priceTick: new Decimal(10).pow(-tickExp) };
  });
const decimalArb = (max: number) => fc.integer({ min: 1, max: max * 1_000_000 }).map((n) => new Decimal(n).div(1_000_000));

describe('fitting an order to the venue grid', () => {
  it('quantity rounds down to the step, buys down and sells up to the tick, and the result is on the grid and never more aggressive', () => {
    fc.assert(
      fc.property(rulesArb, decimalArb(5), decimalArb(100_000), fc.constantFrom('BUY' as const, 'SELL' as const), (rules, qty, limit, side) => {
        const fit = fitOrderToMarket({ side, orderType: 'LIMIT', qty, limitPrice: limit, referencePrice: limit }, rules);
        if (!fit.ok) {
          // Denied only when the rounded order breaks a minimum.
          const q = qty.div(rules.qtyStep).floor().mul(rules.qtyStep);
          const p = side === 'BUY' ? limit.div(rules.priceTick).floor().mul(rules.priceTick) : limit.div(rules.priceTick).ceil().mul(rules.priceTick);
          expect(q.lte(0) || q.lt(rules.minQty) || p.lte(0) || q.mul(p).lt(rules.minNotional)).toBe(true);
          return;
        }
        expect(fit.qty.lte(qty)).toBe(true);
        expect(qty.sub(fit.qty).lt(rules.qtyStep)).toBe(true);
        expect(isOnGrid(fit.qty, rules.qtyStep)).toBe(true);
        const p = fit.limitPrice!;
        expect(isOnGrid(p, rules.priceTick)).toBe(true);
        if (side === 'BUY') expect(p.lte(limit) && limit.sub(p).lt(rules.priceTick)).toBe(true);
        else expect(p.gte(limit) && p.sub(limit).lt(rules.priceTick)).toBe(true);
        expect(fit.qty.mul(p).gte(rules.minNotional)).toBe(true);
        expect(offGridReason({ qty: fit.qty, limitPrice: p, orderType: 'LIMIT' }, rules)).toBeNull();
      }),
    );
  });

  it('minimum notional is checked after rounding: an order just above it before rounding is denied', () => {
    const rules: MarketRules = { symbol: 'B/Q', baseAsset: 'B', quoteAsset: 'Q', qtyStep: new Decimal('0.001'), minQty: new Decimal(0), minNotional: new Decimal(10), priceTick: new Decimal('0.01') };
    const fit = fitOrderToMarket({ side: 'BUY', orderType: 'LIMIT', qty: new Decimal('0.1009'), limitPrice: new Decimal('99.999'), referencePrice: new Decimal(100) }, rules);
    // 0.1009 x 99.999 = 10.0899 before rounding; 0.100 x 99.99 = 9.999 after.
    expect(fit).toMatchObject({ ok: false, reasonCode: 'MIN_NOTIONAL' });
  });

  it('a market order is checked against the reference price', () => {
    const rules: MarketRules = { symbol: 'B/Q', baseAsset: 'B', quoteAsset: 'Q', qtyStep: new Decimal('0.001'), minQty: new Decimal(0), minNotional: new Decimal(10), priceTick: new Decimal('0.01') };
    expect(fitOrderToMarket({ side: 'SELL', orderType: 'MARKET', qty: new Decimal('0.0999'), limitPrice: null, referencePrice: new Decimal(101) }, rules)).toMatchObject({ ok: false, reasonCode: 'MIN_NOTIONAL' });
    const ok = fitOrderToMarket({ side: 'SELL', orderType: 'MARKET', qty: new Decimal('0.1009'), limitPrice: null, referencePrice: new Decimal(101) }, rules);
    expect(ok.ok && ok.qty.toFixed()).toBe('0.1');
  });
});
