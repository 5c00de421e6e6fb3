import { Decimal } from 'decimal.js';

/**
 * Average-cost inventory arithmetic shared by the positions and ledger projections.
 *
 * An inventory is a signed quantity and a signed cost basis (what the open quantity cost: positive for a
 * long, negative for a short, zero when flat). The cost basis is kept instead of an average price so that
 * the identities hold exactly in decimal arithmetic: the only rounding is the share of the cost basis
 * removed by a partial close (and the split of a fill that flips through zero), and realized PnL is derived from that share by subtraction, so
 *   realized + (qty x mark - costBasis) == sum(sell notional) - sum(buy notional) + qty x mark
 * and every ledger posting balances to the last digit.
 */
export interface Inventory {
  qty: Decimal;
  costBasis: Decimal;
}

export interface FillEffect {
  qty: Decimal;
  costBasis: Decimal;
  /** Cash moved by the fill, fees excluded: +notional for a sell, -notional for a buy. */
  cashFlow: Decimal;
  /** Gross realized PnL of the part of the fill that closed inventory (fees excluded). */
  realized: Decimal;
}

const ZERO = new Decimal(0);

/**
 * Results of a division are rounded to this many decimal places (half-even). Everything else is sums and
 * products of the events' own decimals, so amounts stay fixed-point and their sums exact within the
 * 40-digit context; an unrounded 40-significant-digit quotient added to a large amount would be rounded
 * by the context instead, and postings would stop balancing to the last digit.
 */
export const DIVISION_SCALE = 20;

export function applyFill(inv: Inventory, side: 'BUY' | 'SELL', fillQty: Decimal, price: Decimal): FillEffect {
  const signedQty = side === 'BUY' ? fillQty : fillQty.neg();
  const notional = fillQty.times(price);
  const cashFlow = side === 'BUY' ? notional.neg() : notional;
  const q = inv.qty;
  const closing = !q.isZero() && q.isNegative() !== signedQty.isNegative();
  if (!closing) {
    return { qty: q.plus(signedQty), costBasis: inv.costBasis.minus(cashFlow), cashFlow, realized: ZERO };
  }
  const open = q.abs();
  if (fillQty.lt(open)) {
    // Partial close: remove the closed share of the cost basis; realized is what is left of the cash flow.
    const removed = inv.costBasis.times(fillQty).div(open).toDecimalPlaces(DIVISION_SCALE);
    return { qty: q.plus(signedQty), costBasis: inv.costBasis.minus(removed), cashFlow, realized: cashFlow.minus(removed) };
  }
  // Full close, possibly flipping through zero: the whole cost basis goes; the excess opens a new inventory.
  const closeFlow = fillQty.eq(open) ? cashFlow : cashFlow.times(open).div(fillQty).toDecimalPlaces(DIVISION_SCALE);
  const openFlow = cashFlow.minus(closeFlow);
  return {
    qty: q.plus(signedQty),
    costBasis: ZERO.minus(openFlow),
    cashFlow,
    realized: closeFlow.minus(inv.costBasis),
  };
}

/** Average entry price of an inventory (positive), or null when flat. */
export function averageCost(inv: Inventory): Decimal | null {
  return inv.qty.isZero() ? null : inv.costBasis.div(inv.qty);
}

export interface FillAmounts {
  qty: Decimal;
  price: Decimal;
  fee: Decimal;
}

const parsedFills = new WeakMap<object, FillAmounts>();

/**
 * The decimals of an OrderFilled event's data, parsed once per event however many projections read
 * them (a memo keyed by the data object; parsing decimals was a visible share of a full rebuild).
 */
export function fillAmounts(data: { qty: string; price: string; fee: string }): FillAmounts {
  let a = parsedFills.get(data);
  if (!a) {
    a = { qty: new Decimal(data.qty), price: new Decimal(data.price), fee: new Decimal(data.fee) };
    parsedFills.set(data, a);
  }
  return a;
}
