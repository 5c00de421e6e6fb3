import type { AnyNewEvent, AnyStoredEvent } from '../../events/event-factory.js';
import type { FoldableEvent } from '../../engine/decider/evolve.js';
import type { RunLog } from '../../engine/driver/ports.js';
import { RunFingerprints } from '../backtest/fingerprints.js';
import { type EventView, differingFields, sameEvent, viewOf } from './compare.js';
import type { RecordedCursor } from './recorded-cursor.js';

export interface Divergence {
  /** Global position of the recorded event that differs (null when the log has nothing more to compare). */
  position: number | null;
  /** Index among the compared events (0-based): run lifecycle events are not compared. */
  index: number;
  recorded: EventView | null;
  rederived: EventView | null;
  /** Which fields differ (type, cycleId, at, data.<key>). */
  fields: string[];
}

/** Thrown at the first divergence: the replay stops there. */
export class DivergenceFound extends Error {
  constructor(readonly divergence: Divergence) {
    super(`replay diverged at ${divergence.position === null ? 'the end of the log' : `position ${divergence.position}`}`);
  }
}

/**
 * The recorded process died here (the log goes on with RunResumed, or ends without RunEnded): what the
 * replay would do next was never recorded, by design. The replay resumes as the next process did, or ends
 * INCOMPLETE.
 */
export class ProcessEnded extends Error {
  constructor(readonly index: number) {
    super('the recorded process ended here');
  }
}

/** Run lifecycle events: inputs of a replay (versions, arming), not re-derived decisions. */
const LIFECYCLE = new Set(['RunStarted', 'RunResumed', 'RunEnded']);

/**
 * The replay's log: appends nothing. Each re-derived event is compared with the recorded one at the cursor
 * (type, data, cycle, engine time; see ./compare.ts); equal, the cursor moves on; different,
 * DivergenceFound. Where the recorded process died, ProcessEnded. readRun() hands a resuming process the
 * events before the cursor, exactly what the real one folded.
 */
export class ParityLog implements RunLog {
  readonly fingerprints = new RunFingerprints();
  compared = 0;

  constructor(private readonly cursor: RecordedCursor) {}

  async readRun(): Promise<FoldableEvent[]> {
    await this.cursor.prefetch();
    return this.cursor.prefix() as unknown as FoldableEvent[];
  }

  append(events: readonly AnyNewEvent[]): void {
    for (const e of events) this.compare(e);
  }

  async barrier(): Promise<void> {
    await this.cursor.prefetch();
  }

  async cycleEnded(): Promise<void> {
    await this.cursor.prefetch();
  }

  async flush(): Promise<void> {
    await this.cursor.prefetch();
  }

  /** Whether the recorded process ended at the cursor: the next recorded event is RunResumed, or there is none and no RunEnded. */
  processEndedHere(): boolean {
    return this.cursor.atEnd() || this.cursor.peek()!.type === 'RunResumed';
  }

  private compare(e: AnyNewEvent): void {
    const recorded = this.cursor.peek();
    if (LIFECYCLE.has(e.type)) {
      if (recorded?.type === e.type) {
        this.cursor.advance();
        return;
      }
      if (this.processEndedHere()) throw new ProcessEnded(this.cursor.index);
      this.diverge(recorded, e);
    }
    if (recorded && sameEvent(recorded, e)) {
      this.fingerprints.observe(e);
      this.cursor.advance();
      this.compared++;
      return;
    }
    if (this.processEndedHere()) throw new ProcessEnded(this.cursor.index);
    this.diverge(recorded, e);
  }

  private diverge(recorded: AnyStoredEvent | undefined, e: AnyNewEvent): never {
    this.fingerprints.observe(e);
    throw new DivergenceFound({
      position: recorded?.globalPosition ?? null,
      index: this.compared,
      recorded: recorded ? viewOf(recorded) : null,
      rederived: viewOf(e),
      fields: recorded ? differingFields(recorded, e) : ['(not in the log)'],
    });
  }
}
