import { isoTime } from '../../../events/time.js';
import type { Denial } from './types.js';

/** The snapshot behind the decision is older than allowed: no price to trust, so no order at all. */
export function checkStaleData(maxAgeMs: number | null, now: number, snapshotTime: number): Denial | null {
  if (maxAgeMs === null) return null;
  const ageMs = now - snapshotTime;
  if (ageMs <= maxAgeMs) return null;
  return { code: 'STALE_DATA', context: { ageMs: String(ageMs), limitMs: String(maxAgeMs), snapshotTime: isoTime(snapshotTime) } };
}
