import type { Clock } from '../../engine/ports.js';
import type { Decimal } from '../../engine/values.js';
import type { CcxtVenueAccess } from '../../engine/venues/ccxt/ccxt-venue-access.js';
import type { MarketRules } from '../../engine/venues/market-rules.js';
import { VenueAccessError } from '../../engine/venues/ccxt/venue-errors.js';

export type PreflightCheckName = 'markets' | 'balance' | 'clock-skew';

export interface PreflightCheck {
  name: PreflightCheckName;
  ok: boolean;
  detail: string;
  /** The typed failure, when the venue could not be asked. */
  error?: VenueAccessError;
}

export interface PreflightResult {
  ok: boolean;
  venue: string;
  symbol: string;
  checks: PreflightCheck[];
  rules: MarketRules | null;
  /** Free balances as the venue wrote them (decimal strings). */
  balances: Record<string, string> | null;
  /** Venue clock minus ours, ms (ours taken at the midpoint of the request). */
  skewMs: number | null;
}

export interface PreflightOptions {
  symbol: string;
  clock: Clock;
  /** Largest tolerated |skew| (Binance refuses signed requests beyond its recvWindow, 5 s by default). */
  maxSkewMs?: number;
}

export const DEFAULT_MAX_SKEW_MS = 1_000;

/**
 * Read-only checks before an armed live run: the market exists and is trading (its rules), the keys
 * can read the balance, and the venue's clock agrees with ours. Nothing is sent that could trade.
 * Never throws for a venue failure: each check records it.
 */
export async function runPreflight(access: CcxtVenueAccess, options: PreflightOptions): Promise<PreflightResult> {
  const checks: PreflightCheck[] = [];
  const maxSkew = options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS;
  let rules: MarketRules | null = null;
  let balances: Record<string, string> | null = null;
  let skewMs: number | null = null;

  try {
    rules = await access.loadMarketRules(options.symbol);
    checks.push({ name: 'markets', ok: true, detail: `${options.symbol}: step ${rules.qtyStep.toFixed()}, tick ${rules.priceTick.toFixed()}, min notional ${rules.minNotional.toFixed()}` });
  } catch (err) {
    checks.push(failed('markets', err));
  }
  try {
    balances = await access.freeBalances();
    const shown = rules ? [rules.baseAsset, rules.quoteAsset].map((a) => `${a} ${balances![a] ?? '0'}`).join(', ') : `${Object.keys(balances).length} assets`;
    checks.push({ name: 'balance', ok: true, detail: shown });
  } catch (err) {
    checks.push(failed('balance', err));
  }
  try {
    const before = options.clock.now();
    const server = await access.serverTime();
    const after = options.clock.now();
    skewMs = server - Math.round((before + after) / 2);
    const ok = Math.abs(skewMs) <= maxSkew;
    checks.push({ name: 'clock-skew', ok, detail: `venue clock ${skewMs >= 0 ? 'ahead' : 'behind'} by ${Math.abs(skewMs)} ms (limit ${maxSkew} ms, round trip ${after - before} ms)` });
  } catch (err) {
    checks.push(failed('clock-skew', err));
  }
  return { ok: checks.every((c) => c.ok), venue: access.venue, symbol: options.symbol, checks, rules, balances, skewMs };
}

function failed(name: PreflightCheckName, err: unknown): PreflightCheck {
  if (err instanceof VenueAccessError) return { name, ok: false, detail: err.message, error: err };
  throw err;
}

/** The free balance of an asset, as a Decimal-ready string ("0" when absent). */
export function balanceOf(result: PreflightResult, asset: string): string {
  return result.balances?.[asset] ?? '0';
}

export type { Decimal };
