import type { AnyNewEvent } from '../../events/event-factory.js';
import type { EventStore } from '../../events/store/port.js';
import type { EventSink } from '../../engine/cycle/event-sink.js';

/**
 * Appends a run's events to its stream in batches, one transaction each, with the exact expected
 * version. Batch boundaries and versions depend only on the events, so re-running the same backtest
 * presents the same batches, which the store recognises by event id and skips (idempotent re-run).
 * Every event is shown to the observers first (fingerprints, results), so nothing is held beyond a batch.
 */
export class BatchingStoreSink implements EventSink {
  private buffer: AnyNewEvent[] = [];
  /** Stream version of the last event handed to the store (-1: none yet). */
  private version = -1;
  private written = 0;
  private skipped = 0;

  constructor(
    private readonly store: EventStore,
    private readonly stream: string,
    private readonly batchSize: number,
    private readonly observers: ReadonlyArray<(e: AnyNewEvent) => void>,
  ) {}

  emit(event: AnyNewEvent): void {
    for (const observe of this.observers) observe(event);
    this.buffer.push(event);
  }

  /**
   * A backtest's venue is simulated in memory: its side effects vanish with the process, exactly like
   * unflushed events, so there is nothing to make durable before calling it.
   */
  async barrier(): Promise<void> {}

  /** Append when a full batch is waiting; call between cycles. */
  async flushIfFull(): Promise<void> {
    if (this.buffer.length >= this.batchSize) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    const expected = this.version < 0 ? 'no_stream' : this.version;
    const result = await this.store.append(this.stream, batch, expected);
    this.version += batch.length;
    if (result.written) this.written += batch.length;
    else this.skipped += batch.length;
  }

  /** Events appended, and events found already stored (a re-run). */
  counts(): { written: number; alreadyStored: number } {
    return { written: this.written, alreadyStored: this.skipped };
  }
}
