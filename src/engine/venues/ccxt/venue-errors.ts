/**
 * Typed failures of venue calls that are not submits (a submit always ends in a SubmitOutcome). The
 * message is one line, built by us from the venue's answer: never from a ccxt object, never with a key.
 */
export type VenueAccessKind =
  /** Connection refused, DNS, timeout, reset: the venue could not be reached. */
  | 'UNREACHABLE'
  /** 401/403 or the venue's "invalid key / signature" answers. */
  | 'AUTH'
  /** The market is not listed (or not trading) at the venue. */
  | 'UNKNOWN_MARKET'
  /** The venue answered something that is not its JSON (or not the expected shape). */
  | 'GARBAGE'
  /** 429/418. */
  | 'THROTTLED'
  /** 5xx. */
  | 'VENUE_ERROR'
  /** Another definite refusal (4xx with the venue's error body). */
  | 'REFUSED';

export class VenueAccessError extends Error {
  override readonly name = 'VenueAccessError';
  constructor(
    readonly venue: string,
    readonly kind: VenueAccessKind,
    /** What was being done, e.g. "loading markets". */
    readonly operation: string,
    detail: string,
  ) {
    super(`${venue}: ${operation} failed (${kind}): ${detail}`);
  }
}
