import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRiskPolicy } from '../../src/engine/risk/policy.js';
import type { ProposedOrder, RiskContext } from '../../src/engine/risk/port.js';
import { D, NOW, riskConfig } from './helpers.js';

/**
 * Properties over generated portfolios, risk states, limits and intents. The checker below restates
 * every configured limit independently of the policy's code: an APPROVED or REDUCED verdict must
 * satisfy all of them, and a DENIED one approves nothing.
 */

const dec = (min: number, max: number, scale: number) => fc.integer({ min: min * scale, max: max * scale }).map((n) => D(n).div(scale));
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 2 });

const limitsArb = fc.record({
  maxOrderNotional: maybe(dec(1, 5_000, 100)),
  maxCycleNotional: maybe(dec(1, 10_000, 100)),
  maxPositionQty: maybe(dec(0.01, 100, 100)),
  cashReserveFraction: dec(0, 0.9, 100),
  priceBufferBps: fc.integer({ min: 0, max: 200 }),
  dailyLossLimitFraction: maybe(dec(0.01, 0.5, 100)),
  maxSnapshotAgeMs: maybe(fc.integer({ min: 1, max: 120_000 })),
  rateLimit: maybe(fc.record({ maxOrders: fc.integer({ min: 1, max: 5 }), windowMs: fc.integer({ min: 1_000, max: 60_000 }) })),
  minNotional: dec(0, 50, 100),
  qtyStep: fc.constantFrom('1', '0.1', '0.001', '0.0001'),
  priceTick: fc.constantFrom('0.01', '0.5', '1'),
  allowShort: fc.boolean(),
  reduceFactor: dec(0.1, 1, 100),
});

const scenarioArb = fc.record({
  limits: limitsArb,
  side: fc.constantFrom('BUY' as const, 'SELL' as const),
  qty: fc.oneof(dec(0.0001, 1, 10_000), dec(1, 60, 100)),
  price: dec(0.5, 500, 100),
  limitOrder: fc.boolean(),
  position: dec(-50, 50, 1000),
  cash: fc.oneof(dec(0, 1_000, 100), dec(1_000, 50_000, 100)),
  reserve: dec(0, 2_000, 100),
  dayStartDelta: dec(-0.3, 0.3, 100),
  cycleNotional: dec(0, 8_000, 100),
  snapshotAgeMs: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 200_000 })),
  recentOrders: fc.array(fc.integer({ min: 0, max: 90_000 }), { maxLength: 3 }),
  mode: fc.constantFrom('NORMAL' as const, 'NORMAL' as const, 'REDUCE' as const, 'OBSERVE' as const),
  killSwitch: fc.constantFrom(false, false, false, true),
  unresolved: fc.constantFrom(0, 0, 0, 1),
  dryRun: fc.constantFrom(false, false, false, true),
});

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function build(s: Scenario) {
  const l = s.limits;
  const config = riskConfig({
    maxOrderNotional: l.maxOrderNotional?.toString() ?? null,
    maxCycleNotional: l.maxCycleNotional?.toString() ?? null,
    maxPositionQty: l.maxPositionQty?.toString() ?? null,
    cashReserveFraction: l.cashReserveFraction.toString(),
    priceBufferBps: l.priceBufferBps,
    dailyLossLimitFraction: l.dailyLossLimitFraction?.toString() ?? null,
    maxSnapshotAgeMs: l.maxSnapshotAgeMs,
    rateLimit: l.rateLimit,
    minNotional: l.minNotional.toString(),
    qtyStep: l.qtyStep,
    priceTick: l.priceTick,
    allowShort: l.allowShort,
    modes: { reduceFactor: l.reduceFactor.toString() },
  });
  const equity = s.cash.plus(s.reserve).plus(s.position.mul(s.price));
  const order: ProposedOrder = {
    intentId: 'i',
    symbol: 'SYN',
    side: s.side,
    orderType: s.limitOrder ? 'LIMIT' : 'MARKET',
    qty: s.qty,
    limitPrice: s.limitOrder ? s.price : null,
    refPrice: s.price,
  };
  const ctx: RiskContext = {
    now: NOW,
    snapshotTime: NOW - s.snapshotAgeMs,
    portfolio: { cash: s.cash, reserve: s.reserve, positions: { SYN: s.position }, equity },
    state: {
      mode: s.mode,
      killSwitch: s.killSwitch,
      peakEquity: equity,
      day: '2024-01-02',
      dayStartEquity: equity.mul(D(1).plus(s.dayStartDelta)),
      recentOrderTimes: s.recentOrders.map((ago) => NOW - ago),
      unresolvedUnknownOrders: s.unresolved,
    },
    cycleNotional: s.cycleNotional,
    dryRun: s.dryRun,
  };
  return { config, order, ctx };
}

