import { describe, expect, it } from 'vitest';
import { ALL_REASON_CODES, layerOf, type ReasonCode } from '../../src/engine/reason-codes.js';
import { createRiskPolicy } from '../../src/engine/risk/policy.js';
import type { ProposedOrder, RiskContext, RiskVerdict } from '../../src/engine/risk/port.js';
import { buy, ctx, D, NOW, riskConfig, sell } from './helpers.js';

/** One scenario per POLICY / RISK / EXECUTION code that the policy yields, and the expected verdict. */
interface Scenario {
  code: ReasonCode;
  verdict: RiskVerdict['verdict'];
  config?: Record<string, unknown>;
  order: ProposedOrder;
  ctx: RiskContext;
  /** Context keys that must be present. */
  keys: string[];
}

const long = (qty: number, cash = 100_000) => ({ cash: D(cash), reserve: D(0), positions: { SYN: D(qty) }, equity: D(cash + qty * 100) });

const SCENARIOS: Scenario[] = [
  { code: 'DRY_RUN', verdict: 'DENIED', order: buy(1), ctx: ctx({ dryRun: true }), keys: ['wouldBe', 'wouldApproveQty'] },
  { code: 'NOT_ARMED', verdict: 'DENIED', order: buy(1), ctx: ctx({ venueArmed: false }), keys: ['wouldBe'] },
  { code: 'KILL_SWITCH', verdict: 'DENIED', order: buy(1), ctx: ctx({}, { killSwitch: true }), keys: ['requestedQty', 'exposureReducingQty'] },
  { code: 'NOTIONAL_CAP_PER_ORDER', verdict: 'REDUCED', config: { maxOrderNotional: '1000' }, order: buy(12), ctx: ctx(), keys: ['requested', 'limit'] },
  {
    code: 'NOTIONAL_CAP_PER_CYCLE',
    verdict: 'REDUCED',
    config: { maxCycleNotional: '1000' },
    order: buy(5),
    ctx: ctx({ cycleNotional: D(700) }),
    keys: ['requested', 'alreadyThisCycle', 'limit'],
  },
  { code: 'POSITION_CAP', verdict: 'REDUCED', config: { maxPositionQty: '10' }, order: buy(5), ctx: ctx({ portfolio: long(8) }), keys: ['position', 'limit'] },
  {
    code: 'PORTFOLIO_CAP',
    verdict: 'REDUCED',
    config: { maxGrossExposureFraction: '0.5' },
    order: buy(400),
    ctx: ctx({ portfolio: { cash: D(100_000), reserve: D(0), positions: { SYN: D(0), ETH: D(100) }, equity: D(100_000), marks: { SYN: D(100), ETH: D(200) } } }),
    keys: ['position', 'otherInstruments', 'limit'],
  },
  { code: 'CASH_RESERVE', verdict: 'REDUCED', config: { cashReserveFraction: '0.5' }, order: buy(800), ctx: ctx(), keys: ['cashAfter', 'limit'] },
  { code: 'DAILY_LOSS_LIMIT', verdict: 'DENIED', config: { dailyLossLimitFraction: '0.05' }, order: buy(1), ctx: ctx({ portfolio: { ...long(0), equity: D(94_000) } }), keys: ['loss', 'limit'] },
  { code: 'RISK_MODE_REDUCE', verdict: 'REDUCED', order: buy(10), ctx: ctx({}, { mode: 'REDUCE' }), keys: ['reduceFactor'] },
  { code: 'RISK_MODE_OBSERVE', verdict: 'DENIED', order: buy(1), ctx: ctx({}, { mode: 'OBSERVE' }), keys: ['riskMode'] },
  { code: 'STALE_DATA', verdict: 'DENIED', config: { maxSnapshotAgeMs: 60_000 }, order: buy(1), ctx: ctx({ snapshotTime: NOW - 120_000 }), keys: ['ageMs', 'limitMs'] },
  {
    code: 'RATE_LIMIT',
    verdict: 'DENIED',
    config: { rateLimit: { maxOrders: 2, windowMs: 60_000 } },
    order: buy(1),
    ctx: ctx({}, { recentOrderTimes: [NOW - 30_000, NOW - 10_000] }),
    keys: ['ordersInWindow', 'limit', 'windowMs'],
  },
  { code: 'MIN_NOTIONAL', verdict: 'DENIED', config: { minNotional: '10' }, order: buy('0.05'), ctx: ctx(), keys: ['requested', 'limit'] },
  { code: 'PRECISION', verdict: 'DENIED', config: { qtyStep: '0.01' }, order: buy('0.004'), ctx: ctx(), keys: ['requestedQty', 'qtyStep'] },
  { code: 'INSUFFICIENT_BALANCE', verdict: 'REDUCED', order: sell(5), ctx: ctx({ portfolio: long(3) }), keys: ['requestedQty', 'held'] },
];

