import type { AnyStoredEvent } from '../events/event-factory.js';

/**
 * The run index: one row per run id seen in the log (what `engine runs` lists). A run id that appears
 * without a RunStarted (e.g. a kill switch recorded by the CLI) gets a row with null run details.
 */

export interface RunSummary {
  runId: string;
  mode: string | null;
  strategy: string | null;
  symbol: string | null;
  venue: string | null;
  seed: string | null;
  armed: boolean | null;
  startedAt: string | null;
  endedAt: string | null;
  endReason: string | null;
  /** Cycles (and reconciliation passes) the run went through. */
  cycles: number;
  events: number;
  eventsByType: Map<string, number>;
  firstPosition: number;
  lastPosition: number;
}

export interface RunIndexState {
  runs: Map<string, RunSummary>;
}

export function initialRunIndexState(): RunIndexState {
  return { runs: new Map() };
}

/** Fold one event; the state is owned by the fold and updated in place. */
export function evolveRunIndex(state: RunIndexState, e: AnyStoredEvent): RunIndexState {
  const runId = e.metadata.runId;
  let r = state.runs.get(runId);
  if (!r) {
    r = {
      runId,
      mode: null,
      strategy: null,
      symbol: null,
      venue: null,
      seed: null,
      armed: null,
      startedAt: null,
      endedAt: null,
      endReason: null,
      cycles: 0,
      events: 0,
      eventsByType: new Map(),
      firstPosition: e.globalPosition,
      lastPosition: e.globalPosition,
    };
    state.runs.set(runId, r);
  }
  r.events++;
  r.eventsByType.set(e.type, (r.eventsByType.get(e.type) ?? 0) + 1);
  r.lastPosition = e.globalPosition;
  switch (e.type) {
    case 'RunStarted':
      r.mode = e.data.mode;
      r.strategy = e.data.strategy;
      r.symbol = e.data.symbol;
      r.venue = e.data.venue;
      r.seed = e.data.seed;
      r.armed = e.data.armed;
      r.startedAt = e.metadata.at;
      break;
    case 'RunResumed':
      // Arming belongs to the process: the one now running the run says it.
      r.armed = e.data.armed;
      break;
    case 'CycleCompleted':
      r.cycles++;
      break;
    case 'RunEnded':
      // A run reopened only to reconcile (RunResumed RECONCILE) ends again: the last end is the one shown.
      r.endedAt = e.metadata.at;
      r.endReason = e.data.reason;
      // Backtests record no CycleCompleted: the run's own count of its cycles.
      r.cycles = Math.max(r.cycles, e.data.cycles);
      break;
    default:
      break;
  }
  return state;
}

/** Runs in order of first appearance in the log; copies. */
export function listRuns(state: RunIndexState): Array<Omit<RunSummary, 'eventsByType'> & { eventsByType: Record<string, number> }> {
  return [...state.runs.values()]
    .sort((a, b) => a.firstPosition - b.firstPosition)
    .map((r) => ({ ...r, eventsByType: Object.fromEntries([...r.eventsByType.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) }));
}
