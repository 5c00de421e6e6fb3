import type { Bar } from '../../engine/bar.js';
import type { ManualClock } from '../../engine/clocks.js';
import { snapshotOf } from '../../engine/decider/bars.js';
import type { Clock, MarketData, MarketSnapshot } from '../../engine/ports.js';
import { ProcessEnded, type ParityLog } from './parity-log.js';
import type { RecordedCursor } from './recorded-cursor.js';
import { AlignedBars } from '../backtest/aligned-bars.js';

/**
 * The market of a replay whose log holds its snapshots (live runs, full-mode backtests): the snapshot of
 * the next recorded strategy cycle, or null when the log goes on with the run's close-down (or its end).
 * Where the recorded process died before its next cycle, ProcessEnded.
 */
export class RecordedMarket implements MarketData {
  private last: MarketSnapshot | null = null;

  constructor(
    private readonly cursor: RecordedCursor,
    private readonly log: ParityLog,
  ) {}

  async next(): Promise<MarketSnapshot | null> {
    await this.cursor.prefetch();
    if (this.log.processEndedHere()) throw new ProcessEnded(this.cursor.index);
    const first = this.cursor.peek()!;
    if (first.metadata.cycleId === null) return null;
    for (const e of this.cursor.cycleAhead(first.metadata.cycleId)) {
      if (e.type === 'MarketSnapshotRecorded') return (this.last = snapshotOf(e.data));
    }
    // A live cycle that recorded no snapshot saw nothing new (the venue's last bar again): show it the same.
    if (first.type === 'CycleStarted') return this.last;
    return null;
  }
}

/** The engine time of a replay whose log holds every cycle's time: that of the next recorded event. */
export class RecordedClock implements Clock {
  private last = 0;

  constructor(private readonly cursor: RecordedCursor) {}

  now(): number {
    const next = this.cursor.peek();
    if (next !== undefined) this.last = Date.parse(next.metadata.at);
    return this.last;
  }
}

/** Whether the next recorded cycle began with the kill switch engaged (CycleStarted records it). */
export function recordedKillSwitch(cursor: RecordedCursor): () => Promise<boolean> {
  return async () => {
    await cursor.prefetch();
    const next = cursor.peek();
    return next?.type === 'CycleStarted' ? next.data.killSwitch : false;
  };
}

/**
 * The market of a decisions-mode backtest's replay: the dataset re-read (its hash verified against the
 * recorded one), one bar per cycle, the clock at each bar's close as the backtest set it.
 */
export class DatasetMarket implements MarketData {
  private readonly aligned: AlignedBars;

  constructor(
    sources: ReadonlyArray<{ symbol: string; bars: AsyncIterable<Bar> }>,
    private readonly o: { interval: string | null; intervalMs: number; clock: ManualClock; cursor: RecordedCursor },
  ) {
    this.aligned = new AlignedBars(sources);
  }

  async next(): Promise<MarketSnapshot | null> {
    await this.o.cursor.prefetch();
    const next = await this.aligned.next();
    if (next === null) return null;
    this.o.clock.set(next.time + this.o.intervalMs);
    return { interval: this.o.interval, bars: next.bars };
  }
}
