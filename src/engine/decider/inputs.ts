import type { EventDataInput } from '../../events/catalog.js';
import type { AnyNewEvent } from '../../events/event-factory.js';
import type { MarketSnapshot, OrderLookup, OrderRequest, SubmitOutcome, VenueFill, VenueOrderView } from '../ports.js';
import type { RunState } from './run-state.js';

/**
 * What the run driver tells the decider, one step at a time. Everything the outside world said is in
 * the input (venue answers, market data, the time, the kill switch); the decider reads nothing else.
 */
export type DeciderInput =
  /** A new run: its RunStarted. */
  | { type: 'StartRun'; at: number; started: EventDataInput<'RunStarted'> }
  /** A process continues an unfinished run (its state is the fold of the run's events). */
  | { type: 'ResumeRun'; at: number; armed: boolean; purpose: 'CONTINUE' | 'RECONCILE'; packageVersion: string; gitCommit: string | null }
  /** A strategy cycle begins. */
  | { type: 'OpenCycle'; at: number; killSwitch: boolean }
  /** A reconciliation pass begins (start-up, close-down): a cycle id of its own, no market data. */
  | { type: 'OpenPass'; at: number }
  /** Fills the venue reports (may repeat earlier ones). */
  | { type: 'FillsReported'; fills: readonly VenueFill[] }
  /** The cycle's market data: the strategy and the risk policy decide on it. */
  | { type: 'MarketObserved'; snapshot: MarketSnapshot }
  /** The venue answered a submit (or the call failed: an unknown outcome). */
  | { type: 'SubmitAnswered'; clientOrderId: string; attempt: number; outcome: SubmitOutcome }
  /** The wait before retrying a throttled submit is over. */
  | { type: 'RetryDue'; clientOrderId: string }
  /** Reconciliation: orders whose outcome is unknown and that fills have since proven to exist. */
  | { type: 'FillsProveOrders' }
  /** Reconciliation: what the venue said of one order (by client order id, and its open orders when asked). */
  | { type: 'OrderLookedUp'; clientOrderId: string; lookup: OrderLookup; openOrders: readonly VenueOrderView[] | null }
  /** The venue answered a cancel. */
  | { type: 'CancelAnswered'; clientOrderId: string; lookup: OrderLookup; reason: string }
  /** End of data: close every open position at the last mark (backtests). */
  | { type: 'CloseOutPositions' }
  | { type: 'CloseCycle'; phaseMs: Readonly<Record<string, number>> }
  | { type: 'EndRun'; at: number; reason: 'COMPLETED' | 'STOPPED' | 'ERROR'; detail: string | null; summary?: Record<string, unknown> };

/** What the decider asks the driver to do at the venue, in order. */
export type VenueCommand =
  | { type: 'submit'; request: OrderRequest; attempt: number }
  /** Wait (the venue's Retry-After, at least), then send RetryDue. */
  | { type: 'retry'; clientOrderId: string; attempt: number; retryAfterMs: number }
  | { type: 'cancel'; clientOrderId: string; reason: string };

export interface Decision {
  /** Events to append, in order (the state below already folds them). */
  events: readonly AnyNewEvent[];
  commands: readonly VenueCommand[];
  state: RunState;
}
