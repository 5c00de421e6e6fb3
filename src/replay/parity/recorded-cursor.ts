import type { AnyStoredEvent } from '../../events/event-factory.js';

/** How far ahead the cursor reads when asked to prefetch (a cycle's events, and then some). */
const PREFETCH_MIN = 64;
/** Consumed events are dropped in chunks this large (streamed runs keep flat memory). */
const DROP_CHUNK = 4096;

/**
 * The recorded side of a replay: the run's events in stream order and a position in them. The parity log
 * moves it forward as re-derived events match; the replay's venue, market and clock read what the log holds
 * at and after it. Until the first divergence both sides are in step, which is what lets the venue answer
 * "what the log says the venue said next".
 *
 * From an array (everything in memory: live runs, whose resumes fold the prefix), or streamed from an
 * async source (backtests): then callers prefetch() before they peek ahead, and consumed events are dropped.
 */
export class RecordedCursor {
  private buffer: AnyStoredEvent[];
  /** Index (among all events) of buffer[0]. */
  private base = 0;
  private i = 0;
  private readonly source: AsyncIterator<AnyStoredEvent> | null;
  private exhausted: boolean;
  private readonly keepAll: boolean;

  constructor(events: readonly AnyStoredEvent[] | AsyncIterable<AnyStoredEvent>) {
    if (Array.isArray(events)) {
      this.buffer = [...(events as readonly AnyStoredEvent[])];
      this.source = null;
      this.exhausted = true;
      this.keepAll = true;
    } else {
      this.buffer = [];
      this.source = (events as AsyncIterable<AnyStoredEvent>)[Symbol.asyncIterator]();
      this.exhausted = false;
      this.keepAll = false;
    }
  }

  /** The event `offset` places after the cursor, if it is buffered. */
  peek(offset = 0): AnyStoredEvent | undefined {
    return this.buffer[this.i - this.base + offset];
  }

  /** Events compared so far. */
  get index(): number {
    return this.i;
  }

  advance(): void {
    this.i++;
    if (!this.keepAll && this.i - this.base >= DROP_CHUNK) {
      this.buffer = this.buffer.slice(this.i - this.base);
      this.base = this.i;
    }
  }

  /** Every event before the cursor (array mode only): what a resuming process folded. */
  prefix(): AnyStoredEvent[] {
    if (!this.keepAll) throw new Error('a streamed cursor keeps no prefix');
    return this.buffer.slice(0, this.i);
  }

  /**
   * Whether the log holds nothing after the cursor. A streamed cursor must have prefetched: not knowing
   * is a bug of the caller, not the end of the log.
   */
  atEnd(): boolean {
    if (this.peek() !== undefined) return false;
    if (!this.exhausted) throw new Error('replay cursor: asked for the end of the log before reading ahead');
    return true;
  }

  /**
   * Buffers at least `count` events after the cursor and the whole cycle of the last of them (so a look
   * within a cycle sees all of it), or up to the end of the log.
   */
  async prefetch(count = PREFETCH_MIN): Promise<void> {
    if (this.source === null) return;
    const ahead = () => this.buffer.length - (this.i - this.base);
    while (!this.exhausted && ahead() < count) await this.pull();
    const last = this.buffer[this.buffer.length - 1];
    while (!this.exhausted && last !== undefined && this.buffer[this.buffer.length - 1]!.metadata.cycleId === last.metadata.cycleId) await this.pull();
  }

  /** Buffered events from the cursor on, while they belong to `cycleId`. */
  *cycleAhead(cycleId: string): Generator<AnyStoredEvent> {
    for (let k = this.i - this.base; k < this.buffer.length; k++) {
      const e = this.buffer[k]!;
      if (e.metadata.cycleId !== cycleId) return;
      yield e;
    }
  }

  private async pull(): Promise<void> {
    const next = await this.source!.next();
    if (next.done) this.exhausted = true;
    else this.buffer.push(next.value);
  }
}
