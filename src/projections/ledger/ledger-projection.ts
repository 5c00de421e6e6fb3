import { Decimal } from 'decimal.js';
import type { AnyStoredEvent } from '../../events/event-factory.js';
import { LedgerImbalanceError } from '../errors.js';
import { fillAmounts } from '../fill-amounts.js';
import { instrumentAssets, valueFill } from '../fill-valuation.js';
import { foldFill } from '../position-book.js';
import { type AccountTotals, CAPITAL, CASH, FEES, REALIZED_PNL, RESERVE, assetAccount, isDebitNormal } from './accounts.js';

/**
 * The double-entry ledger, one book per run:
 * - RunStarted:        Dr cash / Cr capital (initialCash)
 * - OrderFilled:       cash moves by the notional (and the fee), asset:<symbol> by the change of cost basis,
 *                      realized_pnl takes the gross realized PnL, fees the quote-asset fee
 * - ReserveAllocated:  Dr capital / Cr reserve (the reserve stays in cash, but is never traded)
 * Every posting is checked to balance before it is applied (LedgerImbalanceError otherwise). Fills are
 * deduplicated by fill id within the run and folded by the one fill fold (../position-book.ts). A fee in
 * the base asset is valued at the fill price (../fill-valuation.ts); a fee in a third asset cannot be valued
 * without a price, so it is not posted; it is kept per asset in `unpostedFees`.
 */

export interface PostingLine {
  account: string;
  side: 'DEBIT' | 'CREDIT';
  amount: Decimal;
}

export interface Posting {
  runId: string;
  globalPosition: number;
  eventType: string;
  lines: PostingLine[];
}

export interface RunLedger {
  quoteAsset: string | null;
  accounts: Map<string, AccountTotals>;
  /** Open quantity per symbol; its cost is the balance of asset:<symbol>. */
  inventory: Map<string, Decimal>;
  seenFillIds: Set<string>;
  duplicateFills: number;
  unpostedFees: Map<string, Decimal>;
  postings: number;
}

export interface LedgerState {
  runs: Map<string, RunLedger>;
}

const ZERO = new Decimal(0);

export function initialLedgerState(): LedgerState {
  return { runs: new Map() };
}

export function newRunLedger(): RunLedger {
  return { quoteAsset: null, accounts: new Map(), inventory: new Map(), seenFillIds: new Set(), duplicateFills: 0, unpostedFees: new Map(), postings: 0 };
}

function runOf(state: LedgerState, runId: string): RunLedger {
  let run = state.runs.get(runId);
  if (!run) {
    run = newRunLedger();
    state.runs.set(runId, run);
  }
  return run;
}

/** Debit-positive balance of an account (credit balances are negative). */
function signedBalance(run: RunLedger | undefined, account: string): Decimal {
  const a = run?.accounts.get(account);
  return a ? a.debits.minus(a.credits) : ZERO;
}

/** Lines from debit-positive amounts; zero amounts are left out. */
function lines(amounts: ReadonlyArray<readonly [string, Decimal]>): PostingLine[] {
  const out: PostingLine[] = [];
  for (const [account, amount] of amounts) {
    if (amount.isZero()) continue;
    out.push(amount.isNegative() ? { account, side: 'CREDIT', amount: amount.neg() } : { account, side: 'DEBIT', amount });
  }
  return out;
}

/**
 * The posting an event produces against the current state, or null when it produces none (most events,
 * duplicate fills, zero amounts). Pure: the state is not touched.
 */
export function postingFor(state: LedgerState, e: AnyStoredEvent): Posting | null {
  const runId = e.metadata.runId;
  const make = (amounts: ReadonlyArray<readonly [string, Decimal]>): Posting | null => {
    const ls = lines(amounts);
    return ls.length === 0 ? null : { runId, globalPosition: e.globalPosition, eventType: e.type, lines: ls };
  };
  switch (e.type) {
    case 'RunStarted': {
      const cash = new Decimal(e.data.initialCash);
      return make([[CASH, cash], [CAPITAL, cash.neg()]]);
    }
    case 'ReserveAllocated': {
      const amount = new Decimal(e.data.amount);
      return make([[CAPITAL, amount], [RESERVE, amount.neg()]]);
    }
    case 'OrderFilled': {
      const d = e.data;
      const run = state.runs.get(runId);
      if (run?.seenFillIds.has(d.fillId)) return null;
      const account = assetAccount(d.symbol);
      const costBasis = signedBalance(run, account);
      const amounts = fillAmounts(d);
      const valued = valueFill({ side: d.side, qty: amounts.qty, price: amounts.price, fee: amounts.fee, feeAsset: d.feeAsset, time: 0 }, instrumentAssets(d.symbol, run?.quoteAsset ?? 'QUOTE'));
      const held = run?.inventory.get(d.symbol) ?? ZERO;
      const fx = foldFill({ qty: held, costBasis, realizedPnl: ZERO, fees: ZERO, openTrip: null }, valued.fill);
      const fee = valued.fill.fee;
      return make([
        [CASH, fx.effect.cashFlow.minus(fee)],
        [account, fx.book.costBasis.minus(costBasis)],
        [REALIZED_PNL, fx.effect.realized.neg()],
        [FEES, fee],
      ]);
    }
    default:
      return null;
  }
}

