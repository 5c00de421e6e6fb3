import type { EngineConfig, LiveConfig } from '../../engine/config/schema.js';
import type { LiveLogger } from '../../engine/live/live-run.js';
import type { MarketData, Venue } from '../../engine/ports.js';
import { Decimal } from '../../engine/values.js';
import { VISIBILITY_WINDOW_MS } from '../../engine/venues/ccxt/venue-defaults.js';
import type { MarketRules } from '../../engine/venues/market-rules.js';
import { systemClock } from '../live-ports.js';
import { effectiveConfig, type LiveSetup, type RecordedStart, recordedRules } from './live-config.js';
import type { PreparedVenue } from './real-venue.js';
import { runRules } from './recorded-run.js';
import { openSimVenue } from './sim-venue.js';

/** The venue side of a live run, opened: what runLive needs, and what RunStarted records. */
export interface LiveVenue {
  venue: Venue;
  market: MarketData;
  /** The configuration the run decides with (a real venue's market replaces the instrument). */
  config: EngineConfig;
  live: LiveConfig;
  rules: MarketRules;
  initialCash: Decimal;
  /** RunStarted.config. */
  recordedConfig: never;
  /** An adapter over the same account for an earlier run of this venue (its fills from its start on). */
  openFor(runStartedAt: number): Promise<Venue>;
}

export type VenueChoice = { kind: 'sim'; statePath: string } | { kind: 'real'; prepared: PreparedVenue; symbol: string };

/** Fills are asked for from a little before the run's start: the venue's clock may run behind ours. */
const FILL_LOOKBACK_MS = 60_000;

/**
 * Opens the venue of a new or resumed live run. A resumed run keeps what it recorded (configuration,
 * market, rules); a new one at a real venue takes the market's rules from the venue and records them.
 */
export async function openLiveVenue(choice: VenueChoice, setup: LiveSetup, profile: string, recorded: RecordedStart | null, logger: LiveLogger): Promise<LiveVenue> {
  let { config, live } = setup;
  if (choice.kind === 'sim') {
    const sim = await openSimVenue(setup, choice.statePath, () => systemClock.now());
    return {
      venue: sim.venue,
      market: sim.market,
      config,
      live,
      rules: runRules(config, recorded?.data.config ?? null),
      initialCash: sim.initialCash,
      recordedConfig: effectiveConfig(config, live, profile),
      openFor: async () => sim.venue,
    };
  }
  const rv = await choice.prepared.connect(choice.symbol);
  for (const c of rv.preflight.checks) logger.info({ check: c.name, ok: c.ok, detail: c.detail }, 'preflight');
  let recordedConfig: never;
  if (recorded) {
    recordedConfig = recorded.data.config as never;
  } else {
    // The venue's market replaces the configuration's instrument and rules. At the venue itself its
    // visibility window is the least the reconciler waits before it believes "not found"; on a
    // loopback origin (an emulator, whose delays the test sets) the configured window stands.
    config = { ...config, symbol: rv.rules.symbol, quoteAsset: rv.rules.quoteAsset };
    if (!rv.loopback) live = { ...live, reconcile: { ...live.reconcile, visibilityWindowMs: Math.max(live.reconcile.visibilityWindowMs, VISIBILITY_WINDOW_MS[rv.venue]) } };
    recordedConfig = effectiveConfig(config, live, profile, { venue: rv.venue, market: { symbol: rv.rules.symbol, venueUrl: rv.venueUrl, rules: recordedRules(rv.rules) } });
  }
  const rules = runRules(config, recordedConfig);
  const openFor = (startedAt: number) => rv.open(startedAt - FILL_LOOKBACK_MS);
  return {
    venue: await openFor(recorded?.at ?? systemClock.now()),
    market: await rv.market(live.barIntervalMs ?? live.intervalMs, logger.child({ venue: rv.venue })),
    config,
    live,
    rules,
    initialCash: new Decimal(rv.preflight.balances?.[rules.quoteAsset] ?? '0'),
    recordedConfig,
    openFor,
  };
}