describe('one scenario per reason code', () => {
  for (const s of SCENARIOS) {
    it(`${s.code}: ${s.verdict}`, () => {
      const v = createRiskPolicy(riskConfig(s.config)).decide(s.order, s.ctx);
      expect(v.verdict).toBe(s.verdict);
      expect(v.reasonCode).toBe(s.code);
      expect(v.layer).toBe(layerOf(s.code));
      for (const k of s.keys) expect(v.context, `context key ${k}`).toHaveProperty(k);
      if (s.verdict === 'DENIED') expect(v.approvedQty.isZero()).toBe(true);
      else expect(v.approvedQty.gt(0) && v.approvedQty.lt(s.order.qty)).toBe(true);
    });
  }

  it('the same order without the triggering condition is APPROVED (the scenarios are not vacuous)', () => {
    const v = createRiskPolicy(riskConfig()).decide(buy(1), ctx());
    expect(v.verdict).toBe('APPROVED');
    expect(v.reasonCode).toBeNull();
    expect(v.approvedQty.eq(1)).toBe(true);
  });

  it('covers every POLICY, RISK and EXECUTION code that applies to single orders', () => {
    // DRAWDOWN_BREACH and DRAWDOWN_RECOVERED are mode-transition codes (see modes.test.ts); UNKNOWN_INSTRUMENT is
    // the decider's, before any policy sees the order (test/engine/decider.spec.test.ts).
    const decisionCodes = ALL_REASON_CODES.filter((c) => ['POLICY', 'RISK', 'EXECUTION'].includes(layerOf(c)) && !c.startsWith('DRAWDOWN_') && c !== 'UNKNOWN_INSTRUMENT');
    expect(SCENARIOS.map((s) => s.code).sort()).toEqual([...decisionCodes].sort());
  });

  it('caps reduce exactly to the limit: per-order cap 1000 at price 100 approves 10 of 12', () => {
    const v = createRiskPolicy(riskConfig({ maxOrderNotional: '1000' })).decide(buy(12), ctx());
    expect(v.approvedQty.toString()).toBe('10');
    expect(v.context).toMatchObject({ requested: '1200', limit: '1000', requestedQty: '12', approvedQty: '10' });
  });

  it('a cap that leaves less than the minimum notional denies with the cap code', () => {
    const v = createRiskPolicy(riskConfig({ maxCycleNotional: '1000', minNotional: '50' })).decide(buy(5), ctx({ cycleNotional: D(980) }));
    expect(v.verdict).toBe('DENIED');
    expect(v.reasonCode).toBe('NOTIONAL_CAP_PER_CYCLE');
    expect(v.context).toMatchObject({ minNotional: '50', leftNotional: '20' });
  });

  it('the kill switch lets an exposure-reducing sell through and cuts a flip to the closing part', () => {
    const p = createRiskPolicy(riskConfig());
    const c = ctx({ portfolio: long(3) }, { killSwitch: true });
    expect(p.decide(sell(2), c).verdict).toBe('APPROVED');
    const flip = p.decide(sell(5), c);
    expect(flip.verdict).toBe('REDUCED');
    expect(flip.reasonCode).toBe('KILL_SWITCH');
    expect(flip.approvedQty.toString()).toBe('3');
  });

  it('notional caps never cut a close: selling a position worth 2000 under a 1000 cap is APPROVED; a flip is capped on its new part', () => {
    const p = createRiskPolicy(riskConfig({ maxOrderNotional: '1000', allowShort: true }));
    expect(p.decide(sell(20), ctx({ portfolio: long(20) })).verdict).toBe('APPROVED');
    const flip = p.decide(sell(35), ctx({ portfolio: long(20) }));
    expect(flip.reasonCode).toBe('NOTIONAL_CAP_PER_ORDER');
    expect(flip.approvedQty.toString()).toBe('30');
  });

  it('unresolved unknown orders force OBSERVE even if the recorded mode is NORMAL', () => {
    const v = createRiskPolicy(riskConfig()).decide(buy(1), ctx({}, { unresolvedUnknownOrders: 1 }));
    expect(v.reasonCode).toBe('RISK_MODE_OBSERVE');
  });

  it('a limit price is rounded down to the tick', () => {
    const o = { ...buy(1), orderType: 'LIMIT' as const, limitPrice: D('100.129') };
    const v = createRiskPolicy(riskConfig({ priceTick: '0.05' })).decide(o, ctx());
    expect(v.approvedLimitPrice?.toString()).toBe('100.1');
  });
});