/** Throws LedgerImbalanceError unless the posting's debits equal its credits. */
export function assertBalanced(p: Posting): void {
  let debits = ZERO;
  let credits = ZERO;
  for (const l of p.lines) {
    if (l.side === 'DEBIT') debits = debits.plus(l.amount);
    else credits = credits.plus(l.amount);
  }
  if (!debits.eq(credits)) throw new LedgerImbalanceError(p.runId, p.globalPosition, debits.toFixed(), credits.toFixed());
}

/** Fold one event; the state is owned by the fold and updated in place. */
export function evolveLedger(state: LedgerState, e: AnyStoredEvent): LedgerState {
  if (e.type !== 'RunStarted' && e.type !== 'ReserveAllocated' && e.type !== 'OrderFilled') return state;
  const posting = postingFor(state, e);
  if (posting) assertBalanced(posting);
  const run = runOf(state, e.metadata.runId);
  if (e.type === 'RunStarted') run.quoteAsset = e.data.quoteAsset;
  if (e.type === 'OrderFilled') {
    const d = e.data;
    if (run.seenFillIds.has(d.fillId)) {
      run.duplicateFills++;
      return state;
    }
    run.seenFillIds.add(d.fillId);
    const { qty, price, fee } = fillAmounts(d);
    const valued = valueFill({ side: d.side, qty, price, fee, feeAsset: d.feeAsset, time: 0 }, instrumentAssets(d.symbol, run.quoteAsset ?? 'QUOTE'));
    const held = run.inventory.get(d.symbol) ?? ZERO;
    run.inventory.set(d.symbol, d.side === 'BUY' ? held.plus(valued.fill.qty) : held.minus(valued.fill.qty));
    if (valued.otherFee) run.unpostedFees.set(valued.otherFee.asset, (run.unpostedFees.get(valued.otherFee.asset) ?? ZERO).plus(valued.otherFee.amount));
  }
  if (posting) {
    for (const l of posting.lines) {
      let a = run.accounts.get(l.account);
      if (!a) {
        a = { debits: ZERO, credits: ZERO };
        run.accounts.set(l.account, a);
      }
      if (l.side === 'DEBIT') a.debits = a.debits.plus(l.amount);
      else a.credits = a.credits.plus(l.amount);
    }
    run.postings++;
  }
  return state;
}

export interface TrialBalanceRow {
  account: string;
  debits: Decimal;
  credits: Decimal;
  /** On the account's normal side: debits - credits for assets and expenses, credits - debits otherwise. */
  balance: Decimal;
}

export interface TrialBalance {
  runId: string;
  rows: TrialBalanceRow[];
  totalDebits: Decimal;
  totalCredits: Decimal;
  balanced: boolean;
}

export function trialBalance(state: LedgerState, runId: string): TrialBalance {
  const run = state.runs.get(runId);
  const rows: TrialBalanceRow[] = [];
  let totalDebits = ZERO;
  let totalCredits = ZERO;
  const names = [...(run?.accounts.keys() ?? [])].sort();
  for (const account of names) {
    const a = run!.accounts.get(account)!;
    totalDebits = totalDebits.plus(a.debits);
    totalCredits = totalCredits.plus(a.credits);
    rows.push({ account, debits: a.debits, credits: a.credits, balance: isDebitNormal(account) ? a.debits.minus(a.credits) : a.credits.minus(a.debits) });
  }
  return { runId, rows, totalDebits, totalCredits, balanced: totalDebits.eq(totalCredits) };
}

/** Balance of any account on its normal side (zero if never posted). */
export function accountBalance(state: LedgerState, runId: string, account: string): Decimal {
  const b = signedBalance(state.runs.get(runId), account);
  return isDebitNormal(account) ? b : b.neg();
}

/** All cash of the run in the quote asset, reserve included. */
export function cashBalance(state: LedgerState, runId: string): Decimal {
  return accountBalance(state, runId, CASH);
}

export function reserveBalance(state: LedgerState, runId: string): Decimal {
  return accountBalance(state, runId, RESERVE);
}

/** Cash that may be traded: cash minus the reserve. */
export function freeCash(state: LedgerState, runId: string): Decimal {
  return cashBalance(state, runId).minus(reserveBalance(state, runId));
}
