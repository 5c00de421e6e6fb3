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
