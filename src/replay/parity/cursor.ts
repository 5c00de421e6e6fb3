import type { AnyNewEvent, AnyStoredEvent } from '../../events/event-factory.js';
import type { EventSink } from '../../engine/cycle/event-sink.js';
import { RunFingerprints } from '../backtest/fingerprints.js';
import { type EventView, differingFields, sameEvent, viewOf } from './compare.js';

/**
 * The recorded side of a replay: the run's events (RunStarted and RunEnded aside) and a position in
 * them. The replay sink moves it forward as re-derived events match; the replay venue and reconciler
 * read the recorded answers found at it. Until the first divergence the two sides are in step, which
 * is what lets the venue answer "the next thing the log says the venue said".
 */
export class RecordedCursor {
  /** Events read and not yet dropped; buffer[0] is the event at index `base`. */
  private buffer: AnyStoredEvent[];
  private base = 0;
  private i = 0;
  private readonly source: AsyncIterator<AnyStoredEvent> | null;
  private exhausted: boolean;
  /** The cycle the replay is running (set by the driver before each cycle). */
  cycleId: string | null = null;

  /**
   * From an array (everything in memory), or streamed from an async source: then the driver calls
   * fillThrough(cycle) before each cycle, and consumed events are dropped, so memory stays flat.
   */
  constructor(
    events: readonly AnyStoredEvent[] | AsyncIterable<AnyStoredEvent>,
    private readonly runId = '',
  ) {
    if (Array.isArray(events)) {
      this.buffer = [...(events as readonly AnyStoredEvent[])];
      this.source = null;
      this.exhausted = true;
    } else {
      this.buffer = [];
      this.source = (events as AsyncIterable<AnyStoredEvent>)[Symbol.asyncIterator]();
      this.exhausted = false;
    }
  }

  peek(offset = 0): AnyStoredEvent | undefined {
    return this.buffer[this.i - this.base + offset];
  }

  advance(): void {
    this.i++;
    if (this.source !== null && this.i - this.base >= 4096) {
      this.buffer = this.buffer.slice(this.i - this.base);
      this.base = this.i;
    }
  }

  get index(): number {
    return this.i;
  }

  /** Streamed sources: read until an event of a cycle after `cycleSeq` (or the end) is buffered. */
  async fillThrough(cycleSeq: number): Promise<void> {
    while (!this.exhausted && this.source !== null) {
      const last = this.buffer[this.buffer.length - 1];
      const seq = last ? cycleSeqIn(this.runId, last.metadata.cycleId) : null;
      if (seq !== null && seq > cycleSeq && this.buffer.length > this.i - this.base) break;
      const next = await this.source.next();
      if (next.done) this.exhausted = true;
      else this.buffer.push(next.value);
    }
  }

  /** Streamed sources: make sure the next event, if there is one, is buffered. */
  async fillNext(): Promise<void> {
    while (!this.exhausted && this.source !== null && this.peek() === undefined) {
      const next = await this.source.next();
      if (next.done) this.exhausted = true;
      else this.buffer.push(next.value);
    }
  }

  /** The recorded events from the cursor on that belong to the current cycle and satisfy `take`, consecutively. */
  runOfCurrentCycle(take: (e: AnyStoredEvent) => boolean): AnyStoredEvent[] {
    const out: AnyStoredEvent[] = [];
    for (let k = this.i - this.base; k < this.buffer.length; k++) {
      const e = this.buffer[k]!;
      if (e.metadata.cycleId !== this.cycleId || !take(e)) break;
      out.push(e);
    }
    return out;
  }

  /** The buffered events of one cycle from the cursor on. */
  eventsOfCycle(cycleId: string): AnyStoredEvent[] {
    const out: AnyStoredEvent[] = [];
    for (let k = this.i - this.base; k < this.buffer.length; k++) {
      const e = this.buffer[k]!;
      if (e.metadata.cycleId === cycleId) out.push(e);
      else if (out.length > 0) break;
    }
    return out;
  }

  /** Whether the recorded log holds any event of this cycle from the cursor on. */
  hasEventsOfCycle(cycleId: string): boolean {
    return this.peek()?.metadata.cycleId === cycleId;
  }
}

function cycleSeqIn(runId: string, cycleId: string | null): number | null {
  if (cycleId === null || !cycleId.startsWith(`${runId}:c`)) return null;
  const n = Number(cycleId.slice(runId.length + 2));
  return Number.isSafeInteger(n) ? n : null;
}

export interface Divergence {
  /** Global position of the recorded event that differs (null when the log has nothing more to compare). */
  position: number | null;
  /** Index among the compared events (0-based). */
  index: number;
  recorded: EventView | null;
  rederived: EventView | null;
  /** Which fields differ (type, cycleId, at, data.<key>). */
  fields: string[];
}

/** Thrown by the sink at the first divergence: the replay stops there. */
export class DivergenceFound extends Error {
  constructor(readonly divergence: Divergence) {
    super(`replay diverged at ${divergence.position === null ? 'the end of the log' : `position ${divergence.position}`}`);
  }
}

/**
 * Thrown by the sink when the replay runs past the end of a cycle the recorded run never finished
 * (the process was killed there): what the replay would emit next was never recorded, by design.
 */
export class SegmentCut extends Error {
  constructor(readonly cycleId: string) {
    super(`the recorded run stopped inside cycle ${cycleId}`);
  }
}

/**
 * The replay's event sink: appends nothing. Each re-derived event is compared with the recorded one at
 * the cursor; equal, the cursor moves on; different, DivergenceFound. `cutCycles` are cycles the
 * recorded process did not live to finish: running out of recorded events inside one is a SegmentCut.
 */
export class ParitySink implements EventSink {
  readonly fingerprints = new RunFingerprints();
  compared = 0;

  constructor(
    private readonly cursor: RecordedCursor,
    private readonly cutCycles: ReadonlySet<string> = new Set(),
  ) {}

  emit(event: AnyNewEvent): void {
    if (event.type === 'RunStarted' || event.type === 'RunEnded') return;
    const recorded = this.cursor.peek();
    if (recorded && sameEvent(recorded, event)) {
      this.fingerprints.observe(event);
      this.cursor.advance();
      this.compared++;
      return;
    }
    const cycleId = event.metadata.cycleId;
    const leftItsCycle = recorded === undefined || recorded.metadata.cycleId !== cycleId;
    if (cycleId !== null && leftItsCycle && this.cutCycles.has(cycleId)) throw new SegmentCut(cycleId);
    this.fingerprints.observe(event);
    throw new DivergenceFound({
      position: recorded?.globalPosition ?? null,
      index: this.cursor.index,
      recorded: recorded ? viewOf(recorded) : null,
      rederived: viewOf(event),
      fields: recorded ? differingFields(recorded, event) : ['(not in the log)'],
    });
  }

  async barrier(): Promise<void> {}
}
