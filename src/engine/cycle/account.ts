import { Decimal } from '../values.js';
import type { Side } from '../ports.js';

/**
 * The cycle's own view of the account, for one symbol in one quote asset. It evolves only from fills
 * (the same OrderFilled events the projections fold), so the log alone can rebuild it.
 * Average-cost accounting: realized P&L is booked when a fill reduces the position.
 */
export interface Account {
  /** Free cash in the quote asset. */
  cash: Decimal;
  /** Set aside by self-financing (issue 4): never traded. */
  reserve: Decimal;
  /** Signed position in the base asset. */
  position: Decimal;
  /** Average entry price of the open position (0 when flat). */
  avgEntryPrice: Decimal;
  realizedPnl: Decimal;
  feesPaid: Decimal;
}

export interface FillFacts {
  side: Side;
  qty: Decimal;
  price: Decimal;
  /** In the quote asset. */
  fee: Decimal;
}

const ZERO = new Decimal(0);

export function openAccount(initialCash: Decimal): Account {
  return { cash: initialCash, reserve: ZERO, position: ZERO, avgEntryPrice: ZERO, realizedPnl: ZERO, feesPaid: ZERO };
}

/** Pure: the account after one fill. */
export function applyFill(a: Account, f: FillFacts): Account {
  const signed = f.side === 'BUY' ? f.qty : f.qty.neg();
  const notional = f.qty.mul(f.price);
  const cash = f.side === 'BUY' ? a.cash.sub(notional).sub(f.fee) : a.cash.add(notional).sub(f.fee);
  const position = a.position.add(signed);
  let avgEntryPrice = a.avgEntryPrice;
  let realizedPnl = a.realizedPnl;
  const sameDirection = a.position.isZero() || a.position.isNeg() === signed.isNeg();
  if (sameDirection) {
    // Adding to (or opening) a position: new weighted average.
    avgEntryPrice = a.position.abs().mul(a.avgEntryPrice).add(notional).div(position.abs());
  } else {
    // Reducing, closing or flipping.
    const closedQty = Decimal.min(f.qty, a.position.abs());
    const direction = a.position.isNeg() ? -1 : 1;
    realizedPnl = realizedPnl.add(f.price.sub(a.avgEntryPrice).mul(closedQty).mul(direction));
    if (position.isZero()) avgEntryPrice = ZERO;
    else if (position.isNeg() !== a.position.isNeg()) avgEntryPrice = f.price; // flipped: the remainder opened here
  }
  return { ...a, cash, position, avgEntryPrice, realizedPnl, feesPaid: a.feesPaid.add(f.fee) };
}

/** Mark-to-market equity: cash + reserve + position at the given price. */
export function equityAt(a: Account, price: Decimal): Decimal {
  return a.cash.add(a.reserve).add(a.position.mul(price));
}
