import fc from 'fast-check';
import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { createRiskPolicy } from '../../src/engine/risk/policy.js';
import { buy, ctx, D, riskConfig, sell } from './helpers.js';

/**
 * The caps measured in money (issue 11: risk caps per instrument and for the portfolio), restated here
 * independently: after an approved order, one instrument's |position| x price stays within its share of
 * equity, and every instrument's together (the others at their marks) within the portfolio's share; an
 * order that only reduces exposure is never cut by them.
 */

const dec = (min: number, max: number, scale: number) => fc.integer({ min: min * scale, max: max * scale }).map((n) => D(n).div(scale));

const scenario = fc.record({
  instrumentFraction: fc.option(dec(0.05, 1, 100), { nil: null }),
  grossFraction: fc.option(dec(0.05, 1, 100), { nil: null }),
  side: fc.constantFrom('BUY' as const, 'SELL' as const),
  qty: dec(0.001, 500, 1000),
  price: dec(1, 400, 100),
  position: dec(-200, 200, 100),
  others: fc.array(fc.record({ qty: dec(-300, 300, 100), mark: dec(1, 300, 100) }), { maxLength: 3 }),
  equity: dec(1_000, 200_000, 1),
});

describe('exposure caps: share of equity per instrument and for the portfolio', () => {
  it('an approved order leaves each cap respected, or the position no further from zero than it was', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const policy = createRiskPolicy(
          riskConfig({ allowShort: true, maxPositionFraction: s.instrumentFraction?.toFixed() ?? null, maxGrossExposureFraction: s.grossFraction?.toFixed() ?? null }),
        );
        const positions: Record<string, Decimal> = { SYN: s.position };
        const marks: Record<string, Decimal> = { SYN: s.price };
        s.others.forEach((o, i) => ((positions[`O${i}`] = o.qty), (marks[`O${i}`] = o.mark)));
        const order = s.side === 'BUY' ? buy(s.qty, s.price) : sell(s.qty, s.price);
        const v = policy.decide(order, ctx({ portfolio: { cash: D(10_000_000), reserve: D(0), positions, equity: s.equity, marks } }));
        const after = s.side === 'BUY' ? s.position.plus(v.approvedQty) : s.position.minus(v.approvedQty);
        const movedAway = after.abs().gt(s.position.abs()) || (!after.isZero() && !s.position.isZero() && after.isNeg() !== s.position.isNeg());
        const others = s.others.reduce((t, o) => t.plus(o.qty.abs().mul(o.mark)), D(0));
        if (v.approvedQty.gt(0) && movedAway) {
          if (s.instrumentFraction) expect(after.abs().mul(s.price).lte(s.equity.mul(s.instrumentFraction))).toBe(true);
          if (s.grossFraction) expect(after.abs().mul(s.price).plus(others).lte(s.equity.mul(s.grossFraction))).toBe(true);
        }
        // A pure reduction (same side, towards zero) goes through whole.
        const reducesOnly = (s.side === 'SELL' && s.position.gte(s.qty)) || (s.side === 'BUY' && s.position.neg().gte(s.qty));
        if (reducesOnly) expect(v.approvedQty.toFixed()).toBe(s.qty.toDecimalPlaces(4, Decimal.ROUND_DOWN).toFixed());
        if (v.reasonCode === 'PORTFOLIO_CAP') expect(s.grossFraction).not.toBeNull();
      }),
      { numRuns: 2_000, seed: 11 },
    );
  });

  it('PORTFOLIO_CAP cuts a buy to the room the other instruments leave, and says what they hold', () => {
    const policy = createRiskPolicy(riskConfig({ maxGrossExposureFraction: '0.5' }));
    // Equity 100000, cap 50000; BBB holds 300 x 100 = 30000 => room 20000 => 200 at 100.
    const v = policy.decide(buy(500, 100, 'AAA'), ctx({ portfolio: { cash: D(70_000), reserve: D(0), positions: { BBB: D(300) }, equity: D(100_000), marks: { BBB: D(100) } } }));
    expect(v.verdict).toBe('REDUCED');
    expect(v.reasonCode).toBe('PORTFOLIO_CAP');
    expect(v.approvedQty.toFixed()).toBe('200');
    expect(v.context['otherInstruments']).toBe('30000');
  });

  it('POSITION_CAP by share of equity uses the per-symbol override', () => {
    const policy = createRiskPolicy(riskConfig({ maxPositionFraction: '0.5', maxPositionFractionBySymbol: { AAA: '0.1' } }));
    const portfolio = { cash: D(100_000), reserve: D(0), positions: {}, equity: D(100_000) };
    expect(policy.decide(buy(500, 100, 'AAA'), ctx({ portfolio })).approvedQty.toFixed()).toBe('100');
    expect(policy.decide(buy(1000, 100, 'BBB'), ctx({ portfolio })).approvedQty.toFixed()).toBe('500');
  });
});
