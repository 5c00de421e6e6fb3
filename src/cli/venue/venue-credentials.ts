import { readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import type { CcxtVenueId, VenueCredentials } from '../../engine/venues/ccxt/exchange-factory.js';
import { InputError } from '../errors.js';

/**
 * Where a live venue's keys come from: ENGINE_<VENUE>_API_KEY and ENGINE_<VENUE>_API_SECRET, or a
 * credentials file given with --venue-credentials that only its owner can read (mode 0600). The file
 * wins when both are present (it was named on the command line). Never from the config file; never
 * echoed: errors name the file or the variable, never a value.
 */
export class VenueCredentialsError extends InputError {
  override readonly name = 'InputError' as const;
  readonly kind = 'venue-credentials' as const;
}

export function credentialVariables(venue: CcxtVenueId): { key: string; secret: string } {
  const v = venue.toUpperCase();
  return { key: `ENGINE_${v}_API_KEY`, secret: `ENGINE_${v}_API_SECRET` };
}

const Pair = z.strictObject({ apiKey: z.string().min(1), secret: z.string().min(1) });
/** Either one pair, or pairs by venue: {"binance": {...}, "btcturk": {...}}. */
const FileShape = z.union([Pair, z.record(z.string(), Pair)]);

export function loadVenueCredentials(venue: CcxtVenueId, options: { file?: string; env?: NodeJS.ProcessEnv } = {}): VenueCredentials {
  if (options.file !== undefined) return fromFile(venue, options.file);
  const env = options.env ?? process.env;
  const names = credentialVariables(venue);
  const apiKey = env[names.key];
  const secret = env[names.secret];
  if (apiKey && secret) return { apiKey, secret };
  if (apiKey || secret) {
    const missing = apiKey ? names.secret : names.key;
    throw new VenueCredentialsError(`${missing} is not set (${apiKey ? names.key : names.secret} is): both are needed`);
  }
  throw new VenueCredentialsError(`no ${venue} credentials: set ${names.key} and ${names.secret}, or pass --venue-credentials FILE (mode 0600)`);
}

function fromFile(venue: CcxtVenueId, file: string): VenueCredentials {
  let st;
  try {
    st = statSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new VenueCredentialsError(`${file}: cannot read the credentials file (${code ?? 'error'})`, { file });
  }
  // A FIFO or a device would block the read (or never end): only a regular file is read.
  if (!st.isFile()) throw new VenueCredentialsError(`${file}: the credentials file is not a regular file`, { file });
  const mode = st.mode;
  if ((mode & 0o077) !== 0) {
    throw new VenueCredentialsError(`${file}: credentials file is mode ${(mode & 0o777).toString(8).padStart(4, '0')}; it must be readable by its owner only (chmod 600)`, { file });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // Never quote the content: it may be a key.
    throw new VenueCredentialsError(`${file}: not JSON; expected {"apiKey": "...", "secret": "..."}`, { file });
  }
  const parsed = FileShape.safeParse(raw);
  if (!parsed.success) throw new VenueCredentialsError(`${file}: expected {"apiKey": "...", "secret": "..."} or such pairs by venue name`, { file });
  const value = parsed.data;
  if ('apiKey' in value && typeof value.apiKey === 'string') return value as VenueCredentials;
  const pair = (value as Record<string, VenueCredentials>)[venue];
  if (!pair) throw new VenueCredentialsError(`${file}: no entry for ${venue}`, { file, field: venue });
  return pair;
}
