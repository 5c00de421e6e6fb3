import { isIP } from 'node:net';
import type { CcxtVenueId } from '../../engine/venues/ccxt/exchange-factory.js';
import { PRODUCTION_HOSTS } from '../../engine/venues/ccxt/venue-defaults.js';
import { UsageError } from '../errors.js';

/**
 * --venue-url: a loopback address (an emulator, a local proxy) over http or https, or the venue's own
 * production host over https. Anything else is refused: keys must never be sent to a host that is
 * neither ours nor the venue's. Only the origin is used; every API path is kept (see createExchange).
 */
export function checkVenueUrl(venue: CcxtVenueId, text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--venue-url "${text}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--venue-url must be http(s), not ${url.protocol}`);
  if (url.username !== '' || url.password !== '') throw new UsageError('--venue-url must not carry a user or password');
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') throw new UsageError(`--venue-url takes an origin only (scheme://host[:port]), not a path: ${url.origin}${url.pathname}`);
  if (isLoopback(url.hostname)) return url;
  const production = PRODUCTION_HOSTS[venue];
  if (production.includes(url.hostname.toLowerCase())) {
    if (url.protocol !== 'https:') throw new UsageError(`--venue-url ${url.hostname} must be https`);
    return url;
  }
  throw new UsageError(`--venue-url ${url.hostname} is neither a loopback address nor ${venue}'s production host (${production.join(', ')})`);
}

export function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1';
  return false;
}
