import type { ReasonCode } from '../../reason-codes.js';
import type { Decimal } from '../../values.js';
import { str } from '../decimal-math.js';
import type { QtyLimit } from './types.js';

/**
 * Gates that stop NEW exposure but let exposure-reducing orders through: the kill switch, risk mode
 * OBSERVE and the daily loss limit. An order that would cross through zero is cut to the part that
 * closes the position (REDUCED); an order that only adds exposure gets maxQty 0 (DENIED). Letting
 * closes through is deliberate: refusing them would freeze a losing position exactly when the operator
 * or the risk state wants less risk.
 */
function gate(code: ReasonCode, requested: Decimal, reducing: Decimal, context: Record<string, string>): QtyLimit | null {
  if (reducing.gte(requested)) return null;
  return { code, maxQty: reducing, context: { ...context, requestedQty: str(requested), exposureReducingQty: str(reducing) } };
}

export function checkKillSwitch(engaged: boolean, requested: Decimal, reducing: Decimal): QtyLimit | null {
  return engaged ? gate('KILL_SWITCH', requested, reducing, { killSwitch: 'engaged' }) : null;
}

export function checkObserveMode(observe: boolean, unresolvedUnknownOrders: number, requested: Decimal, reducing: Decimal): QtyLimit | null {
  return observe
    ? gate('RISK_MODE_OBSERVE', requested, reducing, { riskMode: 'OBSERVE', unresolvedUnknownOrders: String(unresolvedUnknownOrders) })
    : null;
}

/** Loss since the start of the local day reached limitFraction of that day's starting equity. */
export function checkDailyLoss(
  limitFraction: Decimal | null,
  day: string,
  dayStartEquity: Decimal,
  equity: Decimal,
  requested: Decimal,
  reducing: Decimal,
): QtyLimit | null {
  if (limitFraction === null || dayStartEquity.lte(0)) return null;
  const loss = dayStartEquity.minus(equity);
  const limit = dayStartEquity.mul(limitFraction);
  if (loss.lt(limit)) return null;
  return gate('DAILY_LOSS_LIMIT', requested, reducing, { day, dayStartEquity: str(dayStartEquity), equity: str(equity), loss: str(loss), limit: str(limit) });
}
