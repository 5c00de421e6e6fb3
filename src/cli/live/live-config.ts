import { canonicalJson } from '../../events/canonical.js';
import type { EventData } from '../../events/catalog.js';
import { toTypedEvent } from '../../events/event-factory.js';
import type { EventStore } from '../../events/store/port.js';
import type { Bar } from '../../engine/bar.js';
import { CompleteEngineConfigSchema, type EngineConfig, type LiveConfig } from '../../engine/config/schema.js';
import { runStream } from '../../engine/ids.js';
import { type Strategy, StrategyConfigError } from '../../engine/strategy.js';
import { openStrategy } from '../../replay/strategy-file/index.js';
import type { MarketRules } from '../../engine/venues/market-rules.js';
import { DataError, openBarSource } from '../../replay/data/index.js';
import { InputError } from '../errors.js';

/** What the configuration decides before a live run starts, checked (bad input: exit 2). */
export interface LiveSetup {
  config: EngineConfig;
  live: LiveConfig;
  strategy: Strategy;
  /** A user's strategy file (recorded in RunStarted.strategySource); null: a built-in. */
  strategyFile: { path: string; sha256: string } | null;
  recorded: { bars: Bar[]; intervalMs: number | null } | null;
}

/** Where a live run trades, recorded in RunStarted.config beside the engine configuration. */
export interface VenueRecord {
  venue: string;
  /** Real venues: the market, the origin asked (absent: production) and the rules the venue gave. */
  market?: { symbol: string; venueUrl: string | null; rules: Record<string, string> };
}

export async function liveSetup(config: EngineConfig, interval: number | undefined, expectedSha256?: string): Promise<LiveSetup> {
  const recorded = config.live.sim.csv === null ? null : await loadCsv(config.live.sim.csv, config.symbol);
  const csvIntervalMs = recorded && recorded.intervalMs !== null ? Math.max(1, Math.round(recorded.intervalMs / config.live.sim.csvSpeed)) : null;
  const live: LiveConfig = { ...config.live, intervalMs: interval ?? csvIntervalMs ?? config.live.intervalMs };
  let opened;
  try {
    opened = await openStrategy(config.strategy.name, config.strategy.params, expectedSha256);
  } catch (err) {
    if (err instanceof StrategyConfigError) throw new InputError(err.message);
    throw err;
  }
  return { config, live, strategy: opened.strategy, strategyFile: opened.file, recorded };
}

/** What RunStarted records as the configuration (and hashes): the engine configuration, the venue, the profile. */
export function effectiveConfig(config: EngineConfig, live: LiveConfig, profile: string, where: VenueRecord = { venue: 'sim' }): never {
  return JSON.parse(canonicalJson({ ...config, live, ...where, profile })) as never;
}

/** The rules as RunStarted records them (decimal strings; src/replay/parity/run-settings.ts reads them back). */
export function recordedRules(rules: MarketRules): Record<string, string> {
  return {
    baseAsset: rules.baseAsset,
    quoteAsset: rules.quoteAsset,
    qtyStep: rules.qtyStep.toFixed(),
    minQty: rules.minQty.toFixed(),
    minNotional: rules.minNotional.toFixed(),
    priceTick: rules.priceTick.toFixed(),
  };
}

/** A resumed run's setup: its recorded configuration, paced as it recorded (live.intervalMs is the effective interval). */
export async function resumedSetup(recorded: unknown, strategySource?: { sha256: string }): Promise<LiveSetup> {
  const config = configFromRecord(recorded);
  return liveSetup(config, config.live.intervalMs, strategySource?.sha256);
}

/** The engine configuration inside a recorded RunStarted.config. */
export function configFromRecord(recorded: unknown): EngineConfig {
  const { venue: _venue, profile: _profile, market: _market, ...rest } = recorded as Record<string, unknown>;
  return CompleteEngineConfigSchema.parse(rest);
}

export interface RecordedStart {
  data: EventData<'RunStarted'>;
  /** Engine time of RunStarted (epoch ms). */
  at: number;
}

export async function runStartedOf(store: EventStore, runId: string): Promise<RecordedStart | null> {
  for await (const e of store.readStream(runStream(runId), { maxCount: 1 })) {
    const t = toTypedEvent(e);
    if (t.type === 'RunStarted') return { data: t.data, at: Date.parse(t.metadata.at) };
    break;
  }
  return null;
}

/** The CSV the paper venue replays, read whole and checked first (a bad file is bad input: exit 2). */
async function loadCsv(file: string, symbol: string): Promise<{ bars: Bar[]; intervalMs: number | null }> {
  try {
    const source = openBarSource(file, { symbol });
    const scan = await source.scan();
    if (scan.barCount === 0) throw new InputError(`${file}: no bars to replay`);
    const bars: Bar[] = [];
    for await (const bar of source.bars()) bars.push(bar);
    return { bars, intervalMs: scan.intervalMs };
  } catch (err) {
    if (err instanceof DataError) throw new InputError(err.message);
    throw err;
  }
}
