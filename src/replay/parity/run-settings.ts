import type { EventData } from '../../events/catalog.js';
import { type EngineConfig, EngineConfigSchema, type RiskConfig, RiskSection } from '../../engine/config/schema.js';
import { DEFAULT_RECONCILE_POLICY, type ReconcilePolicy } from '../../engine/reconciliation/decide.js';
import type { BackoffPolicy } from '../../engine/retry/backoff.js';
import { Decimal } from '../../engine/values.js';
import type { MarketRules } from '../../engine/venues/market-rules.js';
import { instrumentAssets } from '../../projections/fill-valuation.js';

/**
 * What a replay needs to rebuild a run's decider, read from its RunStarted: the strategy, the risk
 * configuration, the instrument's venue rules, the retry and reconciliation rules, the pacing. Backtests
 * record their settings (src/replay/backtest/backtest-config.ts configJson); live runs record the whole
 * engine configuration (and, for real venues, the market rules the venue gave). A replay may swap in another
 * risk section (`engine replay --config f --profile p`).
 */
export interface ReplaySettings {
  /** The strategy; `file` when the run's was a user's strategy file. */
  strategy: { name: string; params: Record<string, string>; file?: { path: string; sha256: string } };
  /** The first instrument. */
  symbol: string;
  /** Every instrument, the first one first. */
  instruments: string[];
  quoteAsset: string;
  /** The first instrument's rules; the others share its step, tick and minimums. */
  rules: MarketRules;
  /** Fees plus slippage in basis points: the buy headroom of the risk policy. */
  executionCostBps: Decimal;
  risk: RiskConfig;
  backoff: BackoffPolicy;
  reconcile: ReconcilePolicy;
  /** Live runs: time between cycles (bounds the close-down's wait); 0 for backtests. */
  intervalMs: number;
  tz: string;
}

export class UnreplayableRunError extends Error {
  override readonly name = 'UnreplayableRunError';
}

type RunStartedData = EventData<'RunStarted'>;

export function replaySettingsFrom(started: RunStartedData, riskOverride?: RiskConfig): ReplaySettings {
  return started.mode === 'backtest' ? backtestSettings(started, riskOverride) : liveSettings(started, riskOverride);
}

interface RecordedBacktestConfig {
  strategy?: { name?: string; params?: Record<string, string> };
  venue?: { feeBps?: string; slippageBps?: string; qtyStep?: string; minNotional?: string; priceTick?: string };
  tz?: string;
  risk?: unknown;
}

function backtestSettings(s: RunStartedData, riskOverride?: RiskConfig): ReplaySettings {
  const c = (s.config ?? {}) as RecordedBacktestConfig;
  const v = c.venue;
  if (!v || v.qtyStep === undefined || v.minNotional === undefined || v.feeBps === undefined || v.slippageBps === undefined) {
    throw new UnreplayableRunError('RunStarted.config has no venue section (qtyStep, minNotional, feeBps, slippageBps)');
  }
  const recordedRisk = parseRisk(c.risk);
  return {
    strategy: { name: c.strategy?.name ?? s.strategy, params: { ...(c.strategy?.params ?? s.params) }, ...(s.strategySource ? { file: s.strategySource } : {}) },
    symbol: s.symbol,
    instruments: [s.symbol, ...(s.moreData ?? []).map((d) => d.symbol)],
    quoteAsset: s.quoteAsset,
    rules: rulesOf(s.symbol, s.quoteAsset, v.qtyStep, v.minNotional, v.priceTick ?? recordedRisk.priceTick),
    executionCostBps: new Decimal(v.feeBps).add(v.slippageBps),
    risk: riskOverride ?? recordedRisk,
    backoff: { baseMs: 0, capMs: 0, maxAttempts: 1 },
    reconcile: DEFAULT_RECONCILE_POLICY,
    intervalMs: 0,
    tz: c.tz ?? 'UTC',
  };
}

function liveSettings(s: RunStartedData, riskOverride?: RiskConfig): ReplaySettings {
  // stage7-run records the effective config plus where it came from (venue, profile, market rules).
  const { venue: _venue, profile: _profile, market, ...recorded } = (s.config ?? {}) as Record<string, unknown>;
  const parsed = EngineConfigSchema.safeParse(recorded);
  if (!parsed.success) throw new UnreplayableRunError(`RunStarted.config of this ${s.mode} run is not an engine configuration: ${parsed.error.issues[0]?.message ?? ''}`);
  const c: EngineConfig = parsed.data;
  const venueRules = (market as { rules?: Record<string, string> } | undefined)?.rules;
  return {
    strategy: { name: s.strategy, params: { ...s.params }, ...(s.strategySource ? { file: s.strategySource } : {}) },
    symbol: s.symbol,
    instruments: [s.symbol],
    quoteAsset: s.quoteAsset,
    rules: venueRules
      ? { ...rulesOf(s.symbol, s.quoteAsset, venueRules.qtyStep ?? c.risk.qtyStep, venueRules.minNotional ?? c.risk.minNotional, venueRules.priceTick ?? c.risk.priceTick), minQty: new Decimal(venueRules.minQty ?? '0') }
      : rulesOf(s.symbol, s.quoteAsset, c.risk.qtyStep, c.risk.minNotional, c.risk.priceTick),
    executionCostBps: new Decimal(c.simulation.feeBps).add(c.simulation.slippageBps),
    risk: riskOverride ?? c.risk,
    backoff: { ...c.live.backoff },
    reconcile: { ...c.live.reconcile },
    intervalMs: c.live.intervalMs,
    tz: 'UTC',
  };
}

export function rulesOf(symbol: string, quoteAsset: string, qtyStep: string, minNotional: string, priceTick: string): MarketRules {
  const assets = instrumentAssets(symbol, quoteAsset);
  return { symbol, baseAsset: assets.base, quoteAsset: assets.quote, qtyStep: new Decimal(qtyStep), minQty: new Decimal(0), minNotional: new Decimal(minNotional), priceTick: new Decimal(priceTick) };
}

function parseRisk(raw: unknown): RiskConfig {
  const parsed = RiskSection.safeParse(raw ?? {});
  if (!parsed.success) throw new UnreplayableRunError(`RunStarted.config.risk is not a risk configuration: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data;
}
