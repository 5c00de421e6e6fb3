import type { Clock, Venue } from '../../engine/ports.js';
import { CcxtVenueAccess } from '../../engine/venues/ccxt/ccxt-venue-access.js';
import { UnsupportedIntervalError } from '../../engine/venues/ccxt/closed-bars.js';
import type { CcxtVenueId, VenueCredentials } from '../../engine/venues/ccxt/exchange-factory.js';
import { PRODUCTION_HOSTS } from '../../engine/venues/ccxt/venue-defaults.js';
import { VenueAccessError } from '../../engine/venues/ccxt/venue-errors.js';
import type { MarketRules } from '../../engine/venues/market-rules.js';
import type { LiveLogger } from '../../engine/live/live-run.js';
import { InputError } from '../errors.js';
import { venueUnusable } from '../venue/venue-cli-errors.js';
import { loadVenueCredentials } from '../venue/venue-credentials.js';
import { type PreflightResult, runPreflight } from '../venue/venue-preflight.js';
import { checkVenueUrl } from '../venue/venue-url.js';
import { ClosedBarMarket } from './closed-bar-market.js';

export interface RealVenueRequest {
  venue: CcxtVenueId;
  /** ccxt symbol, e.g. BTC/USDT. */
  symbol: string;
  venueUrl?: string;
  credentialsFile?: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** Armed: every preflight check must pass. A dry run needs the markets and the balance only. */
  armed: boolean;
  clock: Clock;
  maxSkewMs?: number;
}

/** A real venue account, checked and ready: its rules, its balances, adapters and closed bars on demand. */
export interface RealVenue {
  readonly venue: CcxtVenueId;
  readonly credentials: VenueCredentials;
  /** The origin asked for with --venue-url (null: the venue's production API). */
  readonly venueUrl: string | null;
  /** The origin is a loopback address (an emulator or a local proxy), not the venue's own host. */
  readonly loopback: boolean;
  /** How errors and logs name the place: the origin, or "production". */
  readonly where: string;
  readonly rules: MarketRules;
  readonly preflight: PreflightResult;
  /** A new adapter over the account, reporting fills from `fillsSinceMs` on. */
  open(fillsSinceMs: number): Promise<Venue>;
  /** The live market: closed bars of this length (it must be one the venue has). */
  market(barIntervalMs: number, log: LiveLogger): Promise<ClosedBarMarket>;
}

/**
 * Connects to a real venue through ccxt: the URL checked (loopback or the venue's own production
 * host), the keys loaded (environment or a 0600 file), then the read-only preflight: the market and its
 * rules, the balance (proves the keys), the clock skew. Anything that makes the venue unusable is one
 * line of bad input (exit 2) that names the venue and the place, never a key.
 */
export interface PreparedVenue {
  readonly credentials: VenueCredentials;
  /** Connects and runs the preflight for this market. */
  connect(symbol: string): Promise<RealVenue>;
}

/**
 * What can be checked before anything is opened: the URL (loopback or the venue's own production host)
 * and the keys (environment or a 0600 regular file). Throws UsageError / VenueCredentialsError.
 */
export function prepareRealVenue(r: Omit<RealVenueRequest, 'symbol'>): PreparedVenue {
  const url = r.venueUrl === undefined ? null : checkVenueUrl(r.venue, r.venueUrl);
  const credentials = loadVenueCredentials(r.venue, { ...(r.credentialsFile !== undefined ? { file: r.credentialsFile } : {}), env: r.env });
  return { credentials, connect: (symbol) => connectChecked({ ...r, symbol }, url, credentials) };
}

export async function connectRealVenue(r: RealVenueRequest): Promise<RealVenue> {
  return prepareRealVenue(r).connect(r.symbol);
}

async function connectChecked(r: RealVenueRequest, url: URL | null, credentials: VenueCredentials): Promise<RealVenue> {
  // The production host is ccxt's own configuration (BTCTurk has two hosts): only another origin rebases.
  const production = url !== null && PRODUCTION_HOSTS[r.venue].includes(url.hostname.toLowerCase());
  const baseUrl = url === null || production ? undefined : url.origin;
  const where = url?.origin ?? `${r.venue} production`;
  const access = CcxtVenueAccess.create({ venue: r.venue, credentials, timeoutMs: r.timeoutMs, ...(baseUrl !== undefined ? { baseUrl } : {}) });

  const preflight = await runPreflight(access, { symbol: r.symbol, clock: r.clock, ...(r.maxSkewMs !== undefined ? { maxSkewMs: r.maxSkewMs } : {}) });
  const failed = preflight.checks.filter((c) => !c.ok);
  const skew = failed.find((c) => c.name === 'clock-skew' && !c.error);
  // A skewed clock is also why a venue refuses signed reads (Binance -1021): say the cause first.
  const fatal = [...(skew && (r.armed || failed.length > 1) ? [skew] : []), ...failed.filter((c) => c.name !== 'clock-skew' || (r.armed && c !== skew))];
  for (const c of fatal) {
    if (c.error) throw venueUnusable(c.error, where);
    throw new InputError(`preflight failed at ${where}: ${c.name}: ${c.detail}${r.armed ? ' (an armed run needs every check to pass)' : ''}`);
  }
  const rules = preflight.rules!;
  return {
    venue: r.venue,
    credentials,
    venueUrl: url?.origin ?? null,
    loopback: url !== null && !production,
    where,
    rules,
    preflight,
    async open(fillsSinceMs) {
      try {
        return (await access.openVenue(r.symbol, { clock: r.clock, fillsSinceMs })).venue;
      } catch (err) {
        if (err instanceof VenueAccessError) throw venueUnusable(err, where);
        throw err;
      }
    },
    async market(barIntervalMs, log) {
      const name = intervalName(barIntervalMs);
      try {
        if (name === null) throw new UnsupportedIntervalError(`${r.venue} has no bars of ${barIntervalMs} ms`);
        return new ClosedBarMarket(await access.closedBars(r.symbol, name, r.clock), r.symbol, log);
      } catch (err) {
        if (err instanceof UnsupportedIntervalError) throw new InputError(`live.barIntervalMs (or --interval): ${err.message}`, { field: 'live.barIntervalMs' });
        if (err instanceof VenueAccessError) throw venueUnusable(err, where);
        throw err;
      }
    },
  };
}

const NAMES: Record<number, string> = {
  1_000: '1s',
  60_000: '1m',
  180_000: '3m',
  300_000: '5m',
  900_000: '15m',
  1_800_000: '30m',
  3_600_000: '1h',
  7_200_000: '2h',
  14_400_000: '4h',
  21_600_000: '6h',
  28_800_000: '8h',
  43_200_000: '12h',
  86_400_000: '1d',
  259_200_000: '3d',
  604_800_000: '1w',
};

function intervalName(ms: number): string | null {
  return NAMES[ms] ?? null;
}
