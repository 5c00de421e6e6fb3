import type { Decimal } from 'decimal.js';
import type { Bar } from './bar.js';
import type { OrderType, Side } from './ports.js';

/**
 * A strategy is a pure fold: (state, market at this time, view of the account) -> (next state, intents).
 * It never reads the clock, randomness or I/O, so a replay of the same bars re-derives the same intents.
 */

/** What the market shows at one time: the bar of every instrument that has one (a missing one is a gap). */
export interface MarketView {
  /** Open time of this time's bars, epoch ms. */
  time: number;
  /** The run's instruments, the first one first. */
  instruments: readonly string[];
  /** The first instrument. */
  symbol: string;
  /** The first instrument's bar at this time (undefined: a gap in its data). */
  bar: Bar | undefined;
  bars: Readonly<Record<string, Bar>>;
}

export interface AccountView {
  /** Signed position in the run's first instrument. */
  position: Decimal;
  /** Signed position per instrument the run has traded. */
  positions?: Readonly<Record<string, Decimal>>;
  /** Mark-to-market equity at this time, in the quote asset (tradable capital, reserve excluded). */
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
  /** Times (bars of the first instrument) its indicators need: what it proposes before then is not acted on. */
  readonly warmupBars?: number;
  initialState(): S;
  onBar(state: S, market: MarketView, account: AccountView): { state: S; intents: IntentDraft[] };
}

/** The market view of one bar of one instrument (single-instrument strategies, tests). */
export function marketOf(bar: Bar, symbol = 'SYM'): MarketView {
  return { time: bar.time, instruments: [symbol], symbol, bar, bars: { [symbol]: bar } };
}

/** A strategy of one instrument, written as (state, bar, account): shown its instrument's bars, gaps skipped. */
export function onFirstInstrument<S>(step: (state: S, bar: Bar, account: AccountView) => { state: S; intents: IntentDraft[] }): Strategy<S>['onBar'] {
  return (state, market, account) => (market.bar === undefined ? { state, intents: [] } : step(state, market.bar, account));
}

/** Thrown for an unknown strategy name or a bad --param value (the CLI maps it to exit 2). */
export class StrategyConfigError extends Error {
  override readonly name = 'StrategyConfigError';
}

/**
 * A strategy that failed while the run was going (it threw, or returned something that is not intents): the
 * run ends ERROR with this recorded. `where` is the strategy file's line when it can be told.
 */
export class StrategyRuntimeError extends Error {
  override readonly name = 'StrategyRuntimeError';
  constructor(
    readonly strategy: string,
    readonly where: string,
    detail: string,
  ) {
    super(`strategy "${strategy}" (${where}): ${detail}`);
  }
}
