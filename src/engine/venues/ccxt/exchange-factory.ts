import { inspect } from 'node:util';
import { binance, btcturk, type Exchange } from 'ccxt';
import { instrumentExchange } from './call-capture.js';

export type CcxtVenueId = 'binance' | 'btcturk';

export interface VenueCredentials {
  apiKey: string;
  secret: string;
}

export interface ExchangeSpec {
  venue: CcxtVenueId;
  /** Absent for public-only use (market rules, bars). */
  credentials?: VenueCredentials;
  /**
   * Another base URL (the emulator, a proxy): every entry of urls.api keeps its path and gets this
   * origin. Absent: ccxt's production URLs.
   */
  baseUrl?: string;
  /** Per-request timeout, ms. */
  timeoutMs: number;
  /** ccxt's client-side throttle (default on). */
  enableRateLimit?: boolean;
}

/**
 * A ccxt exchange configured the way the adapters need it. maxRetriesOnFailure stays 0: with ccxt
 * retrying, one order whose answer hung after commit was POSTed three times; our submitter owns retries
 * (same client order id, Retry-After honoured). Binance loads only its spot markets
 * (GET /api/v3/exchangeInfo) and no currencies (a private call). The object holds the keys: it never
 * serialises or inspects to more than its id, so it cannot reach a log or an error message.
 */
export function createExchange(spec: ExchangeSpec): Exchange {
  const common = {
    timeout: spec.timeoutMs,
    enableRateLimit: spec.enableRateLimit ?? true,
    ...(spec.credentials ? { apiKey: spec.credentials.apiKey, secret: spec.credentials.secret } : {}),
  };
  const exchange: Exchange =
    spec.venue === 'binance'
      ? new binance({
          ...common,
          options: {
            fetchMarkets: { types: ['spot'] },
            fetchMargins: false,
            fetchCurrencies: false,
            maxRetriesOnFailure: 0,
          },
        })
      : new btcturk({ ...common, options: { maxRetriesOnFailure: 0 } });
  if (exchange.options['maxRetriesOnFailure'] !== 0) throw new Error('ccxt maxRetriesOnFailure must be 0');
  if (spec.baseUrl !== undefined) exchange.urls['api'] = rebasedApiUrls(exchange.urls['api'], spec.baseUrl);
  instrumentExchange(exchange);
  sealAgainstLogging(exchange);
  return exchange;
}

/** Every entry of urls.api with its path kept and its origin replaced. */
export function rebasedApiUrls(api: unknown, baseUrl: string): Record<string, string> {
  const origin = new URL(baseUrl).origin;
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(api as Record<string, unknown>)) {
    if (typeof value !== 'string') throw new Error(`ccxt urls.api.${name} is not a URL string`);
    const u = new URL(value);
    out[name] = `${origin}${u.pathname.replace(/\/$/, '')}`;
  }
  return out;
}

function sealAgainstLogging(exchange: Exchange): void {
  const label = `[ccxt ${exchange.id} exchange]`;
  Object.defineProperty(exchange, 'toJSON', { value: () => label, enumerable: false });
  Object.defineProperty(exchange, inspect.custom, { value: () => label, enumerable: false });
  Object.defineProperty(exchange, 'toString', { value: () => label, enumerable: false });
}
