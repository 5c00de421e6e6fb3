import type { Bar } from '../../engine/bar.js';

interface Feed {
  symbol: string;
  bars: AsyncIterator<Bar>;
  head: Bar | null;
}

/**
 * Several instruments' bars aligned by time: each call gives every instrument that has a bar at the earliest
 * time not yet given (one that has none then has a gap, never a made-up bar), or null at the end of all data.
 */
export class AlignedBars {
  private readonly feeds: Feed[];
  private started = false;

  constructor(sources: ReadonlyArray<{ symbol: string; bars: AsyncIterable<Bar> }>) {
    this.feeds = sources.map(({ symbol, bars }) => ({ symbol, bars: bars[Symbol.asyncIterator](), head: null }));
  }

  async next(): Promise<{ time: number; bars: Array<{ symbol: string; bar: Bar }> } | null> {
    if (!this.started) {
      this.started = true;
      for (const f of this.feeds) await this.pull(f);
    }
    let time = Infinity;
    for (const f of this.feeds) if (f.head !== null && f.head.time < time) time = f.head.time;
    if (time === Infinity) return null;
    const bars: Array<{ symbol: string; bar: Bar }> = [];
    for (const f of this.feeds) {
      if (f.head === null || f.head.time !== time) continue;
      bars.push({ symbol: f.symbol, bar: f.head });
      await this.pull(f);
    }
    return { time, bars };
  }

  private async pull(f: Feed): Promise<void> {
    const next = await f.bars.next();
    f.head = next.done ? null : next.value;
  }
}
