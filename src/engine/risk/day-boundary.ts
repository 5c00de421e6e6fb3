import { DateTime } from 'luxon';

/**
 * The local trading day an instant belongs to, in an IANA time zone. Days start at local midnight, so
 * around daylight-saving changes a day lasts 23 or 25 hours; luxon resolves the offsets.
 */
export function localDay(epochMs: number, timeZone: string): string {
  const d = DateTime.fromMillis(epochMs, { zone: timeZone });
  if (!d.isValid) throw new RangeError(`invalid time zone "${timeZone}"`);
  return d.toISODate()!;
}

/**
 * localDay with memory of the last day window: bar after bar falls in the same day, and asking luxon each
 * time costs more than the rest of a bar's work. Pure: the answer depends only on (epochMs, timeZone).
 */
export function dayResolver(timeZone: string): (epochMs: number) => string {
  let window: { day: string; startMs: number; endMs: number } | null = null;
  return (epochMs) => {
    if (window === null || epochMs < window.startMs || epochMs >= window.endMs) window = dayWindow(epochMs, timeZone);
    return window.day;
  };
}

/** [start, end) of the local day containing epochMs, as epoch ms. */
export function dayWindow(epochMs: number, timeZone: string): { day: string; startMs: number; endMs: number } {
  const d = DateTime.fromMillis(epochMs, { zone: timeZone });
  if (!d.isValid) throw new RangeError(`invalid time zone "${timeZone}"`);
  const start = d.startOf('day');
  const end = start.plus({ days: 1 }).startOf('day');
  return { day: start.toISODate()!, startMs: start.toMillis(), endMs: end.toMillis() };
}
