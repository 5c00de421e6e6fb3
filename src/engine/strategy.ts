import type { Decimal } from 'decimal.js';
import type { Bar } from './bar.js';
import type { OrderType, Side } from './ports.js';

/**
 * A strategy is a pure fold: (state, bar, view of the account) -> (next state, intents).
 * It never reads the clock, randomness or I/O, so a replay of the same bars re-derives the same intents.
 */

export interface AccountView {
  /** Signed position in the strategy's symbol. */
  position: Decimal;
  /** Mark-to-market equity at this bar's close, in the quote asset (tradable capital, reserve excluded). */
  equity: Decimal;
  cash: Decimal;
}

export interface IntentDraft {
  /** The instrument; absent: the run's (first) instrument. */
  symbol?: string;
  side: Side;
  qty: Decimal;
  orderType: OrderType;
  limitPrice: Decimal | null;
  /** Why, in words: "fast SMA(10)=101.2 crossed above slow SMA(30)=100.9". */
  rationale: string;
  /** The numbers behind it, as strings. */
  context: Record<string, string>;
}

export interface Strategy<S = unknown> {
  readonly name: string;
  /** The effective parameters, defaults filled in, as strings (recorded in RunStarted). */
  readonly params: Readonly<Record<string, string>>;
  initialState(): S;
  onBar(state: S, bar: Bar, account: AccountView): { state: S; intents: IntentDraft[] };
}

/** Thrown for an unknown strategy name or a bad --param value (the CLI maps it to exit 2). */
export class StrategyConfigError extends Error {
  override readonly name = 'StrategyConfigError';
}
