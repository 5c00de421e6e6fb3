import type { Bar } from '../../engine/bar.js';
import { type BarSource, type DataScan, batchesOf } from '../data/bar-source.js';
import { BarHasher } from '../data/bar-hasher.js';

/**
 * The bars of a source within [from, to): a walk-forward window. Its scan hashes exactly those bars, so a
 * window's run id, and a replay's check of its data, are about the window, not the whole file. The spec names
 * the window (`<spec>@<from>..<to>`) for people; a replay re-reads the source and cuts the same window.
 */
export class WindowedBarSource implements BarSource {
  readonly spec: string;
  private scanned: Promise<DataScan> | null = null;

  constructor(
    private readonly inner: BarSource,
    readonly from: number,
    readonly to: number,
    /** The inner source's scan when the caller already has it (a sweep scans its data once, not once per window). */
    private readonly innerScan?: DataScan,
  ) {
    this.spec = `${inner.spec}@${new Date(from).toISOString()}..${new Date(to).toISOString()}`;
  }

  async *bars(): AsyncGenerator<Bar> {
    for await (const bar of this.inner.bars()) {
      if (bar.time >= this.to) return;
      if (bar.time >= this.from) yield bar;
    }
  }

  async *batches(): AsyncGenerator<readonly Bar[]> {
    for await (const batch of batchesOf(this.inner)) {
      const inside = batch.filter((bar) => bar.time >= this.from && bar.time < this.to);
      if (inside.length > 0) yield inside;
      if (batch[batch.length - 1]!.time >= this.to) return;
    }
  }

  scan(): Promise<DataScan> {
    this.scanned ??= this.runScan();
    return this.scanned;
  }

  private async runScan(): Promise<DataScan> {
    const whole = this.innerScan ?? (await this.inner.scan());
    const hasher = new BarHasher();
    let first: number | null = null;
    let last: number | null = null;
    let count = 0;
    for await (const bar of this.bars()) {
      hasher.add(bar);
      first ??= bar.time;
      last = bar.time;
      count++;
    }
    return { hash: hasher.digest(), symbol: whole.symbol, interval: whole.interval, intervalMs: whole.intervalMs, firstBarTime: first, lastBarTime: last, barCount: count };
  }
}

const WINDOWED = /^(.*)@(\d{4}-\d{2}-\d{2}T[0-9:.]+Z)\.\.(\d{4}-\d{2}-\d{2}T[0-9:.]+Z)$/;

/** A recorded data reference of a walk-forward window (`<spec>@<from>..<to>`) opened again; any other as it is. */
export function openRecordedSource(spec: string, open: (spec: string) => BarSource): BarSource {
  const m = WINDOWED.exec(spec);
  if (!m) return open(spec);
  return new WindowedBarSource(open(m[1]!), Date.parse(m[2]!), Date.parse(m[3]!));
}
