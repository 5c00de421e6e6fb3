import type { ReasonCode } from './reason-codes.js';

/**
 * Maps a venue's refusal (HTTP status and/or its own words) to a VENUE reason code, keeping the raw
 * text beside it. Pure. Only for definite refusals: a timeout, a reset or a 5xx means the order MAY
 * exist and must become OrderOutcomeUnknown, never a rejection (see isOutcomeUnknownStatus).
 */

export interface VenueRejectionInput {
  httpStatus?: number | null;
  /** The venue's message, verbatim (may be a JSON body). */
  text: string;
}

export interface MappedRejection {
  reasonCode: ReasonCode;
  /** Exactly what the venue said; recorded as OrderRejected.rawReason. */
  rawReason: string;
}

/**
 * Checked in order: the first pattern that matches wins. Venue error numbers are Binance-style; the
 * SCREAMING_SNAKE words are BTCTurk's documented submit errors.
 */
const RULES: ReadonlyArray<{ code: ReasonCode; pattern: RegExp }> = [
  { code: 'VENUE_RATE_LIMITED', pattern: /rate.?limit|too many (new )?(requests|orders)|request weight|-1003\b|-1015\b/i },
  { code: 'VENUE_DUPLICATE_ORDER', pattern: /duplicate|already (exists|used)|client ?order ?id.*(exists|used|taken)|-2026\b/i },
  {
    code: 'VENUE_INSUFFICIENT_BALANCE',
    pattern: /insufficient|not enough (balance|funds|margin)|balance is too low|-2010\b.*balance|-2019\b|BALANCE_NOT_ENOUGH|FAILED_ORDER_WITH_OPEN_ORDERS/i,
  },
  {
    code: 'VENUE_MARKET_CLOSED',
    pattern: /market (is )?closed|halted|trading (is )?(halted|disabled|suspended|not allowed)|not trading|symbol.*(suspended|delisted)|outside trading hours|FAILED_MARKET_ORDER/i,
  },
  {
    code: 'VENUE_INVALID_ORDER',
    pattern:
      /min(imum)?.?notional|lot.?size|step.?size|tick.?size|precision|filter failure|invalid (quantity|qty|price|order|side|type|symbol)|-1013\b|-1100\b|-1111\b|-1121\b|FAILED_MIN_TOTAL_AMOUNT|FAILED_ORDER_PARAMETER|FAILED_LIMIT_ORDER|ORDER_M(IN|AX)_PRICE_EXCEEDED|PRICE_MUST_BE_LESS_THAN_MAXPRICE/i,
  },
];

export function mapVenueRejection(input: VenueRejectionInput): MappedRejection {
  const rawReason = input.text;
  if (input.httpStatus === 429 || input.httpStatus === 418) return { reasonCode: 'VENUE_RATE_LIMITED', rawReason };
  for (const r of RULES) if (r.pattern.test(input.text)) return { reasonCode: r.code, rawReason };
  return { reasonCode: 'VENUE_UNKNOWN_REJECTION', rawReason };
}

/** Statuses after which the order may or may not exist: reconcile, do not treat as rejected. */
export function isOutcomeUnknownStatus(httpStatus: number): boolean {
  return httpStatus >= 500 || httpStatus === 408;
}
