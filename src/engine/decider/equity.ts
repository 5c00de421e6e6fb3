import type { AccountView } from '../strategy.js';
import { Decimal } from '../values.js';
import type { RunState } from './run-state.js';

/** Mark-to-market equity: cash + reserve + every position at its instrument's last close (at cost before any). */
export function equityOf(s: RunState): Decimal {
  let equity = s.account.cash.plus(s.account.reserve);
  for (const symbol in s.positions) {
    const p = s.positions[symbol]!;
    if (p.qty.isZero()) continue;
    const mark = s.marks[symbol];
    equity = equity.plus(mark === undefined ? p.costBasis : p.qty.times(mark));
  }
  return equity;
}

/** What the strategy sees of the account: its instrument's position and the tradable equity (reserve excluded). */
export function accountView(s: RunState, symbol: string, equity: Decimal): AccountView {
  return { position: s.positions[symbol]?.qty ?? ZERO, positions: positionQuantities(s), equity: equity.minus(s.account.reserve), cash: s.account.cash };
}

const ZERO = new Decimal(0);

/** Signed quantity per instrument. */
export function positionQuantities(s: RunState): Record<string, Decimal> {
  const out: Record<string, Decimal> = {};
  for (const symbol in s.positions) out[symbol] = s.positions[symbol]!.qty;
  return out;
}
