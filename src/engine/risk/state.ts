import type { Decimal } from '../values.js';
import { localDay } from './day-boundary.js';
import type { RiskState } from './port.js';

/** The risk state at the start of a run: NORMAL, peak and day start at the initial equity. */
export function initialRiskState(equity: Decimal, now: number, timeZone: string): RiskState {
  return {
    mode: 'NORMAL',
    killSwitch: false,
    peakEquity: equity,
    day: localDay(now, timeZone),
    dayStartEquity: equity,
    recentOrderTimes: [],
    unresolvedUnknownOrders: 0,
  };
}

/**
 * After an order is sent (or, in a dry run, would have been): remember its time for the rate limit,
 * dropping times that have left the window so the state stays small.
 */
export function recordOrderTime(state: RiskState, now: number, windowMs: number | null): RiskState {
  if (windowMs === null) return state.recentOrderTimes.length === 0 ? state : { ...state, recentOrderTimes: [] };
  return { ...state, recentOrderTimes: [...state.recentOrderTimes.filter((t) => t > now - windowMs && t <= now), now] };
}
