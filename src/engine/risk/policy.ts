import type { RiskConfig } from '../config/schema.js';
import { Decimal } from '../values.js';
import { localDay } from './day-boundary.js';
import { decideOrder } from './decide.js';
import { riskLimitsFromConfig } from './limits.js';
import { drawdown, modeTransition, nextMode } from './modes.js';
import type { RiskPolicy, RiskState } from './port.js';

/** The risk policy of the engine config: pure, the same in backtest, replay and live runs. */
export function createRiskPolicy(config: RiskConfig): RiskPolicy {
  const limits = riskLimitsFromConfig(config);
  return {
    decide: (order, ctx) => decideOrder(order, ctx, limits),
    observe(state, equity, now) {
      const day = localDay(now, limits.timeZone);
      const rolled: RiskState = day === state.day ? state : { ...state, day, dayStartEquity: equity };
      const peak = Decimal.max(rolled.peakEquity, equity);
      const dd = drawdown(peak, equity);
      const to = nextMode(rolled.mode, dd, rolled.unresolvedUnknownOrders, limits.modes);
      const transition = modeTransition(rolled, to, dd, equity, peak, limits.modes);
      return { state: { ...rolled, peakEquity: peak, mode: to }, transition };
    },
  };
}
