import { VenueAccessError } from '../../engine/venues/ccxt/venue-errors.js';
import { InputError } from '../errors.js';
import { credentialVariables } from './venue-credentials.js';

/**
 * A venue that cannot be used as asked (wrong keys, unknown market, nothing listening, not the venue's
 * API): bad input, exit 2, one line. Built from the typed error, so it never holds a key.
 */
export class VenueUnusableError extends InputError {
  override readonly name = 'InputError' as const;
  readonly kind = 'venue-unusable' as const;
}

export function venueUnusable(err: VenueAccessError, where: string): VenueUnusableError {
  const vars = credentialVariables(err.venue === 'btcturk' ? 'btcturk' : 'binance');
  switch (err.kind) {
    case 'AUTH':
      return new VenueUnusableError(`${err.venue} at ${where} refused the API key or signature: check ${vars.key}/${vars.secret} or the credentials file (${detailOf(err)})`);
    case 'UNKNOWN_MARKET':
      return new VenueUnusableError(`${err.venue} at ${where}: ${detailOf(err)}`);
    case 'UNREACHABLE':
      return new VenueUnusableError(`cannot reach ${err.venue} at ${where}: ${detailOf(err)}`);
    case 'GARBAGE':
      return new VenueUnusableError(`${where} does not answer as ${err.venue}'s API: ${detailOf(err)}`);
    case 'THROTTLED':
      return new VenueUnusableError(`${err.venue} at ${where} is rate-limiting us: ${detailOf(err)}`);
    case 'VENUE_ERROR':
      return new VenueUnusableError(`${err.venue} at ${where} failed on its side: ${detailOf(err)}`);
    case 'REFUSED':
      return new VenueUnusableError(`${err.venue} at ${where} refused ${err.operation}: ${detailOf(err)}`);
  }
}

function detailOf(err: VenueAccessError): string {
  const prefix = `${err.venue}: ${err.operation} failed (${err.kind}): `;
  return err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
}

/** Any string with the key or secret in it, with them blanked: a last guard for text that leaves the process. */
export function scrubCredentials(text: string, credentials: { apiKey: string; secret: string } | undefined): string {
  if (!credentials) return text;
  let out = text;
  for (const s of [credentials.apiKey, credentials.secret]) if (s.length >= 4) out = out.split(s).join('[REDACTED]');
  return out;
}
