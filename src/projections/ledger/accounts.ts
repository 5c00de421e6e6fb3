import type { Decimal } from 'decimal.js';

/**
 * The chart of accounts of a run's ledger. Amounts are in the run's quote asset. Assets are valued at
 * cost (what was paid for the open quantity; a short is a credit balance), so the ledger never needs a
 * market price and rebuilds from the log alone.
 */
export const CASH = 'cash';
export const FEES = 'fees';
export const REALIZED_PNL = 'realized_pnl';
export const CAPITAL = 'capital';
export const RESERVE = 'reserve';
export const ASSET_PREFIX = 'asset:';

export function assetAccount(symbol: string): string {
  return ASSET_PREFIX + symbol;
}

export type AccountType = 'ASSET' | 'EXPENSE' | 'INCOME' | 'EQUITY';

export function accountType(account: string): AccountType {
  if (account === CASH || account.startsWith(ASSET_PREFIX)) return 'ASSET';
  if (account === FEES) return 'EXPENSE';
  if (account === REALIZED_PNL) return 'INCOME';
  return 'EQUITY';
}

/** Debit-normal accounts grow with debits; the others with credits. */
export function isDebitNormal(account: string): boolean {
  const t = accountType(account);
  return t === 'ASSET' || t === 'EXPENSE';
}

export interface AccountTotals {
  debits: Decimal;
  credits: Decimal;
}
