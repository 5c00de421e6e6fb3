import type { Side } from '../../ports.js';
import { Decimal, ZERO } from '../../values.js';
import { divDown, str } from '../decimal-math.js';
import type { PortfolioView } from '../port.js';
import { checkPositionCap } from './position-cap.js';
import type { QtyLimit } from './types.js';

/**
 * Caps on exposure measured in money, as a share of equity, so that one rule fits instruments of any price:
 * one instrument's position (POSITION_CAP), and every instrument's together (PORTFOLIO_CAP). Both turn the
 * room left into a quantity at the order's reference price and then work as a position cap does: a position
 * already over the cap (prices moved) may always be reduced.
 */

export function checkInstrumentExposure(fraction: Decimal | null, side: Side, position: Decimal, qty: Decimal, refPrice: Decimal, equity: Decimal): QtyLimit | null {
  if (fraction === null) return null;
  const allowed = Decimal.max(equity, ZERO).mul(fraction);
  const limit = checkPositionCap(divDown(allowed, refPrice), side, position, qty);
  if (limit === null) return null;
  return { ...limit, context: { ...limit.context, maxPositionFraction: str(fraction), equity: str(equity), refPrice: str(refPrice) } };
}

/** The other instruments' positions at their marks (absolute: a short is exposure too). */
export function otherExposure(portfolio: PortfolioView, symbol: string): Decimal {
  let total = ZERO;
  for (const [other, q] of Object.entries(portfolio.positions)) {
    if (other === symbol || q.isZero()) continue;
    total = total.plus(q.abs().mul(portfolio.marks?.[other] ?? ZERO));
  }
  return total;
}

export function checkGrossExposure(fraction: Decimal | null, symbol: string, side: Side, position: Decimal, qty: Decimal, refPrice: Decimal, portfolio: PortfolioView): QtyLimit | null {
  if (fraction === null) return null;
  const allowed = Decimal.max(portfolio.equity, ZERO).mul(fraction);
  const others = otherExposure(portfolio, symbol);
  const room = Decimal.max(allowed.minus(others), ZERO);
  const limit = checkPositionCap(divDown(room, refPrice), side, position, qty);
  if (limit === null) return null;
  return {
    code: 'PORTFOLIO_CAP',
    maxQty: limit.maxQty,
    context: {
      position: limit.context['position'] ?? str(position),
      requestedPosition: limit.context['requestedPosition'] ?? '',
      otherInstruments: str(others),
      limit: str(allowed),
      maxGrossExposureFraction: str(fraction),
      equity: str(portfolio.equity),
      refPrice: str(refPrice),
    },
  };
}
