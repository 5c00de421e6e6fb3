import { layerOf, type ReasonCode } from '../reason-codes.js';
import { checkBalance, checkMinNotional, checkPrecision, limitOnTick, sendable } from '../execution/venue-checks.js';
import { Decimal, floorToStep, ZERO } from '../values.js';
import { checkCashReserve } from './checks/cash-reserve.js';
import { checkDailyLoss, checkKillSwitch, checkObserveMode } from './checks/exposure-gates.js';
import { checkCycleNotional, checkOrderNotional } from './checks/notional-caps.js';
import { checkGrossExposure, checkInstrumentExposure } from './checks/exposure-caps.js';
import { checkPositionCap } from './checks/position-cap.js';
import { checkRateLimit } from './checks/rate-limit.js';
import { checkStaleData } from './checks/stale-data.js';
import type { Denial, QtyLimit } from './checks/types.js';
import { str } from './decimal-math.js';
import { reducingPart } from './exposure.js';
import { maxPositionFor, maxPositionFractionFor, type RiskLimits } from './limits.js';
import type { ProposedOrder, RiskContext, RiskMode, RiskState, RiskVerdict } from './port.js';

/**
 * How the checks compose (one pass, first refusal wins; sizes only ever go down):
 *
 *  1. POLICY   KILL_SWITCH          gate: new exposure refused, exposure-reducing part passes
 *  2. RISK     STALE_DATA, RATE_LIMIT   deny the whole order
 *  3. RISK     RISK_MODE_OBSERVE, DAILY_LOSS_LIMIT   gates like the kill switch
 *  4. EXECUTION PRECISION, MIN_NOTIONAL on the order as requested (the instrument's MarketRules): deny
 *     (ctx.cycleNotional is the caller's running total of new-exposure notional approved this cycle;
 *     counting closes in it too is merely conservative)
 *  5. sizing, each may REDUCE the quantity: RISK_MODE_REDUCE (scales the exposure-increasing part),
 *     NOTIONAL_CAP_PER_ORDER, NOTIONAL_CAP_PER_CYCLE (both on the new-exposure part only: a close is
 *     never cut), POSITION_CAP (quantity, then share of equity), PORTFOLIO_CAP, INSUFFICIENT_BALANCE, CASH_RESERVE
 *  6. round down to the quantity step. If what is left is zero or below the venue's minimums the order
 *     is DENIED with the code of the limit that cut it (its context also shows minNotional); otherwise
 *     REDUCED with that code (PRECISION when only the rounding changed it)
 *  7. POLICY   NOT_ARMED, DRY_RUN: an order that passed everything is DENIED with the policy code and
 *     the would-be verdict in its context, so a dry run records the full decision and sends nothing.
 *
 * Reducing instead of denying keeps a strategy's intent alive within limits; denying below the minimum
 * notional avoids orders the venue would reject anyway.
 */

export function effectiveMode(state: RiskState): RiskMode {
  return state.unresolvedUnknownOrders > 0 ? 'OBSERVE' : state.mode;
}

function verdict(kind: RiskVerdict['verdict'], qty: Decimal, code: ReasonCode | null, context: Record<string, string>, limitPrice: Decimal | null): RiskVerdict {
  return { verdict: kind, approvedQty: qty, reasonCode: code, layer: code === null ? null : layerOf(code), context, approvedLimitPrice: limitPrice };
}

function denied(d: Denial): RiskVerdict {
  return verdict('DENIED', ZERO, d.code, d.context, null);
}

