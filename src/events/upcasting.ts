import type { EventType } from './catalog.js';

/**
 * Upcasters lift the data of an older schemaVersion to the next one. They run on read only:
 * stored bytes (and so the hash chain) never change.
 *
 * Key: event type -> fromVersion -> function(data at fromVersion) => data at fromVersion + 1.
 */
type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

export const UPCASTERS: Partial<Record<EventType, Record<number, Upcaster>>> = {
  OrderFilled: {
    // v1 had no fee asset (it was always the quote asset) and no liquidity flag.
    1: (data) => ({ ...data, feeAsset: 'QUOTE', liquidity: 'UNKNOWN' }),
    // v2 recorded no fill time: readers fall back to the event's engine time.
    2: (data) => ({ ...data, time: null }),
  },
  CycleStarted: {
    // v1 did not record the kill switch (it lived only in its control stream).
    1: (data) => ({ ...data, killSwitch: false }),
  },
  MarketSnapshotRecorded: {
    // v1 held one instrument's bar.
    1: ({ symbol, interval, bar }) => ({ interval, bars: [{ ...(bar as Record<string, unknown>), symbol }] }),
  },
  OrderReconciled: {
    // v1 did not record the not-found streak.
    1: (data) => ({ ...data, notFoundStreak: 0 }),
  },
};

export function upcast(
  type: EventType,
  fromVersion: number,
  toVersion: number,
  data: unknown,
): { ok: true; data: unknown } | { ok: false; error: string } {
  let current = data;
  for (let v = fromVersion; v < toVersion; v++) {
    const step = UPCASTERS[type]?.[v];
    if (!step) return { ok: false, error: `no upcaster for ${type} v${v} -> v${v + 1}` };
    if (typeof current !== 'object' || current === null) return { ok: false, error: `${type} v${v} data is not an object` };
    current = step(current as Record<string, unknown>);
  }
  return { ok: true, data: current };
}
