import { isoTime } from '../../events/time.js';

/**
 * What the risk modes did to a run, from its RiskModeChanged events: the share of the run's time spent in
 * each mode, how often OBSERVE (no new exposure) was entered and how it was left, and whether the run
 * ENDED in OBSERVE: a circuit breaker that stopped trading at some time and never let it resume.
 */

export type Mode = 'NORMAL' | 'REDUCE' | 'OBSERVE';

export interface ModeChange {
  /** Engine time of the change (the close of the bar that caused it), epoch ms. */
  time: number;
  from: Mode;
  to: Mode;
  reasonCode: string;
  context: Readonly<Record<string, string>>;
}

export interface RiskModeFigures {
  /** Share of the run's time (first bar's open to last bar's close) in each mode. */
  timeShare: Record<Mode, number>;
  changes: number;
  observeEntries: number;
  /** Times OBSERVE ended because the cool-off rebased the drawdown peak (risk.modes.observeCoolOffMs). */
  coolOffExits: number;
  /** The run ended in OBSERVE: no new exposure from `since` to the end. */
  lockedOutAtEnd: {
    since: string;
    reasonCode: string;
    drawdown: string | null;
    threshold: string | null;
    durationMs: number;
    shareOfRun: number;
  } | null;
}

export function riskModeFigures(changes: readonly ModeChange[], start: number, end: number): RiskModeFigures {
  const span = Math.max(0, end - start);
  const time: Record<Mode, number> = { NORMAL: 0, REDUCE: 0, OBSERVE: 0 };
  let mode: Mode = changes[0]?.from ?? 'NORMAL';
  let since = start;
  let observeEntries = 0;
  let coolOffExits = 0;
  let entered: ModeChange | null = null;
  for (const c of changes) {
    const at = Math.min(Math.max(c.time, start), end);
    time[mode] += at - since;
    since = at;
    mode = c.to;
    if (c.to === 'OBSERVE' && c.from !== 'OBSERVE') {
      observeEntries++;
      entered = c;
    }
    if (c.from === 'OBSERVE' && c.context['peakRebasedAfterMs'] !== undefined) coolOffExits++;
  }
  time[mode] += end - since;
  const share = (m: Mode) => (span > 0 ? time[m] / span : 0);
  let lockedOutAtEnd: RiskModeFigures['lockedOutAtEnd'] = null;
  if (mode === 'OBSERVE' && entered !== null) {
    const durationMs = Math.max(0, end - entered.time);
    lockedOutAtEnd = {
      since: isoTime(entered.time),
      reasonCode: entered.reasonCode,
      drawdown: entered.context['drawdown'] ?? null,
      threshold: entered.context['threshold'] ?? null,
      durationMs,
      shareOfRun: span > 0 ? durationMs / span : 0,
    };
  }
  return { timeShare: { NORMAL: share('NORMAL'), REDUCE: share('REDUCE'), OBSERVE: share('OBSERVE') }, changes: changes.length, observeEntries, coolOffExits, lockedOutAtEnd };
}
