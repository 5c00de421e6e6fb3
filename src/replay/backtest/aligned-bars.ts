import type { Bar } from '../../engine/bar.js';
import { eachBarAlone } from '../data/bar-source.js';

interface Feed {
  symbol: string;
  batches: AsyncIterator<readonly Bar[]>;
  /** The batch at hand; its bar at `index` is the feed's next (none once index reaches its end). */
  batch: readonly Bar[];
  index: number;
  /** The source has no more batches. */
  done: boolean;
}

/** One time's bars: every instrument that has a bar then. */
export interface AlignedStep {
  time: number;
  bars: Array<{ symbol: string; bar: Bar }>;
}

/** An instrument's bars: a stream of bars, or of batches of bars (one await a batch instead of one a bar). */
export type AlignedInput = { symbol: string; bars: AsyncIterable<Bar> } | { symbol: string; batches: AsyncIterable<readonly Bar[]> };

/**
 * Several instruments' bars aligned by time: each call gives every instrument that has a bar at the earliest
 * time not yet given (one that has none then has a gap, never a made-up bar), or null at the end of all data.
 */
export class AlignedBars {
  private readonly feeds: Feed[];

  constructor(sources: ReadonlyArray<AlignedInput>) {
    this.feeds = sources.map((s) => ({ symbol: s.symbol, batches: ('batches' in s ? s.batches : eachBarAlone(s.bars))[Symbol.asyncIterator](), batch: [], index: 0, done: false }));
  }

  /**
   * The next time's bars: at once (no promise) while every instrument has a bar left in its batch at hand, which
   * is all but one time in a batch's length; otherwise a promise, as new batches are read first.
   */
  next(): AlignedStep | null | Promise<AlignedStep | null> {
    for (const f of this.feeds) if (needsBatch(f)) return this.readThenStep();
    return this.step();
  }

  private async readThenStep(): Promise<AlignedStep | null> {
    for (const f of this.feeds) if (needsBatch(f)) await this.refill(f);
    return this.step();
  }

  /** Every instrument's bar at the earliest time left, each feed moved past it (every feed has a bar at hand or is done). */
  private step(): AlignedStep | null {
    let time = Infinity;
    for (const f of this.feeds) if (!f.done && f.batch[f.index]!.time < time) time = f.batch[f.index]!.time;
    if (time === Infinity) return null;
    const bars: Array<{ symbol: string; bar: Bar }> = [];
    for (const f of this.feeds) {
      if (f.done || f.batch[f.index]!.time !== time) continue;
      bars.push({ symbol: f.symbol, bar: f.batch[f.index++]! });
    }
    return { time, bars };
  }

  private async refill(f: Feed): Promise<void> {
    for (;;) {
      const next = await f.batches.next();
      if (next.done) {
        f.done = true;
        return;
      }
      if (next.value.length === 0) continue;
      f.batch = next.value;
      f.index = 0;
      return;
    }
  }
}

function needsBatch(f: Feed): boolean {
  return !f.done && f.index >= f.batch.length;
}
