import type { Metrics } from '../metrics/compute-metrics.js';
import type { DecisionSummary } from '../metrics/decisions.js';
import { duration, isoTime, percent } from './format.js';

/**
 * Why trades did not happen, and the circuit breaker: the text both the summary and the report show.
 * A run that ENDED in risk mode OBSERVE (no new exposure) gets a banner saying when trading stopped, for
 * how much of the run, and what to change.
 */

export interface RiskModeSettings {
  /** risk.modes.observeCoolOffMs of the run (null: off, OBSERVE holds until equity recovers). */
  observeCoolOffMs: number | null;
}

export function breakerBanner(m: Metrics, decisions: DecisionSummary | null, settings: RiskModeSettings): string | null {
  const locked = m.riskModes?.lockedOutAtEnd;
  if (!locked) return null;
  const since = Date.parse(locked.since);
  const cause =
    locked.reasonCode === 'DRAWDOWN_BREACH' && locked.drawdown !== null && locked.threshold !== null
      ? `drawdown ${percent(Number(locked.drawdown))} reached the ${percent(Number(locked.threshold), 0)} threshold`
      : locked.reasonCode;
  const denied = decisions?.byCode.find((c) => c.code === 'RISK_MODE_OBSERVE')?.denied ?? 0;
  const remedy =
    settings.observeCoolOffMs === null
      ? 'risk.modes.observeCoolOffMs is off (null): set it (the dev profile uses 7 days) to resume after a cool-off'
      : `the cool-off (${duration(settings.observeCoolOffMs)}) had not elapsed by the end`;
  return (
    `CIRCUIT BREAKER ENDED TRADING at ${isoTime(since)} UTC: risk mode OBSERVE (${cause}) held to the end of the data, ` +
    `${duration(locked.durationMs)} = ${percent(locked.shareOfRun, 1)} of the run without new exposure` +
    `${denied > 0 ? ` (${denied} intents denied RISK_MODE_OBSERVE)` : ''}; ${remedy}.`
  );
}

export function riskModeLine(m: Metrics, settings: RiskModeSettings): string | null {
  const r = m.riskModes;
  if (!r) return null;
  const share = `NORMAL ${percent(r.timeShare.NORMAL, 1)}, REDUCE ${percent(r.timeShare.REDUCE, 1)}, OBSERVE ${percent(r.timeShare.OBSERVE, 1)} of the time`;
  if (r.observeEntries === 0) return `${share}; OBSERVE never entered`;
  const coolOff = settings.observeCoolOffMs === null ? 'no cool-off' : `cool-off ${duration(settings.observeCoolOffMs)}`;
  return `${share}; OBSERVE entered ${times(r.observeEntries)}, ended by the cool-off ${times(r.coolOffExits)} (${coolOff})`;
}

export function decisionHeadline(d: DecisionSummary): string {
  return `${d.intents} intents: ${d.approved} approved, ${d.reduced} reduced, ${d.denied} denied`;
}

export const DECISION_HEADER = ['reason code', 'layer', 'denied', 'reduced', 'first', 'last'] as const;

export function decisionRows(d: DecisionSummary): string[][] {
  return d.byCode.map((c) => [c.code, c.layer ?? '', String(c.denied), String(c.reduced), isoTime(c.firstTime), isoTime(c.lastTime)]);
}

/** The run's risk.modes.observeCoolOffMs from its recorded risk configuration (any shape). */
export function riskModeSettingsOf(risk: unknown): RiskModeSettings {
  const modes = typeof risk === 'object' && risk !== null ? (risk as Record<string, unknown>)['modes'] : undefined;
  const coolOff = typeof modes === 'object' && modes !== null ? (modes as Record<string, unknown>)['observeCoolOffMs'] : undefined;
  return { observeCoolOffMs: typeof coolOff === 'number' ? coolOff : null };
}

function times(n: number): string {
  return n === 1 ? 'once' : `${n} times`;
}
