import type { AnyStoredEvent } from '../events/event-factory.js';

/**
 * Risk state as the log records it: the risk mode of each run (RiskModeChanged) and the kill switch,
 * which is global: one engage stops new exposure in every run until a release.
 */

export type RiskModeName = 'NORMAL' | 'REDUCE' | 'OBSERVE';

export interface RunRiskState {
  mode: RiskModeName;
  reasonCode: string | null;
  /** Engine time of the last change, null while never changed. */
  since: string | null;
  changes: number;
}

export interface KillSwitchState {
  engaged: boolean;
  reason: string | null;
  by: string | null;
  at: string | null;
  /** Global position of the last engage or release, 0 if never touched. */
  position: number;
}

export interface RiskStateView {
  killSwitch: KillSwitchState;
  runs: Map<string, RunRiskState>;
}

export function initialRiskState(): RiskStateView {
  return { killSwitch: { engaged: false, reason: null, by: null, at: null, position: 0 }, runs: new Map() };
}

/** Fold one event; the state is owned by the fold and updated in place. */
export function evolveRiskState(state: RiskStateView, e: AnyStoredEvent): RiskStateView {
  switch (e.type) {
    case 'RiskModeChanged': {
      const prev = state.runs.get(e.metadata.runId);
      state.runs.set(e.metadata.runId, { mode: e.data.to, reasonCode: e.data.reasonCode, since: e.metadata.at, changes: (prev?.changes ?? 0) + 1 });
      return state;
    }
    case 'KillSwitchEngaged':
    case 'KillSwitchReleased':
      state.killSwitch = {
        engaged: e.type === 'KillSwitchEngaged',
        reason: e.data.reason,
        by: e.data.by,
        at: e.metadata.at,
        position: e.globalPosition,
      };
      return state;
    default:
      return state;
  }
}

/** A run's risk mode: NORMAL until a RiskModeChanged says otherwise. */
export function riskModeOf(state: RiskStateView, runId: string): RiskModeName {
  return state.runs.get(runId)?.mode ?? 'NORMAL';
}

export function killSwitchOf(state: RiskStateView): KillSwitchState {
  return { ...state.killSwitch };
}
