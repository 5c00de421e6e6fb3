import type { EventDataInput, EventType } from '../../events/catalog.js';
import type { RunMode } from '../../events/envelope.js';
import { type AnyNewEvent, createEvent } from '../../events/event-factory.js';
import type { Ids } from '../ports.js';
import type { EventSink } from './event-sink.js';

/**
 * Builds one cycle's events with the shared metadata (run, mode, cycle as correlation id, engine
 * time) and deterministic ids, and hands them to the sink in order.
 */
export class CycleEmitter {
  constructor(
    private readonly sink: EventSink,
    private readonly ids: Ids,
    private readonly runId: string,
    private readonly mode: RunMode,
    private readonly cycleId: string | null,
    private readonly at: string,
  ) {}

  /** Returns the new event's id, to be used as the causation id of what it causes. */
  emit<T extends EventType>(type: T, data: EventDataInput<T>, causationId: string | null): string {
    const eventId = this.ids.next('event');
    const event = createEvent(type, eventId, data, {
      runId: this.runId,
      mode: this.mode,
      cycleId: this.cycleId,
      causationId,
      at: this.at,
    });
    this.sink.emit(event as AnyNewEvent);
    return eventId;
  }

  barrier(): Promise<void> {
    return this.sink.barrier();
  }
}
