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

/** [start, end) of the local day containing epochMs, as epoch ms. */
export function dayWindow(epochMs: number, timeZone: string): { day: string; startMs: number; endMs: number } {
  const d = DateTime.fromMillis(epochMs, { zone: timeZone });
  if (!d.isValid) throw new RangeError(`invalid time zone "${timeZone}"`);
  const start = d.startOf('day');
  const end = start.plus({ days: 1 }).startOf('day');
  return { day: start.toISODate()!, startMs: start.toMillis(), endMs: end.toMillis() };
}
