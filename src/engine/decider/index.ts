import type { DeciderConfig } from './decider-config.js';
import { createDecide } from './decide.js';
import { createEvolve, type FoldableEvent, initialRunState } from './evolve.js';
import type { Decision, DeciderInput } from './inputs.js';
import type { RunState } from './run-state.js';

/**
 * The run's decider (Emmett style): an initial state, evolve(state, event) -> state and
 * decide(state, input) -> events + venue commands. Pure, synchronous, the same in every mode.
 */
export interface RunDecider {
  readonly config: DeciderConfig;
  initialState(): RunState;
  evolve(state: RunState, event: FoldableEvent): RunState;
  decide(state: RunState, input: DeciderInput): Decision;
  /** The state a run's events fold to. */
  fold(events: Iterable<FoldableEvent>, from?: RunState): RunState;
}

export function createRunDecider(config: DeciderConfig): RunDecider {
  const evolve = createEvolve(config);
  const decide = createDecide(config, evolve);
  return {
    config,
    initialState: () => initialRunState(config),
    evolve,
    decide,
    fold(events, from = initialRunState(config)) {
      let s = from;
      for (const e of events) s = evolve(s, e);
      return s;
    },
  };
}

export type { DeciderConfig, Instrument, Recording } from './decider-config.js';

export { recordingFor, RECORD_EVERYTHING } from './decider-config.js';
export type { Decision, DeciderInput, VenueCommand } from './inputs.js';
export type { RunOrder, RunState, Account, CycleContext } from './run-state.js';
export type { FoldableEvent } from './evolve.js';
export { equityOf, accountView } from './equity.js';
export { snapshotOf, snapshotData, barOf } from './bars.js';
export { END_OF_DATA } from './close-out.js';
