import type { CcxtVenueId } from './exchange-factory.js';

/**
 * How long each venue may take to show an order it accepted. "Not found" is not believed before this
 * (the reconciler's visibilityWindowMs). Binance was measured by others to hide accepted orders for
 * 22-62 s: 90 s keeps a margin above the worst sighting. BTCTurk has no published figure: 60 s.
 */
export const BINANCE_VISIBILITY_WINDOW_MS = 90_000;
export const BTCTURK_VISIBILITY_WINDOW_MS = 60_000;

export const VISIBILITY_WINDOW_MS: Record<CcxtVenueId, number> = {
  binance: BINANCE_VISIBILITY_WINDOW_MS,
  btcturk: BTCTURK_VISIBILITY_WINDOW_MS,
};

/** Per-request timeout the adapters use unless told otherwise. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** The venues' production API hosts: the only non-loopback hosts a --venue-url may name. */
export const PRODUCTION_HOSTS: Record<CcxtVenueId, readonly string[]> = {
  binance: ['api.binance.com'],
  btcturk: ['api.btcturk.com', 'graph-api.btcturk.com'],
};
