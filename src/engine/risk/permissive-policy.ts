import type { Decimal } from '../values.js';
import type { RiskContext, RiskModeTransition, RiskPolicy, RiskState, RiskVerdict } from './port.js';
import type { ProposedOrder } from './port.js';

/**
 * A policy with no limits: approves every order as asked and only tracks peak equity. What the
 * execution layer refuses (balance, precision, minimum notional) is still refused there. Used until a
 * configured policy is wired in, and by tests that exercise the cycle rather than risk.
 */
export const permissivePolicy: RiskPolicy = {
  decide(order: ProposedOrder, _ctx: RiskContext): RiskVerdict {
    return { verdict: 'APPROVED', approvedQty: order.qty, reasonCode: null, layer: null, context: {} };
  },
  observe(state: RiskState, equity: Decimal, _now: number): { state: RiskState; transition: RiskModeTransition | null } {
    if (equity.lte(state.peakEquity)) return { state, transition: null };
    return { state: { ...state, peakEquity: equity }, transition: null };
  },
};
