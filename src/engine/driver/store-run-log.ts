import { type AnyNewEvent, toTypedEvent } from '../../events/event-factory.js';
import type { EventStore } from '../../events/store/port.js';
import type { FoldableEvent } from '../decider/evolve.js';
import type { RunLog } from './ports.js';

export interface StoreRunLogOptions {
  /**
   * Events per append while cycles run: null writes at the end of every cycle (live runs, whose every
   * cycle must be durable); a number waits for a batch that size (backtests: fewer, larger transactions).
   */
  batchSize: number | null;
  /**
   * Whether barrier() writes. Live venues act on what they are sent, so the request must be durable first.
   * A backtest's simulated venue lives in memory: its side effects vanish with the process exactly like
   * unwritten events, so it needs none.
   */
  durableBarriers: boolean;
  /** Called with each event as it is appended (fingerprints, results, a live view of the orders). */
  observers?: ReadonlyArray<(e: AnyNewEvent) => void>;
  /** Called with each event once it is durable (metrics, logs). */
  onDurable?: ReadonlyArray<(e: AnyNewEvent) => void>;
}

/**
 * A run's stream in an EventStore, written in batches (one transaction each) with the exact expected
 * version. Batch boundaries depend only on the events, so re-running the same backtest presents the same
 * batches, which the store recognises by event id and skips (an idempotent re-run).
 */
export class StoreRunLog implements RunLog {
  private buffer: AnyNewEvent[] = [];
  /** Stream version of the last event handed to the store (-1: none yet). */
  private version = -1;
  private writtenCount = 0;
  private skippedCount = 0;

  constructor(
    private readonly store: EventStore,
    private readonly stream: string,
    private readonly options: StoreRunLogOptions,
  ) {}

  async readRun(): Promise<FoldableEvent[]> {
    const events: FoldableEvent[] = [];
    for await (const e of this.store.readStream(this.stream)) {
      events.push(toTypedEvent(e) as unknown as FoldableEvent);
      this.version = e.streamVersion;
    }
    return events;
  }

  append(events: readonly AnyNewEvent[]): void {
    for (const e of events) {
      for (const observe of this.options.observers ?? []) observe(e);
      this.buffer.push(e);
    }
  }

  async barrier(): Promise<void> {
    if (this.options.durableBarriers) await this.flush();
  }

  async cycleEnded(): Promise<void> {
    const size = this.options.batchSize;
    if (size === null || this.buffer.length >= size) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    const result = await this.store.append(this.stream, batch, this.version < 0 ? 'no_stream' : this.version);
    this.version += batch.length;
    if (result.written) this.writtenCount += batch.length;
    else this.skippedCount += batch.length;
    for (const e of batch) for (const cb of this.options.onDurable ?? []) cb(e);
  }

  /** Events appended, and events found already stored (a re-run). */
  counts(): { written: number; alreadyStored: number } {
    return { written: this.writtenCount, alreadyStored: this.skippedCount };
  }
}
