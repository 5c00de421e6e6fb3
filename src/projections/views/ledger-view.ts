import type { Decimal } from 'decimal.js';
import type { AnyStoredEvent } from '../../events/event-factory.js';
import { accountType } from '../ledger/accounts.js';
import { type LedgerState, type Posting, evolveLedger, initialLedgerState, postingFor, trialBalance } from '../ledger/ledger-projection.js';

/**
 * What `engine ledger` shows of one run: each account's debits, credits and balance on its normal side, and
 * the trial balance: total debits minus total credits, which must be exactly zero. `--entries` lists the
 * postings themselves, re-derived from the run's RunStarted, OrderFilled and ReserveAllocated events by the
 * projection's own posting rule.
 */

export const LEDGER_EVENT_TYPES = ['RunStarted', 'OrderFilled', 'ReserveAllocated'] as const;

export interface LedgerView {
  accounts: Array<{ account: string; type: string; debits: Decimal; credits: Decimal; balance: Decimal }>;
  totalDebits: Decimal;
  totalCredits: Decimal;
  /** totalDebits - totalCredits: zero when the books balance. */
  difference: Decimal;
  balanced: boolean;
  postings: number;
  unpostedFees: Record<string, string>;
}

export function ledgerView(state: LedgerState, runId: string): LedgerView {
  const tb = trialBalance(state, runId);
  const run = state.runs.get(runId);
  return {
    accounts: tb.rows.map((r) => ({ account: r.account, type: accountType(r.account), debits: r.debits, credits: r.credits, balance: r.balance })),
    totalDebits: tb.totalDebits,
    totalCredits: tb.totalCredits,
    difference: tb.totalDebits.minus(tb.totalCredits),
    balanced: tb.balanced,
    postings: run?.postings ?? 0,
    unpostedFees: Object.fromEntries([...(run?.unpostedFees ?? new Map<string, Decimal>())].map(([k, v]) => [k, v.toFixed()])),
  };
}

export function ledgerViewJson(v: LedgerView): Record<string, unknown> {
  return {
    accounts: v.accounts.map((a) => ({ account: a.account, type: a.type, debits: a.debits.toFixed(), credits: a.credits.toFixed(), balance: a.balance.toFixed() })),
    trialBalance: { totalDebits: v.totalDebits.toFixed(), totalCredits: v.totalCredits.toFixed(), difference: v.difference.toFixed(), balanced: v.balanced },
    postings: v.postings,
    unpostedFees: v.unpostedFees,
  };
}

export interface LedgerEntry extends Posting {
  at: string;
}

/**
 * The postings of the run's events (in log order; other runs' events and other types are skipped), folded
 * from an empty ledger exactly as the projection folds them.
 */
export async function ledgerEntries(events: AsyncIterable<AnyStoredEvent> | Iterable<AnyStoredEvent>, runId: string): Promise<{ entries: LedgerEntry[]; state: LedgerState }> {
  const state = initialLedgerState();
  const entries: LedgerEntry[] = [];
  for await (const e of events) {
    if (e.metadata.runId !== runId) continue;
    const p = postingFor(state, e);
    evolveLedger(state, e);
    if (p) entries.push({ ...p, at: e.metadata.at });
  }
  return { entries, state };
}

export function ledgerEntryJson(e: LedgerEntry): Record<string, unknown> {
  return { position: e.globalPosition, at: e.at, eventType: e.eventType, lines: e.lines.map((l) => ({ account: l.account, side: l.side, amount: l.amount.toFixed() })) };
}
