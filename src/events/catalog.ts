import { z } from 'zod';
import { DecimalString, NonNegativeDecimalString, PositiveDecimalString } from './decimal-string.js';
import { RUN_MODES } from './envelope.js';

/**
 * The event catalog: one zod schema per event type, at its current schemaVersion.
 * Older versions are upgraded on read by ./upcasting.ts; stored bytes never change.
 */

const Id = z.string().min(1).max(200);
const Iso = z.string().datetime({ offset: true });
const Symbol = z.string().regex(/^[A-Za-z0-9._:/-]{1,40}$/, 'symbol: letters, digits and ._:/- only');
const Side = z.enum(['BUY', 'SELL']);
const OrderType = z.enum(['MARKET', 'LIMIT']);
/** Reason codes are SCREAMING_SNAKE; membership is checked against src/engine/reason-codes.ts. */
const ReasonCode = z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'reason code must be SCREAMING_SNAKE');
const DecisionLayer = z.enum(['POLICY', 'RISK', 'EXECUTION', 'VENUE', 'RECONCILIATION']);
/** Compared values behind a decision, e.g. { requested: "1200", limit: "1000" }. */
const Context = z.record(z.string(), z.string());
const RiskMode = z.enum(['NORMAL', 'REDUCE', 'OBSERVE']);
type Json = string | number | boolean | null | Json[] | { [k: string]: Json };
const JsonValue: z.ZodType<Json> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(JsonValue), z.record(z.string(), JsonValue)]),
);

export const BarSchema = z.object({
  /** Bar open time. */
  openTime: Iso,
  open: PositiveDecimalString,
  high: PositiveDecimalString,
  low: PositiveDecimalString,
  close: PositiveDecimalString,
  volume: NonNegativeDecimalString,
});

/** One instrument's bar in a market snapshot. */
export const SnapshotBar = BarSchema.extend({ symbol: Symbol });

export const DataReference = z.object({
  /** What was read: a file path, `synthetic:...` spec, or `venue:<name>`. */
  source: z.string(),
  /** sha256 of the normalised bars, so a replay can prove it read the same data. */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  symbol: Symbol,
  interval: z.string().nullable(),
  firstBarTime: Iso.nullable(),
  lastBarTime: Iso.nullable(),
  barCount: z.number().int().nonnegative(),
});

