import type { Bar } from '../../../engine/bar.js';
import { createHash } from 'node:crypto';
import type { BarSource, DataScan } from '../bar-source.js';
import { formatInterval } from '../interval.js';
import { generateBars, generateHashLines } from './gbm-generator.js';
import type { SyntheticSpec } from './synthetic-spec.js';

/** Bars a batch: as few as the CSV reader's, so they die young. */
const SYNTHETIC_BATCH = 256;

/**
 * Seeded synthetic bars: scan() runs the generator once to hash the bars (in the BarHasher line
 * format, from the tick grid directly), bars() runs it again and yields Decimal bars.
 */
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

  async *batches(): AsyncGenerator<readonly Bar[]> {
    let batch: Bar[] = [];
    for (const bar of generateBars(this.params)) {
      batch.push(bar);
      if (batch.length === SYNTHETIC_BATCH) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }

  /** The same bars as bars(), synchronously: for callers that want to skip per-bar promise overhead. */
  barsSync(): Iterable<Bar> {
    return generateBars(this.params);
  }

  private runScan(): DataScan {
    const p = this.params;
    const hash = createHash('sha256');
    let pending: string[] = [];
    let count = 0;
    for (const line of generateHashLines(p)) {
      pending.push(line);
      if (pending.length === 4096) {
        hash.update(pending.join(''));
        pending = [];
      }
      count++;
    }
    hash.update(pending.join(''));
    const last = count > 0 ? p.startMs + (count - 1) * p.intervalMs : null;
    return {
      hash: hash.digest('hex'),
      symbol: p.symbol,
      interval: formatInterval(p.intervalMs),
      intervalMs: p.intervalMs,
      firstBarTime: count > 0 ? p.startMs : null,
      lastBarTime: last,
      barCount: count,
    };
  }
}
