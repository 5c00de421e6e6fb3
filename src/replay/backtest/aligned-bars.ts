import type { Bar } from '../../engine/bar.js';

interface Feed {
  symbol: string;
  batches: AsyncIterator<readonly Bar[]>;
  batch: readonly Bar[];
  /** Index of head in batch. */
  index: number;
  head: Bar | null;
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
  private started = false;

  constructor(sources: ReadonlyArray<AlignedInput>) {
    this.feeds = sources.map((s) => ({ symbol: s.symbol, batches: ('batches' in s ? s.batches : singly(s.bars))[Symbol.asyncIterator](), batch: [], index: 0, head: null }));
  }

  /**
   * The next time's bars: at once (no promise) while every instrument's batch at hand has a bar after its head,
   * which is all but one time in a batch's length; otherwise a promise, as a new batch is read.
   */
  next(): AlignedStep | null | Promise<AlignedStep | null> {
    if (!this.started) return this.nextReading();
    for (const f of this.feeds) if (f.head !== null && f.index + 1 >= f.batch.length) return this.nextReading();
    let time = Infinity;
    for (const f of this.feeds) if (f.head !== null && f.head.time < time) time = f.head.time;
    if (time === Infinity) return null;
    const bars: Array<{ symbol: string; bar: Bar }> = [];
    for (const f of this.feeds) {
      if (f.head === null || f.head.time !== time) continue;
      bars.push({ symbol: f.symbol, bar: f.head });
      f.head = f.batch[++f.index]!;
    }
    return { time, bars };
  }

  private async nextReading(): Promise<AlignedStep | null> {
    if (!this.started) {
      this.started = true;
      for (const f of this.feeds) await this.refill(f);
    }
    let time = Infinity;
    for (const f of this.feeds) if (f.head !== null && f.head.time < time) time = f.head.time;
    if (time === Infinity) return null;
    const bars: Array<{ symbol: string; bar: Bar }> = [];
    for (const f of this.feeds) {
      if (f.head === null || f.head.time !== time) continue;
      bars.push({ symbol: f.symbol, bar: f.head });
      // The next bar of the batch at hand, without an await; a new batch only at its end.
      if (++f.index < f.batch.length) f.head = f.batch[f.index]!;
      else await this.refill(f);
    }
    return { time, bars };
  }

  private async refill(f: Feed): Promise<void> {
    for (;;) {
      const next = await f.batches.next();
      if (next.done) {
        f.head = null;
        return;
      }
      if (next.value.length === 0) continue;
      f.batch = next.value;
      f.index = 0;
      f.head = f.batch[0]!;
      return;
    }
  }
}

async function* singly(bars: AsyncIterable<Bar>): AsyncGenerator<readonly Bar[]> {
  for await (const bar of bars) yield [bar];
}
