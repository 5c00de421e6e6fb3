import type { Decimal } from 'decimal.js';
import type { OrderType, Side } from '../ports.js';
import type { DecisionLayer, ReasonCode } from '../reason-codes.js';
import type { MarketRules } from '../venues/market-rules.js';

/**
 * The contract between the cycle and the risk policy. The policy is pure: the cycle gathers the
 * facts (portfolio, risk state, time), the policy returns a verdict, the cycle records it as a
 * RiskDecisionMade event. The same policy serves backtest, replay and live runs.
 */

export type RiskMode = 'NORMAL' | 'REDUCE' | 'OBSERVE';

export interface ProposedOrder {
  intentId: string;
  symbol: string;
  side: Side;
  orderType: OrderType;
  qty: Decimal;
  limitPrice: Decimal | null;
  /** The price the notional is judged at (limit price, else the last close). */
  refPrice: Decimal;
}

export interface PortfolioView {
  /** Free cash in the quote asset (after fills so far). */
  cash: Decimal;
  /** Cash set aside by self-financing: never traded. */
  reserve: Decimal;
  /** Symbol -> signed position quantity. */
  positions: Readonly<Record<string, Decimal>>;
  /** Mark-to-market equity (cash + reserve + positions at last price). */
  equity: Decimal;
  /** Symbol -> last price the positions are marked at (the portfolio cap values the other instruments with it). */
  marks?: Readonly<Record<string, Decimal>>;
}

export interface RiskState {
  mode: RiskMode;
  killSwitch: boolean;
  peakEquity: Decimal;
  /** Local calendar day (in the configured time zone) that dayStartEquity belongs to, e.g. 2024-03-10. */
  day: string;
  dayStartEquity: Decimal;
  /** Epoch ms of recent order submissions, for the rate limit. */
  recentOrderTimes: readonly number[];
  /** Unknown-outcome orders not yet resolved (execution layer); any > 0 forces OBSERVE. */
  unresolvedUnknownOrders: number;
  /** Reason code of the transition that entered the current mode (so leaving it can say why). */
  modeReasonCode?: ReasonCode;
  /** Engine time (epoch ms) the current mode began; set by observe() on each transition. */
  modeSince?: number;
}

export interface RiskContext {
  /** Engine clock, epoch ms. */
  now: number;
  /** Time of the market snapshot the decision is based on (its bar close time), epoch ms. */
  snapshotTime: number;
  portfolio: PortfolioView;
  state: RiskState;
  /** Notional already approved in this cycle. */
  cycleNotional: Decimal;
  /** Live run without --arm: decide everything, send nothing. */
  dryRun: boolean;
  /**
   * The venue's rules for the order's instrument (step, tick, minimums): what the EXECUTION checks hold
   * the order to. Absent: the configuration's (risk.qtyStep, minNotional, priceTick).
   */
  rules?: MarketRules;
  /**
   * False when the run is armed but the venue adapter refuses live side effects (e.g. a real venue
   * without its arming switch): every order is DENIED NOT_ARMED. Absent = armed.
   */
  venueArmed?: boolean;
}

export interface RiskVerdict {
  verdict: 'APPROVED' | 'REDUCED' | 'DENIED';
  approvedQty: Decimal;
  reasonCode: ReasonCode | null;
  layer: DecisionLayer | null;
  /** The compared values, e.g. { requested: "1200", limit: "1000" }. */
  context: Record<string, string>;
  /** LIMIT orders: the limit price rounded down to the venue tick (send this one). Absent/null for MARKET. */
  approvedLimitPrice?: Decimal | null;
}

export interface RiskModeTransition {
  from: RiskMode;
  to: RiskMode;
  reasonCode: ReasonCode;
  context: Record<string, string>;
}

export interface RiskPolicy {
  decide(order: ProposedOrder, ctx: RiskContext): RiskVerdict;
  /**
   * Called once per cycle before decisions with the marked-to-market equity: returns the next risk
   * state (peak, day roll-over, mode with hysteresis) and the mode transition to record, if any.
   */
  observe(state: RiskState, equity: Decimal, now: number): { state: RiskState; transition: RiskModeTransition | null };
  /**
   * Self-financing (optional; absent = no reserve). Called when a round trip closes, with its profit net of
   * every cost of the trip (entry and exit fees): how much of it moves from cash into the never-traded
   * reserve, and the ReserveAllocated event data to record (null when nothing moves: a losing or
   * break-even round trip stays entirely in tradable capital).
   */
  settleRealizedPnl?(realizedPnl: Decimal, context: Record<string, string>): ReserveSettlement;
}

export interface ReserveSettlement {
  toReserve: Decimal;
  /** ReserveAllocated event data, decimals as strings. */
  event: { amount: string; fraction: string; context: Record<string, string> } | null;
}
