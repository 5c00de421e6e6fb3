import type { EventData } from '../../events/catalog.js';
import { isoTime } from '../../events/time.js';
import type { Bar } from '../bar.js';
import type { MarketSnapshot } from '../ports.js';
import { Decimal } from '../values.js';

type SnapshotBarData = EventData<'MarketSnapshotRecorded'>['bars'][number];

/** A recorded bar as the strategy sees it. */
export function barOf(b: SnapshotBarData): Bar {
  return { time: Date.parse(b.openTime), open: new Decimal(b.open), high: new Decimal(b.high), low: new Decimal(b.low), close: new Decimal(b.close), volume: new Decimal(b.volume) };
}

/** The MarketSnapshotRecorded data of a snapshot. */
export function snapshotData(snapshot: MarketSnapshot): { interval: string | null; bars: SnapshotBarData[] } {
  return {
    interval: snapshot.interval,
    bars: snapshot.bars.map((b) => ({
      symbol: b.symbol,
      openTime: isoTime(b.bar.time),
      open: b.bar.open.toFixed(),
      high: b.bar.high.toFixed(),
      low: b.bar.low.toFixed(),
      close: b.bar.close.toFixed(),
      volume: b.bar.volume.toFixed(),
    })),
  };
}

/** A recorded snapshot back as the market port's value. */
export function snapshotOf(d: EventData<'MarketSnapshotRecorded'>): MarketSnapshot {
  return { interval: d.interval, bars: d.bars.map((b) => ({ symbol: b.symbol, bar: barOf(b) })) };
}

/**
 * The market snapshot a MarketSnapshotRecorded event was made from, when the decider made it: evolve takes
 * the bars from here instead of parsing the decimal strings it just wrote (the same values; a bar's worth of
 * parsing saved per cycle). Events read from the log carry none and are parsed.
 */
export const DECODED_SNAPSHOT: unique symbol = Symbol('decoded market snapshot');

/** The cycle's time (epoch ms) of an event the decider made, so evolve need not parse its ISO `at` back. */
export const DECODED_AT: unique symbol = Symbol('decoded event time');

/** The `at` of an event that is never recorded (evolve reads its DECODED_AT instead; nothing else sees it). */
export const UNRECORDED_AT = '(not recorded)';

export type WithDecodedSnapshot = { [DECODED_SNAPSHOT]?: MarketSnapshot; [DECODED_AT]?: number };

export function attachSnapshot<E extends object>(event: E, snapshot: MarketSnapshot, at: number): E {
  Object.defineProperty(event, DECODED_SNAPSHOT, { value: snapshot, enumerable: false });
  Object.defineProperty(event, DECODED_AT, { value: at, enumerable: false });
  return event;
}
