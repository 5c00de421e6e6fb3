import type { RiskMode, RiskModeTransition, RiskState } from './port.js';
import { str } from './decimal-math.js';
import type { RiskLimits } from './limits.js';
import { Decimal, ZERO } from '../values.js';
import { approximateDouble } from '../../events/decimal-fast-paths.js';

/**
 * Risk modes from drawdown off peak equity, with hysteresis so a mode does not flap around a threshold:
 *
 *   NORMAL  -> REDUCE   at drawdown >= reduceAtDrawdown      (DRAWDOWN_BREACH)
 *   any     -> OBSERVE  at drawdown >= observeAtDrawdown     (DRAWDOWN_BREACH)
 *   any     -> OBSERVE  while unresolvedUnknownOrders > 0     (ESCALATED)
 *   OBSERVE -> REDUCE   once drawdown < reduceBelowDrawdown   (DRAWDOWN_RECOVERED)
 *   REDUCE/OBSERVE -> NORMAL once drawdown < normalBelowDrawdown (DRAWDOWN_RECOVERED)
 *   leaving an OBSERVE entered for ESCALATED once no unknown order is left (UNKNOWN_ORDERS_RESOLVED)
 */

export function drawdown(peakEquity: Decimal, equity: Decimal): Decimal {
  if (peakEquity.lte(0)) return ZERO;
  // At or above the peak there is no drawdown (the quotient would be <= 0): no division.
  if (equity.gte(peakEquity)) return ZERO;
  // A flat account marks the same equity bar after bar: the division is done once for the pair.
  if (last !== null && last.peak.eq(peakEquity) && last.equity.eq(equity)) return last.dd;
  const dd = Decimal.max(peakEquity.minus(equity).div(peakEquity), ZERO);
  last = { peak: peakEquity, equity, dd };
  return dd;
}

let last: { peak: Decimal; equity: Decimal; dd: Decimal } | null = null;

/**
 * The drawdown of an equity off a peak, for comparing with the mode thresholds. The exact quotient is a
 * 40-digit Decimal division; most bars only need to know on which side of each threshold it lies, and a
 * float estimate (error below 1e-13 of the quotient) settles that whenever it is not within 1e-9 of the
 * threshold. Only then, or when a transition records it, is the quotient divided out: the same answers and
 * the same recorded figures as dividing every bar.
 */
export class Drawdown {
  private exact: Decimal | null;
  private readonly estimate: number;

  constructor(
    readonly peak: Decimal,
    readonly equity: Decimal,
  ) {
    if (peak.lte(0) || equity.gte(peak)) {
      this.exact = ZERO;
      this.estimate = 0;
    } else {
      this.exact = null;
      const p = approximateDouble(peak);
      this.estimate = (p - approximateDouble(equity)) / p;
    }
  }

  /** The drawdown as drawdown() gives it. */
  value(): Decimal {
    return (this.exact ??= drawdown(this.peak, this.equity));
  }

  /** value() >= threshold. */
  atLeast(threshold: Decimal): boolean {
    if (this.exact === null) {
      const t = threshold.toNumber();
      const margin = 1e-9 * (1 + Math.abs(this.estimate) + Math.abs(t));
      if (this.estimate >= t + margin) return true;
      if (this.estimate <= t - margin) return false;
    }
    return this.value().gte(threshold);
  }
}

export function nextMode(current: RiskMode, dd: Drawdown, unresolvedUnknownOrders: number, m: RiskLimits['modes']): RiskMode {
  if (unresolvedUnknownOrders > 0) return 'OBSERVE';
  if (dd.atLeast(m.observeAtDrawdown)) return 'OBSERVE';
  switch (current) {
    case 'NORMAL':
      return dd.atLeast(m.reduceAtDrawdown) ? 'REDUCE' : 'NORMAL';
    case 'REDUCE':
      return !dd.atLeast(m.normalBelowDrawdown) ? 'NORMAL' : 'REDUCE';
    case 'OBSERVE':
      if (!dd.atLeast(m.normalBelowDrawdown)) return 'NORMAL';
      return !dd.atLeast(m.reduceBelowDrawdown) ? 'REDUCE' : 'OBSERVE';
  }
}

const RANK: Record<RiskMode, number> = { NORMAL: 0, REDUCE: 1, OBSERVE: 2 };

export function modeTransition(state: RiskState, to: RiskMode, drawdownOff: Drawdown, m: RiskLimits['modes']): RiskModeTransition | null {
  const from = state.mode;
  if (from === to) return null;
  const { equity, peak } = drawdownOff;
  const dd = drawdownOff.value();
  const context: Record<string, string> = {
    drawdown: str(dd.toDecimalPlaces(8, Decimal.ROUND_DOWN)),
    peakEquity: str(peak),
    equity: str(equity),
    unresolvedUnknownOrders: String(state.unresolvedUnknownOrders),
  };
  if (RANK[to] > RANK[from]) {
    if (state.unresolvedUnknownOrders > 0 && to === 'OBSERVE' && dd.lt(m.observeAtDrawdown)) {
      return { from, to, reasonCode: 'ESCALATED', context };
    }
    context['threshold'] = str(to === 'OBSERVE' ? m.observeAtDrawdown : m.reduceAtDrawdown);
    return { from, to, reasonCode: 'DRAWDOWN_BREACH', context };
  }
  context['threshold'] = str(to === 'NORMAL' ? m.normalBelowDrawdown : m.reduceBelowDrawdown);
  // Leaving a mode that escalated unknown orders imposed: it ends because they were resolved.
  const reasonCode = state.modeReasonCode === 'ESCALATED' && state.unresolvedUnknownOrders === 0 ? 'UNKNOWN_ORDERS_RESOLVED' : 'DRAWDOWN_RECOVERED';
  return { from, to, reasonCode, context };
}
