import type { AnyNewEvent, AnyStoredEvent } from '../../events/event-factory.js';
import type { EventStore } from '../../events/store/port.js';
import type { EventSink } from '../cycle/event-sink.js';

/**
 * A live run's events go to the log in batches, one transaction each: everything a cycle emits up to
 * a barrier (the submitter's "OrderSubmitRequested is durable before the venue is called") or the end
 * of the cycle. Observers see each event as it is emitted (the live orders view the reconciler reads);
 * `onAppended` callbacks see it once it is durable (metrics, logs).
 */
export class LiveStoreSink implements EventSink {
  private buffer: AnyNewEvent[] = [];
  private appendedCount = 0;

  constructor(
    private readonly store: EventStore,
    private readonly stream: string,
    /** The stream's last version, or -1 when the stream does not exist yet. */
    private version: number,
    private readonly observers: ReadonlyArray<(e: AnyNewEvent) => void>,
    private readonly onAppended: ReadonlyArray<(e: AnyNewEvent) => void> = [],
  ) {}

  emit(event: AnyNewEvent): void {
    for (const observe of this.observers) observe(event);
    this.buffer.push(event);
  }

  barrier(): Promise<void> {
    return this.flush();
  }

  async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    const result = await this.store.append(this.stream, batch, this.version < 0 ? 'no_stream' : this.version);
    this.version = result.nextExpectedVersion;
    this.appendedCount += batch.length;
    for (const e of batch) for (const cb of this.onAppended) cb(e);
  }

  get appended(): number {
    return this.appendedCount;
  }
}

/** A new event in the shape the projections fold (positions are provisional: the projections here ignore them). */
export function asProvisionalStored(e: AnyNewEvent, position: number, stream: string): AnyStoredEvent {
  return { ...e, globalPosition: position, stream, streamVersion: position, prevHash: '', hash: '' } as AnyStoredEvent;
}
