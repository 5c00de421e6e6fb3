import type { Bar } from '../../../engine/bar.js';
import { BarHasher } from '../bar-hasher.js';
import type { BarSource, DataScan } from '../bar-source.js';
import { formatInterval } from '../interval.js';
import { generateBars } from './gbm-generator.js';
import type { SyntheticSpec } from './synthetic-spec.js';

/** Seeded synthetic bars: scan() generates them once to hash them, bars() generates them again. */
export class SyntheticBarSource implements BarSource {
  private scanned: Promise<DataScan> | null = null;

  constructor(
    readonly spec: string,
    readonly params: SyntheticSpec,
  ) {}

  scan(): Promise<DataScan> {
    this.scanned ??= Promise.resolve().then(() => this.runScan());
    return this.scanned;
  }

  async *bars(): AsyncGenerator<Bar> {
    yield* generateBars(this.params);
  }

  /** The same bars as bars(), synchronously: for callers that want to skip per-bar promise overhead. */
  barsSync(): Iterable<Bar> {
    return generateBars(this.params);
  }

  private runScan(): DataScan {
    const hasher = new BarHasher();
    let count = 0;
    let last: number | null = null;
    for (const bar of generateBars(this.params)) {
      hasher.add(bar);
      last = bar.time;
      count++;
    }
    const p = this.params;
    return {
      hash: hasher.digest(),
      symbol: p.symbol,
      interval: formatInterval(p.intervalMs),
      intervalMs: p.intervalMs,
      firstBarTime: count > 0 ? p.startMs : null,
      lastBarTime: last,
      barCount: count,
    };
  }
}
