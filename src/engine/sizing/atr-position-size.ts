import { Decimal } from 'decimal.js';
import { floorToStep } from '../values.js';

/**
 * ATR position sizing: risk a fixed fraction of equity on a stop `atrMultiple` ATRs away.
 *   qty = floor_to_step((equity * riskFraction) / (atrMultiple * ATR))
 * then capped so that qty * price never exceeds equity * maxLeverage. All in Decimal; the ATR arrives
 * as a float from the indicator and is converted here, at the boundary.
 */

export interface AtrSizingInput {
  equity: Decimal;
  riskFraction: Decimal;
  /** Float ATR from the indicator, in price units. */
  atr: number;
  atrMultiple: Decimal;
  /** Reference price for the leverage cap (the signal bar's close). */
  price: Decimal;
  qtyStep: Decimal;
  maxLeverage: Decimal;
}

export interface AtrSizing {
  qty: Decimal;
  /** equity * riskFraction: what a stop-out at atrMultiple ATRs would lose. */
  riskBudget: Decimal;
  stopDistance: Decimal;
  /** True when the leverage cap, not the risk budget, set the size. */
  capped: boolean;
}

/** The float ATR as a Decimal, rounded to 12 significant digits so its string form stays short and stable. */
export function atrToDecimal(atr: number): Decimal {
  if (!Number.isFinite(atr)) throw new RangeError(`ATR must be finite, got ${String(atr)}`);
  return new Decimal(atr.toPrecision(12));
}

export function atrPositionSize(input: AtrSizingInput): AtrSizing {
  const atr = atrToDecimal(input.atr);
  const stopDistance = input.atrMultiple.mul(atr);
  const riskBudget = Decimal.max(input.equity, 0).mul(input.riskFraction);
  if (stopDistance.lte(0) || riskBudget.lte(0) || input.price.lte(0)) {
    return { qty: new Decimal(0), riskBudget, stopDistance, capped: false };
  }
  const byRisk = floorToStep(riskBudget.div(stopDistance), input.qtyStep);
  const byLeverage = floorToStep(Decimal.max(input.equity, 0).mul(input.maxLeverage).div(input.price), input.qtyStep);
  const capped = byRisk.gt(byLeverage);
  return { qty: capped ? byLeverage : byRisk, riskBudget, stopDistance, capped };
}