export const schemas = {
  RunStarted: z.object({
    mode: z.enum(RUN_MODES),
    strategy: z.string(),
    params: z.record(z.string(), z.string()),
    symbol: Symbol,
    venue: z.string(),
    seed: z.string().nullable(),
    /** The complete effective configuration, so a replay can run with exactly it. */
    config: JsonValue,
    configHash: z.string().regex(/^[0-9a-f]{64}$/),
    /** For backtests: the dataset; for live runs: null (snapshots are recorded one by one). */
    data: DataReference.nullable(),
    /** A backtest of several instruments: the datasets of the others (`data` is the first's). Absent: one instrument. */
    moreData: z.array(DataReference).optional(),
    /** A strategy written by the user: its file (absolute path) and the sha256 of its text. Absent: a built-in. */
    strategySource: z.object({ path: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) }).optional(),
    eventsMode: z.enum(['full', 'decisions']),
    initialCash: NonNegativeDecimalString,
    quoteAsset: z.string(),
    packageVersion: z.string(),
    gitCommit: z.string().nullable(),
    armed: z.boolean(),
  }),
  CycleStarted: z.object({
    cycleSeq: z.number().int().nonnegative(),
    /** Whether the kill switch was engaged when the cycle began (read from its control stream). (v2) */
    killSwitch: z.boolean(),
  }),
  MarketSnapshotRecorded: z.object({
    /** Bar length of every bar, e.g. "1h" or "1000ms"; null when unknown. */
    interval: z.string().nullable(),
    /** One bar per instrument that has one at this time (a missing instrument is a gap). (v2: a list) */
    bars: z
      .array(SnapshotBar)
      .min(1)
      .refine((bars) => new Set(bars.map((b) => b.symbol)).size === bars.length, 'one bar per symbol'),
  }),
  IntentProposed: z.object({
    intentId: Id,
    strategy: z.string(),
    symbol: Symbol,
    side: Side,
    orderType: OrderType,
    qty: PositiveDecimalString,
    limitPrice: PositiveDecimalString.nullable(),
    /** Why the strategy wants this, in words a person reads: "fast SMA(10) crossed above slow SMA(30)". */
    rationale: z.string(),
    /** The indicator values behind it. */
    context: Context,
  }),
  RiskDecisionMade: z.object({
    intentId: Id,
    verdict: z.enum(['APPROVED', 'REDUCED', 'DENIED']),
    /** null only when APPROVED with nothing to say. */
    reasonCode: ReasonCode.nullable(),
    layer: DecisionLayer.nullable(),
    requestedQty: PositiveDecimalString,
    approvedQty: NonNegativeDecimalString,
    riskMode: RiskMode,
    context: Context,
  }),
  OrderSubmitRequested: z.object({
    clientOrderId: Id,
    intentId: Id,
    symbol: Symbol,
    side: Side,
    orderType: OrderType,
    qty: PositiveDecimalString,
    limitPrice: PositiveDecimalString.nullable(),
    /** 1 for the first try; a retry reuses the same clientOrderId with the next attempt number. */
    attempt: z.number().int().positive(),
  }),
  OrderAccepted: z.object({
    clientOrderId: Id,
    venueOrderId: Id,
  }),
  OrderRejected: z.object({
    clientOrderId: Id,
    reasonCode: ReasonCode,
    /** The venue's own words, kept beside our code. */
    rawReason: z.string(),
  }),
  OrderDenied: z.object({
    intentId: Id,
    clientOrderId: Id.nullable(),
    reasonCode: ReasonCode,
    layer: DecisionLayer,
    context: Context,
  }),
  OrderOutcomeUnknown: z.object({
    clientOrderId: Id,
    attempt: z.number().int().positive(),
    cause: z.enum(['TIMEOUT', 'NETWORK', 'HTTP_5XX', 'DUPLICATE']),
    detail: z.string(),
  }),
  OrderSubmitThrottled: z.object({
    /** HTTP 429: the venue created nothing; the same client order id is retried after retryAfterMs. */
    clientOrderId: Id,
    attempt: z.number().int().positive(),
    retryAfterMs: z.number().int().nonnegative(),
    rawReason: z.string(),
  }),
  OrderFilled: z.object({
    clientOrderId: Id,
    venueOrderId: Id.nullable(),
    /** Venues resend fills; the fill id is what deduplicates them. */
    fillId: Id,
    symbol: Symbol,
    side: Side,
    qty: PositiveDecimalString,
    price: PositiveDecimalString,
    fee: NonNegativeDecimalString,
    /** Asset the fee was charged in; "QUOTE" means the run's quote asset. (v2) */
    feeAsset: z.string(),
    /** (v2) */
    liquidity: z.enum(['MAKER', 'TAKER', 'UNKNOWN']),
    /** When the venue filled it: the time its price existed. null for fills recorded before v3. (v3) */
    time: Iso.nullable(),
  }),
  OrderCanceled: z.object({
    clientOrderId: Id,
    reason: z.string(),
  }),
  OrderReconciled: z.object({
    clientOrderId: Id,
    outcome: z.enum(['COMMITTED', 'FAILED', 'STILL_UNKNOWN']),
    reasonCode: ReasonCode,
    via: z.enum(['CLIENT_ORDER_ID', 'OPEN_ORDERS', 'FILLS', 'NONE']),
    venueOrderId: Id.nullable(),
    attempt: z.number().int().positive(),
    /** Consecutive clean "not found" answers so far (0 after any other answer). (v2) */
    notFoundStreak: z.number().int().nonnegative(),
  }),
  UnknownOrderEscalated: z.object({
    clientOrderId: Id,
    attempts: z.number().int().nonnegative(),
    ageMs: z.number().int().nonnegative(),
    reasonCode: ReasonCode,
  }),
  RiskModeChanged: z.object({
    from: RiskMode,
    to: RiskMode,
    reasonCode: ReasonCode,
    context: Context,
  }),
  KillSwitchEngaged: z.object({
    reason: z.string().min(1),
    by: z.string(),
  }),
  KillSwitchReleased: z.object({
    reason: z.string().min(1),
    by: z.string(),
  }),
  ReserveAllocated: z.object({
    /** Realized profit moved to the never-traded reserve (self-financing, issue 4). */
    amount: NonNegativeDecimalString,
    fraction: DecimalString,
    context: Context,
  }),
  CycleCompleted: z.object({
    cycleSeq: z.number().int().nonnegative(),
    /** Phase durations in ms from the run's stopwatch port (zero in backtests, which have no wall time). */
    phaseMs: z.record(z.string(), z.number().nonnegative()),
    intents: z.number().int().nonnegative(),
    orders: z.number().int().nonnegative(),
  }),
  RunResumed: z.object({
    /** The cycle number the resuming process starts at (its start-up reconciliation pass). */
    cycleSeq: z.number().int().positive(),
    /** Whether this process may send orders (`--arm`): arming is stated by every process, never inherited. */
    armed: z.boolean(),
    /**
     * CONTINUE: the run never ended (its process died) and goes on trading. RECONCILE: the run ended with
     * orders whose outcome it never learned (or that may still work at the venue); this process only
     * reconciles and closes them, then ends the run again.
     */
    purpose: z.enum(['CONTINUE', 'RECONCILE']),
    packageVersion: z.string(),
    gitCommit: z.string().nullable(),
  }),
  RunEnded: z.object({
    reason: z.enum(['COMPLETED', 'STOPPED', 'ERROR']),
    cycles: z.number().int().nonnegative(),
    detail: z.string().nullable(),
    /** A backtest's summary figures (its metrics), so a sweep can rank a finished run without running it again. */
    summary: z.record(z.string(), JsonValue).optional(),
  }),
} as const;

