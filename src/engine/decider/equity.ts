import { isTerminal } from '../../projections/orders/order-status.js';
import type { PortfolioView } from '../risk/port.js';
import type { AccountView } from '../strategy.js';
import { Decimal } from '../values.js';
import type { RunState } from './run-state.js';

/** Mark-to-market equity: cash + reserve + every position at its instrument's last close (at cost before any). */
export function equityOf(s: Pick<RunState, 'account' | 'positions' | 'marks'>): Decimal {
  // The state's parts are never mutated: the same three objects give the same equity. A bar's equity is asked
  // for by the risk state and again by the backtest's equity curve; only a fill in between makes new ones.
  if (s.account === lastInputs.account && s.positions === lastInputs.positions && s.marks === lastInputs.marks) return lastEquity;
  let equity = accountTotal(s.account);
  for (const symbol in s.positions) {
    const p = s.positions[symbol]!;
    if (p.qty.isZero()) continue;
    const mark = s.marks[symbol];
    equity = equity.plus(mark === undefined ? p.costBasis : p.qty.times(mark));
  }
  lastInputs = { account: s.account, positions: s.positions, marks: s.marks };
  lastEquity = equity;
  return equity;
}

let lastInputs: Pick<RunState, 'account' | 'positions' | 'marks'> = { account: null!, positions: null!, marks: null! };
let lastEquity: Decimal = new Decimal(0);

/** cash + reserve, added again only when the account changed (a fill or a reserve allocation). */
function accountTotal(account: RunState['account']): Decimal {
  if (account !== lastAccount) {
    lastTotal = account.reserve.isZero() ? account.cash : account.cash.plus(account.reserve);
    lastAccount = account;
  }
  return lastTotal;
}

let lastAccount: RunState['account'] | null = null;
let lastTotal: Decimal = new Decimal(0);

/** What the strategy sees of the account: its instrument's position and the tradable equity (reserve excluded). */
export function accountView(s: Pick<RunState, 'account' | 'positions'>, symbol: string, equity: Decimal): AccountView {
  const tradable = tradableOf(equity, s.account.reserve);
  return { position: s.positions[symbol]?.qty ?? ZERO, positions: quantitiesOf(s.positions), equity: tradable, cash: s.account.cash };
}

const ZERO = new Decimal(0);

/** equity - reserve, subtracted again only when either changed (a flat account's equity does not move). */
function tradableOf(equity: Decimal, reserve: Decimal): Decimal {
  if (equity !== lastTradable.equity || reserve !== lastTradable.reserve) {
    lastTradable = { equity, reserve, tradable: reserve.isZero() ? equity : equity.minus(reserve) };
  }
  return lastTradable.tradable;
}

let lastTradable: { equity: Decimal | null; reserve: Decimal | null; tradable: Decimal } = { equity: null, reserve: null, tradable: ZERO };

/** positionQuantities of the positions a strategy is shown, made again only when they changed (a fill). */
function quantitiesOf(positions: RunState['positions']): Readonly<Record<string, Decimal>> {
  if (positions !== lastPositions) {
    lastQuantities = Object.freeze(positionQuantities({ positions }));
    lastPositions = positions;
  }
  return lastQuantities;
}

let lastPositions: RunState['positions'] | null = null;
let lastQuantities: Readonly<Record<string, Decimal>> = Object.freeze({});

/** Signed quantity per instrument. */
export function positionQuantities(s: Pick<RunState, 'positions'>): Record<string, Decimal> {
  const out: Record<string, Decimal> = {};
  for (const symbol in s.positions) out[symbol] = s.positions[symbol]!.qty;
  return out;
}

/**
 * The portfolio the risk decision on an order of `side` sees: what is held, plus every order of that side still
 * working or whose outcome is unknown (resting at the venue, partly filled, or perhaps there), as if its
 * remainder filled: a buy counts other open buys against position caps and their cost against cash; a sell
 * counts other open sells against what is held (so an unfilled sell cannot be sold again into a short). Never
 * the other side's: an order that may not fill does not make room for anything.
 */
export function riskPortfolio(s: RunState, side: 'BUY' | 'SELL'): PortfolioView {
  const positions = positionQuantities(s);
  let cash = s.account.cash;
  for (const id of s.activeOrderIds) {
    const o = s.orders.get(id)!;
    if (o.side !== side || isTerminal(o.status)) continue;
    const left = o.qty.minus(o.filledQty);
    if (left.lte(0)) continue;
    positions[o.symbol] = (positions[o.symbol] ?? ZERO).plus(side === 'BUY' ? left : left.neg());
    if (side === 'BUY') cash = cash.minus(left.times(o.limitPrice ?? s.marks[o.symbol] ?? ZERO));
  }
  return { cash, reserve: s.account.reserve, positions, equity: equityOf(s), marks: s.marks };
}
