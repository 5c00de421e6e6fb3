import { applyFill as applyToInventory } from '../../projections/fill-math.js';
import { Decimal } from '../values.js';
import type { Side } from '../ports.js';

/**
 * The cycle's own view of the account, for one symbol in one quote asset. It evolves only from fills
 * (the same OrderFilled events the projections fold) with the projections' own average-cost
 * inventory arithmetic, so the log alone rebuilds it to the last digit.
 */
export interface Account {
  /** Free cash in the quote asset. */
  cash: Decimal;
  /** Set aside by self-financing (issue 4): never traded. */
  reserve: Decimal;
  /** Signed position in the base asset. */
  position: Decimal;
  /** What the open position cost: positive long, negative short, zero flat. */
  costBasis: Decimal;
  /** Gross of fees. */
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
  return { cash: initialCash, reserve: ZERO, position: ZERO, costBasis: ZERO, realizedPnl: ZERO, feesPaid: ZERO };
}

/** Pure: the account after one fill. */
export function applyFill(a: Account, f: FillFacts): Account {
  const effect = applyToInventory({ qty: a.position, costBasis: a.costBasis }, f.side, f.qty, f.price);
  return {
    ...a,
    cash: a.cash.add(effect.cashFlow).sub(f.fee),
    position: effect.qty,
    costBasis: effect.costBasis,
    realizedPnl: a.realizedPnl.add(effect.realized),
    feesPaid: a.feesPaid.add(f.fee),
  };
}

/** Mark-to-market equity: cash + reserve + position at the given price. */
export function equityAt(a: Account, price: Decimal): Decimal {
  return a.cash.add(a.reserve).add(a.position.mul(price));
}