/** Every configured limit, restated; returns the violated ones. */
function violations(s: Scenario, q: ReturnType<typeof D>): string[] {
  const l = s.limits;
  const v: string[] = [];
  const notional = q.mul(s.price);
  const signed = s.side === 'BUY' ? q : q.neg();
  const after = s.position.plus(signed);
  const addsExposure = after.abs().gt(s.position.abs()) || (!after.isZero() && !s.position.isZero() && after.isNeg() !== s.position.isNeg()) || (s.position.isZero() && !q.isZero());
  const equity = s.cash.plus(s.reserve).plus(s.position.mul(s.price));
  const dayStart = equity.mul(D(1).plus(s.dayStartDelta));
  if (q.gt(s.qty)) v.push('approvedQty > requestedQty');
  if (!q.div(l.qtyStep).isInteger()) v.push('qty not a multiple of the step');
  if (notional.lt(l.minNotional)) v.push('below min notional');
  const closingQ = s.side === 'SELL' ? (s.position.gt(0) ? s.position : D(0)) : s.position.lt(0) ? s.position.neg() : D(0);
  const newExposure = (q.gt(closingQ) ? q.minus(closingQ) : D(0)).mul(s.price);
  if (l.maxOrderNotional && newExposure.gt(l.maxOrderNotional)) v.push('per-order cap');
  if (l.maxCycleNotional && newExposure.gt(0) && s.cycleNotional.plus(newExposure).gt(l.maxCycleNotional)) v.push('per-cycle cap');
  if (l.maxPositionQty && after.abs().gt(l.maxPositionQty) && addsExposure) v.push('position cap');
  if (s.side === 'BUY') {
    const cashAfter = s.cash.minus(q.mul(s.price).mul(D(1).plus(D(l.priceBufferBps).div(10_000))));
    const floor = equity.minus(s.reserve).mul(l.cashReserveFraction);
    if (cashAfter.lt(floor)) v.push('cash below the reserve');
    if (cashAfter.lt(0)) v.push('negative cash');
  } else if (!l.allowShort && after.lt(0)) v.push('short without allowShort');
  if ((s.killSwitch || s.mode === 'OBSERVE' || s.unresolved > 0) && addsExposure) v.push('new exposure while kill switch / OBSERVE');
  if (l.dailyLossLimitFraction && dayStart.gt(0) && dayStart.minus(equity).gte(dayStart.mul(l.dailyLossLimitFraction)) && addsExposure) v.push('new exposure past the daily loss limit');
  if (l.maxSnapshotAgeMs !== null && s.snapshotAgeMs > l.maxSnapshotAgeMs) v.push('stale data');
  if (l.rateLimit && s.recentOrders.filter((ago) => ago < l.rateLimit!.windowMs).length >= l.rateLimit.maxOrders) v.push('rate limit');
  if (s.dryRun) v.push('sent in a dry run');
  if (s.mode === 'REDUCE' && s.unresolved === 0) {
    const closing = s.side === 'SELL' ? D(Math.max(0, s.position.toNumber())) : D(Math.max(0, -s.position.toNumber()));
    const inc = q.minus(closing.gt(q) ? q : closing);
    const reqInc = s.qty.minus(closing.gt(s.qty) ? s.qty : closing);
    if (inc.gt(reqInc.mul(l.reduceFactor))) v.push('REDUCE mode not applied');
  }
  return v;
}

describe('risk policy properties', () => {
  it('no APPROVED or REDUCED verdict violates any configured limit; DENIED approves nothing', () => {
    const seen = { APPROVED: 0, REDUCED: 0, DENIED: 0 };
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const { config, order, ctx } = build(s);
        const v = createRiskPolicy(config).decide(order, ctx);
        seen[v.verdict]++;
        if (v.verdict === 'DENIED') {
          expect(v.approvedQty.isZero()).toBe(true);
          expect(v.reasonCode).not.toBeNull();
          return;
        }
        expect(violations(s, v.approvedQty)).toEqual([]);
        expect(v.approvedQty.gt(0)).toBe(true);
        if (v.verdict === 'APPROVED') expect(v.approvedQty.eq(order.qty)).toBe(true);
        else expect(v.reasonCode).not.toBeNull();
      }),
      { numRuns: 1500, seed: 4242 },
    );
    // The generator must reach every verdict, or the property says little.
    expect(seen.APPROVED).toBeGreaterThan(50);
    expect(seen.REDUCED).toBeGreaterThan(50);
    expect(seen.DENIED).toBeGreaterThan(50);
  });

  it('cash never goes below the reserve over a sequence of buys in one cycle', () => {
    fc.assert(
      fc.property(
        fc.record({ cash: dec(100, 50_000, 100), fraction: dec(0, 0.8, 100), price: dec(1, 300, 100), qtys: fc.array(dec(0.01, 100, 100), { minLength: 1, maxLength: 8 }) }),
        ({ cash, fraction, price, qtys }) => {
          const policy = createRiskPolicy(riskConfig({ cashReserveFraction: fraction.toString(), qtyStep: '0.01' }));
          let c = cash;
          let pos = D(0);
          let cycleNotional = D(0);
          for (const q of qtys) {
            const equity = c.plus(pos.mul(price));
            const v = policy.decide(
              { intentId: 'i', symbol: 'SYN', side: 'BUY', orderType: 'MARKET', qty: q, limitPrice: null, refPrice: price },
              { now: NOW, snapshotTime: NOW, portfolio: { cash: c, reserve: D(0), positions: { SYN: pos }, equity }, state: { mode: 'NORMAL', killSwitch: false, peakEquity: equity, day: '2024-01-02', dayStartEquity: equity, recentOrderTimes: [], unresolvedUnknownOrders: 0 }, cycleNotional, dryRun: false },
            );
            expect(v.approvedQty.lte(q)).toBe(true);
            // fill at the reference price: cash after must stay at or above the reserve of the equity
            c = c.minus(v.approvedQty.mul(price));
            pos = pos.plus(v.approvedQty);
            cycleNotional = cycleNotional.plus(v.approvedQty.mul(price));
            expect(c.gte(equity.mul(fraction))).toBe(true);
          }
        },
      ),
      { numRuns: 500, seed: 7 },
    );
  });
});
