import type { EventData } from '../../events/catalog.js';
import { type EngineConfig, EngineConfigSchema, type RiskConfig, RiskSection } from '../../engine/config/schema.js';
import type { ExecutionRules } from '../../engine/execution/execution-checks.js';
import type { BackoffPolicy } from '../../engine/retry/backoff.js';
import { Decimal } from '../../engine/values.js';

/**
 * What a replay needs to rebuild a run's engine, read from its RunStarted: the strategy, the risk
 * configuration, the execution rules and (live runs) the retry policy and bar length. Backtests record
 * their settings (src/replay/backtest/backtest-config.ts configJson); live runs record the whole engine
 * configuration. A replay may swap in another risk section (`engine replay --config f --profile p`).
 */
export interface ReplaySettings {
  strategy: { name: string; params: Record<string, string> };
  symbol: string;
  initialCash: Decimal;
  risk: RiskConfig;
  execution: ExecutionRules;
  /** Live runs: retry of 429s (null: not retried, as in backtests). */
  backoff: BackoffPolicy | null;
  /** Live runs: the bar length the snapshots' close time is computed with. */
  barIntervalMs: number | null;
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
  venue?: { feeBps?: string; slippageBps?: string; qtyStep?: string; minNotional?: string };
  tz?: string;
  risk?: unknown;
}

function backtestSettings(s: RunStartedData, riskOverride?: RiskConfig): ReplaySettings {
  const c = (s.config ?? {}) as RecordedBacktestConfig;
  const v = c.venue;
  if (!v || v.qtyStep === undefined || v.minNotional === undefined || v.feeBps === undefined || v.slippageBps === undefined) {
    throw new UnreplayableRunError('RunStarted.config has no venue section (qtyStep, minNotional, feeBps, slippageBps)');
  }
  return {
    strategy: { name: c.strategy?.name ?? s.strategy, params: { ...(c.strategy?.params ?? s.params) } },
    symbol: s.symbol,
    initialCash: new Decimal(s.initialCash),
    risk: riskOverride ?? parseRisk(c.risk),
    execution: { qtyStep: new Decimal(v.qtyStep), minNotional: new Decimal(v.minNotional), costBps: new Decimal(v.feeBps).add(v.slippageBps) },
    backoff: null,
    barIntervalMs: null,
    tz: c.tz ?? 'UTC',
  };
}

function liveSettings(s: RunStartedData, riskOverride?: RiskConfig): ReplaySettings {
  // stage7-run records the effective config plus where it came from (venue, profile): not config fields.
  const { venue: _venue, profile: _profile, ...recorded } = (s.config ?? {}) as Record<string, unknown>;
  const parsed = EngineConfigSchema.safeParse(recorded);
  if (!parsed.success) throw new UnreplayableRunError(`RunStarted.config of this ${s.mode} run is not an engine configuration: ${parsed.error.issues[0]?.message ?? ''}`);
  const c: EngineConfig = parsed.data;
  return {
    strategy: { name: s.strategy, params: { ...s.params } },
    symbol: s.symbol,
    initialCash: new Decimal(s.initialCash),
    risk: riskOverride ?? c.risk,
    execution: {
      qtyStep: new Decimal(c.risk.qtyStep),
      minNotional: new Decimal(c.risk.minNotional),
      costBps: new Decimal(c.simulation.feeBps).add(c.simulation.slippageBps),
    },
    backoff: { ...c.live.backoff },
    barIntervalMs: c.live.barIntervalMs ?? c.live.intervalMs,
    tz: 'UTC',
  };
}

function parseRisk(raw: unknown): RiskConfig {
  const parsed = RiskSection.safeParse(raw ?? {});
  if (!parsed.success) throw new UnreplayableRunError(`RunStarted.config.risk is not a risk configuration: ${parsed.error.issues[0]?.message ?? ''}`);
  return parsed.data;
}
