import type { RunMode } from '../../events/envelope.js';
import type { InstrumentAssets } from '../../projections/fill-valuation.js';
import type { ReconcilePolicy } from '../reconciliation/decide.js';
import type { RiskPolicy } from '../risk/port.js';
import type { Strategy } from '../strategy.js';
import type { MarketRules } from '../venues/market-rules.js';

/**
 * What decides a run besides its events: its identity, the instruments and their venue rules, the
 * strategy, the risk policy and the rules of reconciliation. A replay builds the same configuration from
 * the run's RunStarted (and may swap in another risk policy to ask "what would these limits have done").
 */
export interface DeciderConfig {
  runId: string;
  mode: RunMode;
  /** Which bookkeeping events the run records (decisions are always recorded). */
  recording: Recording;
  instruments: Readonly<Record<string, Instrument>>;
  /** The instrument the strategy trades (the first one of the run). */
  primarySymbol: string;
  strategy: Strategy;
  policy: RiskPolicy;
  reconcile: ReconcilePolicy;
  /** Submit attempts of one order when the venue answers 429 (1: never retried). */
  maxSubmitAttempts: number;
  /** The risk policy's rate-limit window: order times older than this are forgotten (null: none kept). */
  rateLimitWindowMs: number | null;
}

export interface Instrument {
  rules: MarketRules;
  assets: InstrumentAssets;
}

/**
 * Live runs record every cycle (CycleStarted with the kill switch, CycleCompleted with phase timings, for
 * the SLOs). A backtest records one market event per bar ('full') or none ('decisions', the dataset's
 * hash stands for them). Unrecorded events are still folded: the state is the same either way.
 */
export interface Recording {
  cycles: boolean;
  snapshots: boolean;
}

export const RECORD_EVERYTHING: Recording = { cycles: true, snapshots: true };

export function recordingFor(mode: RunMode, eventsMode: 'full' | 'decisions'): Recording {
  if (mode === 'live') return RECORD_EVERYTHING;
  return { cycles: false, snapshots: eventsMode === 'full' };
}
