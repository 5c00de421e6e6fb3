import type { ModeChange } from './risk-modes.js';

/** Why trades did not happen: a run's risk decisions, as the summary and the report show them (filled by backtest/decision-log.ts). */

/** Decisions that denied or reduced an intent, per reason code. */
export interface ReasonCodeTally {
  code: string;
  /** POLICY, RISK or EXECUTION (as recorded). */
  layer: string | null;
  denied: number;
  reduced: number;
  /** Engine time of the first and the last such decision, epoch ms. */
  firstTime: number;
  lastTime: number;
}

export interface DecisionSummary {
  intents: number;
  approved: number;
  denied: number;
  reduced: number;
  /** Most frequent first. */
  byCode: ReasonCodeTally[];
  /** RiskModeChanged, oldest first. */
  modeChanges: ModeChange[];
}
