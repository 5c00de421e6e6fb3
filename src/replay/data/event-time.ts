/**
 * The instants an event can carry. Event times are ISO 8601 strings with a four-digit year (the
 * catalog's datetime schema), so the engine's clock must stay within the years 0000 to 9999; a bar
 * also needs room for its close (open time + interval), which is when its cycle runs.
 */
export const FIRST_EVENT_TIME_MS = -62_167_219_200_000; // 0000-01-01T00:00:00.000Z
export const LAST_EVENT_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

export function isEventTime(ms: number): boolean {
  return Number.isSafeInteger(ms) && ms >= FIRST_EVENT_TIME_MS && ms <= LAST_EVENT_TIME_MS;
}

/** Why a bar's open or close time cannot be an event time, or null when both can. */
export function barTimeProblem(openMs: number, intervalMs: number): string | null {
  if (!isEventTime(openMs)) return `time ${describe(openMs)} is outside the years 0000-9999 that an event time can carry`;
  const close = openMs + intervalMs;
  if (!isEventTime(close)) {
    return `the bar at ${describe(openMs)} closes after 9999-12-31T23:59:59.999Z (one interval of ${intervalMs} ms later), the last time an event can carry`;
  }
  return null;
}

function describe(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}
