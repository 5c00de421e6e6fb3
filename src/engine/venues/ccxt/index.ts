export { CcxtVenueAccess, type OpenVenueOptions } from './ccxt-venue-access.js';
export { type CcxtVenueId, type ExchangeSpec, type VenueCredentials, createExchange, rebasedApiUrls } from './exchange-factory.js';
export { type ClosedBarReader, UnsupportedIntervalError } from './closed-bars.js';
export { VenueAccessError, type VenueAccessKind } from './venue-errors.js';
export {
  BINANCE_VISIBILITY_WINDOW_MS,
  BTCTURK_VISIBILITY_WINDOW_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  PRODUCTION_HOSTS,
  VISIBILITY_WINDOW_MS,
} from './venue-defaults.js';
export { CLIENT_ORDER_ID_RULES, clientOrderIdProblem } from './client-order-id.js';
export { BinanceSpotVenue } from './binance/binance-spot-venue.js';
export { BtcturkVenue } from './btcturk/btcturk-venue.js';
