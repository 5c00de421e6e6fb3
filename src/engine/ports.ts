import type { Decimal } from 'decimal.js';
import type { Bar } from './bar.js';
import type { ReasonCode } from './reason-codes.js';

/**
 * The ports through which the deterministic core meets the world. Backtest, replay and live runs
 * differ only in which implementations they pass in (DESIGN.md "The core and its three modes").
 */

/** Engine time: bar time in backtests, recorded time in replays, the system clock live. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

/** All randomness. Seeded implementations (seedrandom) make runs reproducible. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
}

/** Measures phase durations for CycleCompleted; backtests use one that always reports 0. */
export interface Stopwatch {
  start(): () => number;
}

/** What the market showed at one time: one bar per instrument that has one (a missing one is a gap). */
export interface MarketSnapshot {
  /** Bar length, e.g. "1h"; null when unknown. */
  interval: string | null;
  bars: ReadonlyArray<{ symbol: string; bar: Bar }>;
}

export interface MarketData {
  /**
   * The next snapshot, or null when there is none (end of data, or nothing new yet). A market that has it at
   * hand (a backtest's buffered bars) may answer at once: the driver awaits only a promise.
   */
  next(): MarketSnapshot | null | Promise<MarketSnapshot | null>;
}

export type Side = 'BUY' | 'SELL';
export type OrderType = 'MARKET' | 'LIMIT';

export interface OrderRequest {
  clientOrderId: string;
  symbol: string;
  side: Side;
  orderType: OrderType;
  qty: Decimal;
  limitPrice: Decimal | null;
}

export interface VenueFill {
  fillId: string;
  clientOrderId: string;
  /** null when the venue's report does not say (or a log recorded none). */
  venueOrderId: string | null;
  symbol: string;
  side: Side;
  qty: Decimal;
  price: Decimal;
  fee: Decimal;
  feeAsset: string;
  liquidity: 'MAKER' | 'TAKER' | 'UNKNOWN';
  /** Epoch ms. */
  time: number;
}

/**
 * Why a submit's outcome is unknown. DUPLICATE: the venue refused the client order id as already used,
 * which proves an order with that id exists (an earlier attempt whose answer was lost): reconcile it.
 */
export type UnknownOutcomeCause = 'TIMEOUT' | 'NETWORK' | 'HTTP_5XX' | 'DUPLICATE';

export type SubmitOutcome =
  | { kind: 'accepted'; venueOrderId: string }
  | { kind: 'rejected'; reasonCode: ReasonCode; rawReason: string }
  /** HTTP 429: nothing was created; retry the same client order id after retryAfterMs. */
  | { kind: 'rate_limited'; retryAfterMs: number; rawReason: string }
  /** Timeout, reset, 5xx: the order may or may not exist. Never treat as a failure. */
  | { kind: 'unknown'; cause: UnknownOutcomeCause; detail: string };

export type VenueOrderStatus = 'OPEN' | 'PARTIALLY_FILLED' | 'FILLED' | 'CANCELED' | 'REJECTED';

export interface VenueOrderView {
  clientOrderId: string;
  venueOrderId: string;
  symbol: string;
  side: Side;
  qty: Decimal;
  filledQty: Decimal;
  status: VenueOrderStatus;
}

export type OrderLookup =
  | { kind: 'found'; order: VenueOrderView }
  | { kind: 'not_found' }
  /** The query itself failed (timeout etc.): we still do not know. */
  | { kind: 'unknown'; detail: string };

export interface Venue {
  readonly name: string;
  submit(order: OrderRequest): Promise<SubmitOutcome>;
  queryOrder(clientOrderId: string): Promise<OrderLookup>;
  openOrders(symbol?: string): Promise<VenueOrderView[]>;
  /**
   * Fills the venue reports since the last call (may repeat earlier fills: dedupe by fillId). A venue that
   * knows at once (the simulated one) may answer without a promise: a backtest polls twice a bar.
   */
  pollFills(): VenueFill[] | Promise<VenueFill[]>;
  cancel(clientOrderId: string): Promise<OrderLookup>;
  /** Asset -> free balance. */
  balances(): Promise<Record<string, Decimal>>;
}