export type EventType = keyof typeof schemas;
export const EVENT_TYPES = Object.keys(schemas) as EventType[];

/** Data as the engine writes it (decimals may be any spelling). */
export type EventDataInput<T extends EventType> = z.input<(typeof schemas)[T]>;
/** Data as read back: validated, decimals in normal form. */
export type EventData<T extends EventType> = z.output<(typeof schemas)[T]>;

/** Current schemaVersion of each type. Raise it together with an upcaster in ./upcasting.ts. */
export const CURRENT_SCHEMA_VERSION: Record<EventType, number> = Object.fromEntries(
  EVENT_TYPES.map((t) => [t, 1]),
) as Record<EventType, number>;
CURRENT_SCHEMA_VERSION.OrderFilled = 3;
CURRENT_SCHEMA_VERSION.CycleStarted = 2;
CURRENT_SCHEMA_VERSION.MarketSnapshotRecorded = 2;
CURRENT_SCHEMA_VERSION.OrderReconciled = 2;

export function isEventType(type: string): type is EventType {
  return Object.prototype.hasOwnProperty.call(schemas, type);
}

export const DESCRIPTIONS: Record<EventType, string> = {
  RunStarted: 'A run began: mode, strategy, parameters, full config and its hash, seed, data reference, versions',
  CycleStarted: 'A live cycle began (one poll), with the kill switch as it stood (v2); backtests do not record it',
  MarketSnapshotRecorded: 'The market data the cycle saw: one OHLCV bar per instrument (v2)',
  IntentProposed: 'The strategy wants to trade, with its rationale and indicator values',
  RiskDecisionMade: 'Risk policy verdict on an intent: APPROVED / REDUCED / DENIED, reason code, compared values',
  OrderSubmitRequested: 'We are about to call the venue with this client order id (recorded before the call)',
  OrderAccepted: 'The venue acknowledged the order',
  OrderRejected: 'The venue refused the order (reason code plus the raw venue text)',
  OrderDenied: 'We refused to send an order after an approval (engines before 0.2; today a refusal is a RiskDecisionMade DENIED whose layer says who refused)',
  OrderOutcomeUnknown: 'The submit call ended without a definite answer (timeout, network, 5xx): the order may exist',
  OrderSubmitThrottled: 'The venue answered 429 (nothing created); the same client order id is retried after Retry-After',
  OrderFilled: 'A fill: id, quantity, price, fee (v2 adds fee asset and liquidity, v3 the venue\'s fill time)',
  OrderCanceled: 'The order was canceled',
  OrderReconciled: 'An unknown outcome was looked for at the venue: COMMITTED, FAILED or STILL_UNKNOWN (v2 adds the not-found streak)',
  UnknownOrderEscalated: 'An unknown order stayed unresolved too long: escalated, risk mode to OBSERVE',
  RiskModeChanged: 'Risk mode moved between NORMAL, REDUCE and OBSERVE, with the reason',
  KillSwitchEngaged: 'No new exposure from the next cycle on',
  KillSwitchReleased: 'The kill switch was released',
  ReserveAllocated: 'Part of realized profit moved into the reserve that is never traded',
  CycleCompleted: 'A live cycle ended, with phase timings and counts; backtests do not record it',
  RunResumed: 'A process continued an unfinished run (after a crash): where it starts and whether it is armed',
  RunEnded: 'A run ended: completed, stopped by signal, or failed',
};
