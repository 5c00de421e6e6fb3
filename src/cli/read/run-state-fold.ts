import { createRunDecider, recordingFor, type RunState } from '../../engine/decider/index.js';
import { createRiskPolicy } from '../../engine/risk/index.js';
import { riskLimitsFromConfig, type RiskLimits } from '../../engine/risk/limits.js';
import type { Strategy } from '../../engine/strategy.js';
import type { EventData } from '../../events/catalog.js';
import type { EventStore } from '../../events/store/port.js';
import { instrumentAssets } from '../../projections/fill-valuation.js';
import { replaySettingsFrom, UnreplayableRunError } from '../../replay/parity/run-settings.js';
import { InputError } from '../errors.js';
import type { RunRef } from './as-of.js';
import { runEvents } from './run-events.js';

/**
 * The run's own state (what its decider knows: cash, reserve, positions, marks, peak and day-start equity,
 * risk mode, recent order times) at a point of the log: the run's events up to there folded by the engine's
 * evolve, with the risk policy its RunStarted recorded. The strategy's state is not needed to read risk, so a
 * strategy that never proposes anything stands in for it (no strategy file is loaded).
 */
export interface RunStateAt {
  state: RunState;
  limits: RiskLimits;
  started: EventData<'RunStarted'>;
  events: number;
}

const SILENT_STRATEGY: Strategy<null> = {
  name: 'read-only',
  params: {},
  initialState: () => null,
  onBar: (state) => ({ state, intents: [] }),
};

export async function foldRunState(store: EventStore, run: RunRef, upTo: number): Promise<RunStateAt> {
  // Every bar of the run goes through evolve: events at the current schema are taken as the engine wrote and
  // validated them (projections/decode.ts 'trusted'; older ones are still upcast and validated). That a log
  // was not edited since is for `engine doctor` to say.
  const events = runEvents(store, run, upTo, undefined, 'trusted');
  const iterator = events[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done || first.value.type !== 'RunStarted') throw new InputError(`run ${run.runId} does not begin with RunStarted: its risk state cannot be read`);
  const started = first.value.data;
  let settings;
  try {
    settings = replaySettingsFrom(started);
  } catch (err) {
    if (err instanceof UnreplayableRunError) throw new InputError(`run ${run.runId}: ${err.message}`);
    throw err;
  }
  const decider = createRunDecider({
    runId: run.runId,
    mode: started.mode,
    recording: recordingFor(started.mode, started.eventsMode),
    instruments: Object.fromEntries(
      settings.instruments.map((symbol) => {
        const assets = instrumentAssets(symbol, settings.quoteAsset);
        return [symbol, { rules: { ...settings.rules, symbol, baseAsset: assets.base, quoteAsset: assets.quote }, assets }];
      }),
    ),
    primarySymbol: settings.symbol,
    strategy: SILENT_STRATEGY,
    policy: createRiskPolicy(settings.risk, { executionCostBps: settings.executionCostBps }),
    reconcile: settings.reconcile,
    maxSubmitAttempts: settings.backoff.maxAttempts,
    rateLimitWindowMs: settings.risk.rateLimit?.windowMs ?? null,
  });
  let state = decider.evolve(decider.initialState(), first.value);
  let n = 1;
  for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
    state = decider.evolve(state, r.value);
    n++;
  }
  return { state, limits: riskLimitsFromConfig(settings.risk, settings.executionCostBps), started, events: n };
}
