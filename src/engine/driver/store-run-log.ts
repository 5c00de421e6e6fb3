import { type AnyNewEvent, toTypedEvent } from '../../events/event-factory.js';
import type { AppendResult, EncodedBatch, EventEncoding, EventStore } from '../../events/store/port.js';
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
  /** The events not yet handed over, when there is no encoding. */
  private buffer: AnyNewEvent[] = [];
  /**
   * The store's batches encoded as events come (an append thread), unless onDurable needs the events: a
   * full-mode backtest's events would otherwise stay alive as objects until their batch is full, long enough
   * to be promoted to the old generation, which then grew to several times what is live.
   */
  private readonly encoding: EventEncoding | null;
  /** The batch being encoded (with an encoding). */
  private encoded: EncodedBatch | null = null;
  /** A bad event refused by the encoding: its batch is never handed over, and the log takes nothing more. */
  private refused: unknown = null;
  /** Stream version of the last event handed to the store (-1: none yet). */
  private version = -1;
  private writtenCount = 0;
  private skippedCount = 0;
  /** Batches handed to the store and not yet awaited, oldest first (at most MAX_IN_FLIGHT). */
  private inFlight: Array<Promise<void>> = [];

  constructor(
    private readonly store: EventStore,
    private readonly stream: string,
    private readonly options: StoreRunLogOptions,
  ) {
    this.encoding = (options.onDurable?.length ?? 0) > 0 ? null : (store.encoding ?? null);
  }

  async readRun(): Promise<FoldableEvent[]> {
    const events: FoldableEvent[] = [];
    for await (const e of this.store.readStream(this.stream)) {
      events.push(toTypedEvent(e) as unknown as FoldableEvent);
      this.version = e.streamVersion;
    }
    return events;
  }

  /**
   * With an encoding, a bad event throws EventValidationError here rather than at its batch's hand-over; as
   * there, nothing of its batch is written (flush() waits for the batches before it, then throws it again).
   */
  append(events: readonly AnyNewEvent[]): void {
    if (this.refused !== null) throw this.refused;
    for (const e of events) {
      for (const observe of this.options.observers ?? []) observe(e);
      if (this.encoding === null) this.buffer.push(e);
      else {
        try {
          (this.encoded ??= this.encoding.startBatch()).add(e);
        } catch (err) {
          this.refused = err;
          this.encoded = null;
          throw err;
        }
      }
    }
  }

  async barrier(): Promise<void> {
    if (this.options.durableBarriers) await this.flush();
  }

  /**
   * A full batch is handed to the store without waiting for it to be written: a store that writes on
   * another thread (src/events/store/sqlite/append-thread.ts) then overlaps the next cycles. A failed append
   * throws at the next hand-over or flush (the run stops there; what was written is a prefix of the run).
   */
  cycleEnded(): Promise<void> | undefined {
    if (this.refused !== null) return Promise.reject(this.refused);
    const size = this.options.batchSize;
    if (size === null) return this.flush();
    if (this.buffered() >= size) return this.handOver();
    return undefined;
  }

  /** Everything appended so far is written (or its append's error is thrown). */
  async flush(): Promise<void> {
    if (this.refused === null && this.buffered() > 0) await this.handOver();
    while (this.inFlight.length > 0) await this.inFlight.shift();
    if (this.refused !== null) throw this.refused;
  }

  private buffered(): number {
    return this.encoding === null ? this.buffer.length : (this.encoded?.length ?? 0);
  }

  private async handOver(): Promise<void> {
    while (this.inFlight.length >= MAX_IN_FLIGHT) await this.inFlight.shift();
    const count = this.buffered();
    const expected = this.version < 0 ? 'no_stream' : this.version;
    this.version += count;
    let appended: Promise<AppendResult>;
    // Held until written only if someone waits for them (a store that writes elsewhere has its own copy).
    let durable: AnyNewEvent[] | null = null;
    if (this.encoding === null) {
      const batch = this.buffer;
      this.buffer = [];
      if ((this.options.onDurable?.length ?? 0) > 0) durable = batch;
      appended = this.store.append(this.stream, batch, expected);
    } else {
      const batch = this.encoded!;
      this.encoded = null;
      appended = batch.append(this.stream, expected);
    }
    const written = appended.then((result) => {
      if (result.written) this.writtenCount += count;
      else this.skippedCount += count;
      if (durable !== null) for (const e of durable) for (const cb of this.options.onDurable!) cb(e);
    });
    // Handled when awaited (in order); until then a rejection must not count as unhandled.
    written.catch(() => undefined);
    this.inFlight.push(written);
  }

  /** Events appended, and events found already stored (a re-run). */
  counts(): { written: number; alreadyStored: number } {
    return { written: this.writtenCount, alreadyStored: this.skippedCount };
  }
}

/** Batches a backtest may have handed over and not yet seen written: enough to keep a writer thread busy, few enough to bound memory. */
const MAX_IN_FLIGHT = 2;
