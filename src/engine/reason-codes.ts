/**
 * The one reason-code vocabulary (DESIGN.md "Reason codes"). Every refusal, rejection and
 * reconciliation outcome in the log carries one of these. "Denied" is ours; "Rejected" is the venue's.
 */

export type DecisionLayer = 'POLICY' | 'RISK' | 'EXECUTION' | 'VENUE' | 'RECONCILIATION';

export interface ReasonCodeInfo {
  layer: DecisionLayer;
  meaning: string;
}

export const REASON_CODES = {
  // POLICY: is trading allowed at all?
  DRY_RUN: { layer: 'POLICY', meaning: 'Live run without --arm: the order was decided but not sent' },
  NOT_ARMED: { layer: 'POLICY', meaning: 'The venue adapter is not armed for live side effects' },
  KILL_SWITCH: { layer: 'POLICY', meaning: 'The kill switch is engaged: no new exposure' },
  // RISK: limits on size, exposure and losses
  NOTIONAL_CAP_PER_ORDER: { layer: 'RISK', meaning: 'Order notional above the per-order cap' },
  NOTIONAL_CAP_PER_CYCLE: { layer: 'RISK', meaning: 'Orders in this cycle would exceed the per-cycle notional cap' },
  POSITION_CAP: { layer: 'RISK', meaning: 'Resulting position would exceed the maximum position for the symbol' },
  PORTFOLIO_CAP: { layer: 'RISK', meaning: "Positions of all instruments together, at their marks, would exceed the portfolio's share of equity" },
  CASH_RESERVE: { layer: 'RISK', meaning: 'Order would take cash below the reserve that is never traded' },
  DRAWDOWN_BREACH: { layer: 'RISK', meaning: 'Drawdown from peak equity crossed a risk-mode threshold' },
  DRAWDOWN_RECOVERED: {
    layer: 'RISK',
    meaning: 'Drawdown fell below the recovery threshold and no unknown order is unresolved: risk mode relaxed',
  },
  DAILY_LOSS_LIMIT: { layer: 'RISK', meaning: "Today's loss reached the daily loss limit" },
  RISK_MODE_REDUCE: { layer: 'RISK', meaning: 'Risk mode REDUCE: order size scaled down' },
  RISK_MODE_OBSERVE: { layer: 'RISK', meaning: 'Risk mode OBSERVE: only orders that reduce exposure are allowed' },
  STALE_DATA: { layer: 'RISK', meaning: 'Market snapshot older than the staleness threshold' },
  RATE_LIMIT: { layer: 'RISK', meaning: 'Too many orders in the rate-limit window' },
  // EXECUTION: can the order be expressed at the venue?
  MIN_NOTIONAL: { layer: 'EXECUTION', meaning: "Order notional below the venue's minimum" },
  PRECISION: { layer: 'EXECUTION', meaning: "Quantity or price rounds to nothing at the venue's precision" },
  INSUFFICIENT_BALANCE: { layer: 'EXECUTION', meaning: 'Not enough cash or asset to cover the order' },
  UNKNOWN_INSTRUMENT: { layer: 'EXECUTION', meaning: 'The intent names an instrument the run does not trade' },
  // VENUE: the venue's refusals, mapped; raw text is kept beside the code
  VENUE_INSUFFICIENT_BALANCE: { layer: 'VENUE', meaning: 'Venue rejected: insufficient balance' },
  VENUE_INVALID_ORDER: { layer: 'VENUE', meaning: 'Venue rejected: invalid order parameters (size, price, precision)' },
  VENUE_MARKET_CLOSED: { layer: 'VENUE', meaning: 'Venue rejected: market closed or symbol halted' },
  VENUE_RATE_LIMITED: { layer: 'VENUE', meaning: 'Venue rejected: rate limit (HTTP 429)' },
  VENUE_DUPLICATE_ORDER: { layer: 'VENUE', meaning: 'Venue rejected: client order id already used' },
  VENUE_UNKNOWN_REJECTION: { layer: 'VENUE', meaning: 'Venue rejected for a reason we do not map; see the raw text' },
  // RECONCILIATION: what became of an order whose outcome was unknown
  COMMITTED: { layer: 'RECONCILIATION', meaning: 'The venue has the order: it exists and counts' },
  FAILED: { layer: 'RECONCILIATION', meaning: 'The venue never had the order: it does not exist' },
  STILL_UNKNOWN: { layer: 'RECONCILIATION', meaning: 'The venue could not yet say; will ask again' },
  UNKNOWN_ORDERS_RESOLVED: { layer: 'RECONCILIATION', meaning: 'Every escalated unknown order was resolved: the OBSERVE it imposed is lifted' },
  ESCALATED: { layer: 'RECONCILIATION', meaning: 'Unresolved after the bounded attempts or age: escalated, risk mode OBSERVE' },
} as const satisfies Record<string, ReasonCodeInfo>;

export type ReasonCode = keyof typeof REASON_CODES;

export const ALL_REASON_CODES = Object.keys(REASON_CODES) as ReasonCode[];

export function isReasonCode(code: string): code is ReasonCode {
  return Object.prototype.hasOwnProperty.call(REASON_CODES, code);
}

export function layerOf(code: ReasonCode): DecisionLayer {
  return REASON_CODES[code].layer;
}