export function decideOrder(order: ProposedOrder, ctx: RiskContext, limits: RiskLimits): RiskVerdict {
  const requested = order.qty;
  if (!requested.isFinite() || requested.lte(0) || !order.refPrice.isFinite() || order.refPrice.lte(0)) {
    return denied({ code: 'PRECISION', context: { requestedQty: String(requested), refPrice: String(order.refPrice) } });
  }
  const { state, portfolio } = ctx;
  const position = portfolio.positions[order.symbol] ?? ZERO;
  const reducing = reducingPart(order.side, requested, position);
  const mode = effectiveMode(state);

  let qty = requested;
  const cuts: QtyLimit[] = [];
  /** Applies a limit; returns a DENIED verdict when nothing is left. */
  const apply = (limit: QtyLimit | null): RiskVerdict | null => {
    if (limit === null || limit.maxQty.gte(qty)) return null;
    qty = Decimal.max(limit.maxQty, ZERO);
    cuts.push(limit);
    return qty.lte(0) ? denied(limit) : null;
  };

  // 1-3: gates and hard refusals
  let out = apply(checkKillSwitch(state.killSwitch, requested, reducing));
  if (out) return out;
  const hard = checkStaleData(limits.maxSnapshotAgeMs, ctx.now, ctx.snapshotTime) ?? checkRateLimit(limits.rateLimit, ctx.now, state.recentOrderTimes);
  if (hard) return denied(hard);
  out = apply(checkObserveMode(mode === 'OBSERVE', state.unresolvedUnknownOrders, qty, Decimal.min(qty, reducing)));
  if (out) return out;
  out = apply(checkDailyLoss(limits.dailyLossLimitFraction, state.day, state.dayStartEquity, portfolio.equity, qty, Decimal.min(qty, reducing)));
  if (out) return out;

  // 4: can the venue express the order as requested?
  const rules = ctx.rules ?? limits.configRules;
  const exec = checkPrecision(requested, rules, order.limitPrice) ?? checkMinNotional(rules, requested, order.refPrice);
  if (exec) return denied(exec);
  const limitPrice = order.limitPrice === null ? null : limitOnTick(order.side, order.limitPrice, rules);

  // 5: sizing
  if (mode === 'REDUCE') {
    const inc = Decimal.max(qty.minus(reducing), ZERO);
    if (inc.gt(0)) {
      const scaled = Decimal.min(qty, reducing).plus(inc.mul(limits.modes.reduceFactor));
      out = apply({ code: 'RISK_MODE_REDUCE', maxQty: scaled, context: { riskMode: 'REDUCE', reduceFactor: str(limits.modes.reduceFactor), requestedQty: str(requested) } });
      if (out) return out;
    }
  }
  const unitCost = order.refPrice.mul(limits.costFactor);
  const tradableEquity = Decimal.max(portfolio.equity.minus(portfolio.reserve), ZERO);
  const sizing: Array<() => QtyLimit | null> = [
    () => checkOrderNotional(limits.maxOrderNotional, qty, reducing, order.refPrice),
    () => checkCycleNotional(limits.maxCycleNotional, ctx.cycleNotional, qty, reducing, order.refPrice),
    () => checkPositionCap(maxPositionFor(limits, order.symbol), order.side, position, qty),
    () => checkInstrumentExposure(maxPositionFractionFor(limits, order.symbol), order.side, position, qty, order.refPrice, portfolio.equity),
    () => checkGrossExposure(limits.maxGrossExposureFraction, order.symbol, order.side, position, qty, order.refPrice, portfolio),
    () => checkBalance(order.side, qty, portfolio.cash, position, unitCost, limits.allowShort),
    () => checkCashReserve(order.side, qty, portfolio.cash, tradableEquity.mul(limits.cashReserveFraction), unitCost),
  ];
  for (const check of sizing) {
    out = apply(check());
    if (out) return out;
  }

  // 6: the venue's precision, then the minimums of what is left
  const rounded = floorToStep(qty, rules.qtyStep);
  const binding = cuts[cuts.length - 1];
  if (!sendable(rounded, rules, order.refPrice)) {
    // Only reachable when a limit cut the order (step 4 passed the order as requested).
    const cause = binding ?? { code: 'PRECISION' as const, context: {} };
    return denied({
      code: cause.code,
      context: { ...cause.context, leftQty: str(rounded), leftNotional: str(rounded.mul(order.refPrice)), minNotional: str(rules.minNotional) },
    });
  }
  let result: RiskVerdict;
  if (rounded.eq(requested)) {
    result = verdict('APPROVED', rounded, null, { notional: str(rounded.mul(order.refPrice)), riskMode: mode }, limitPrice);
  } else {
    const code = binding?.code ?? 'PRECISION';
    const context: Record<string, string> = {
      ...(binding?.context ?? { qtyStep: str(rules.qtyStep) }),
      requestedQty: str(requested),
      approvedQty: str(rounded),
    };
    if (cuts.length > 1) context['alsoReducedBy'] = cuts.slice(0, -1).map((c) => c.code).join(',');
    result = verdict('REDUCED', rounded, code, context, limitPrice);
  }

  // 7: policy switches that stop sending, after the decision is complete
  if (ctx.dryRun || ctx.venueArmed === false) {
    const wouldBe: Record<string, string> = { wouldBe: result.verdict, wouldApproveQty: str(result.approvedQty) };
    if (result.reasonCode) wouldBe['wouldReasonCode'] = result.reasonCode;
    return denied({ code: ctx.dryRun ? 'DRY_RUN' : 'NOT_ARMED', context: wouldBe });
  }
  return result;
}
