import type { Decimal } from '../values.js';
import type { RiskState } from '../risk/port.js';
import { type Account, openAccount } from './account.js';

/** What a cycle carries to the next: the account, the risk state, and what it knows of open orders. */
export interface CycleState {
  account: Account;
  risk: RiskState;
  /** Fill ids already recorded: venues resend fills. */
  seenFillIds: Set<string>;
  /** Orders that may still fill: client order id -> the OrderSubmitRequested event id (their cause) and what is left. */
  liveOrders: Map<string, { cause: string; remaining: Decimal }>;
}

export function initialCycleState(initialCash: Decimal): CycleState {
  return {
    account: openAccount(initialCash),
    risk: {
      mode: 'NORMAL',
      killSwitch: false,
      peakEquity: initialCash,
      day: '',
      dayStartEquity: initialCash,
      recentOrderTimes: [],
      unresolvedUnknownOrders: 0,
    },
    seenFillIds: new Set(),
    liveOrders: new Map(),
  };
}
