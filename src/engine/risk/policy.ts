import type { RiskConfig } from '../config/schema.js';
import { Decimal } from '../values.js';
import { dayResolver } from './day-boundary.js';
import { decideOrder } from './decide.js';
import { riskLimitsFromConfig } from './limits.js';
import { allocateRealizedPnl } from './self-financing.js';
import { Drawdown, modeTransition, nextMode } from './modes.js';
import type { RiskPolicy, RiskState } from './port.js';

export interface RiskPolicyOptions {
  /** Fees plus slippage of a fill, in basis points: buys keep at least this much headroom. */
  executionCostBps?: Decimal.Value;
}

/** The risk policy of the engine config: pure, the same in backtest, replay and live runs. */
export function createRiskPolicy(config: RiskConfig, options: RiskPolicyOptions = {}): RiskPolicy {
  const limits = riskLimitsFromConfig(config, options.executionCostBps ?? 0);
  const localDay = dayResolver(limits.timeZone);
  return {
    decide: (order, ctx) => decideOrder(order, ctx, limits),
    observe(state, equity, now) {
      const day = localDay(now);
      const rolled: RiskState = day === state.day ? state : { ...state, day, dayStartEquity: equity };
      const coolOff = limits.modes.observeCoolOffMs;
      const cooledOff =
        coolOff !== null && rolled.mode === 'OBSERVE' && rolled.unresolvedUnknownOrders === 0 && now - (rolled.modeSince ?? now) >= coolOff;
      // A cool-off rebases the drawdown baseline: the loss is accepted and measured afresh from here.
      // The larger of the two as it is (Decimal.max would copy it).
      const peak = cooledOff ? equity : equity.gt(rolled.peakEquity) ? equity : rolled.peakEquity;
      const dd = new Drawdown(peak, equity);
      const to = nextMode(rolled.mode, dd, rolled.unresolvedUnknownOrders, limits.modes);
      const transition = modeTransition(rolled, to, dd, limits.modes);
      if (transition && cooledOff) transition.context['peakRebasedAfterMs'] = String(coolOff);
      const modeSince = transition ? now : (rolled.modeSince ?? now);
      const modeReasonCode = transition ? transition.reasonCode : rolled.modeReasonCode;
      // Nothing moved (most bars): the same state, not a copy.
      if (transition === null && peak === rolled.peakEquity && modeSince === rolled.modeSince && to === rolled.mode) return { state: rolled, transition };
      return { state: { ...rolled, peakEquity: peak, mode: to, modeSince, ...(modeReasonCode ? { modeReasonCode } : {}) }, transition };
    },
    settleRealizedPnl(realizedPnl, context) {
      // Only the moved amount matters to the caller: cash already holds the whole result.
      const r = allocateRealizedPnl({ tradable: new Decimal(0), reserve: new Decimal(0) }, realizedPnl, limits.profitReserveFraction, context);
      return { toReserve: r.toReserve, event: r.event && { amount: r.event.amount, fraction: r.event.fraction, context: { ...context, realizedPnl: r.event.context['realizedPnl']! } } };
    },
  };
}
