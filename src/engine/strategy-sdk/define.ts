import type { AccountView, IntentDraft, MarketView } from '../strategy.js';
import type { ParamDef, ParamValues } from './params.js';

/**
 * A strategy as a user writes it (`engine backtest --strategy ./my-strategy.ts`): a name, parameters with
 * defaults and validation, a warm-up length, and a pure fold over the market. `onBar` sees every instrument's
 * bar at this time (`market.bars`; a missing one is a gap) and a read-only account view; it returns its next
 * state and the intents it wants (market or limit, buy or sell, each with a rationale and the values that drove
 * it, which the log records in IntentProposed). It must be deterministic: the same bars and account give the same
 * intents. The wall clock and unseeded randomness are not available to it.
 */
export interface StrategyDefinition<Defs extends Record<string, ParamDef<unknown>> = Record<string, ParamDef<unknown>>, S = unknown> {
  readonly name: string;
  readonly description?: string;
  readonly params: Defs;
  /** Bars of the first instrument its indicators need before its intents are acted on. */
  readonly warmup?: number | ((params: ParamValues<Defs>) => number);
  init(params: ParamValues<Defs>): S;
  onBar(state: S, market: MarketView, account: AccountView, params: ParamValues<Defs>): { state: S; intents?: readonly IntentDraft[] };
}

/** Declares a strategy (the default export of a strategy file). Types flow from the params to `init` and `onBar`. */
export function defineStrategy<const Defs extends Record<string, ParamDef<unknown>>, S>(def: StrategyDefinition<Defs, S>): StrategyDefinition<Defs, S> {
  return Object.freeze({ ...def, [STRATEGY_DEFINITION]: true });
}

export const STRATEGY_DEFINITION = Symbol.for('engine.strategy-definition');

export function isStrategyDefinition(v: unknown): v is StrategyDefinition {
  return typeof v === 'object' && v !== null && (v as Record<symbol, unknown>)[STRATEGY_DEFINITION] === true;
}
