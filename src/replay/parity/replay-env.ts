import type { RunMode } from '../../events/envelope.js';
import { ManualClock, SeededRandom, zeroStopwatch } from '../../engine/clocks.js';
import type { CycleEnv, CycleReconciler } from '../../engine/cycle/cycle.js';
import { runScopedIds } from '../../engine/cycle/cycle-ids.js';
import type { SubmitRetry } from '../../engine/execution/submitter.js';
import type { RiskPolicy } from '../../engine/risk/port.js';
import type { Strategy } from '../../engine/strategy.js';
import type { ParitySink, RecordedCursor } from './cursor.js';
import { ReplayVenue } from './replay-venue.js';
import type { ReplaySettings } from './run-settings.js';

/** Builds the strategy a run recorded (by name and parameters); tests may supply their own. */
export type StrategyFactory = (name: string, params: Readonly<Record<string, string>>) => Strategy;

export interface ReplayParts {
  runId: string;
  mode: RunMode;
  settings: ReplaySettings;
  policy: RiskPolicy;
  cursor: RecordedCursor;
  sink: ParitySink;
  clock: ManualClock;
  intervalMs: number;
  eventsMode: 'full' | 'decisions';
  dryRun: boolean;
  reconciler?: CycleReconciler;
  retry?: SubmitRetry;
}

/** The cycle's ports for a replay: recorded times, recorded venue answers, a sink that compares. */
export function replayEnv(p: ReplayParts): CycleEnv {
  return {
    runId: p.runId,
    mode: p.mode,
    symbol: p.settings.symbol,
    intervalMs: p.intervalMs,
    clock: p.clock,
    ids: runScopedIds(p.runId),
    venue: new ReplayVenue(p.cursor),
    random: p.retry?.random ?? new SeededRandom('replay'),
    stopwatch: zeroStopwatch,
    policy: p.policy,
    sink: p.sink,
    execution: p.settings.execution,
    eventsMode: p.eventsMode,
    dryRun: p.dryRun,
    // As the CLI runs it: order times older than the policy's rate-limit window are forgotten.
    orderTimesWindowMs: p.settings.risk.rateLimit?.windowMs ?? null,
    ...(p.retry ? { retry: p.retry } : {}),
    ...(p.reconciler ? { reconciler: p.reconciler } : {}),
  };
}

export { ManualClock };
