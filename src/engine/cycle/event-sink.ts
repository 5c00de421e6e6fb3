import type { AnyNewEvent } from '../../events/event-factory.js';

/**
 * Where the cycle puts the events it produces, in order. The sink decides when they reach the log;
 * barrier() is the one promise it must keep: everything emitted so far is durable before the cycle
 * lets the venue act on it (OrderSubmitRequested is recorded BEFORE the venue is called).
 */
export interface EventSink {
  emit(event: AnyNewEvent): void;
  barrier(): Promise<void>;
}

/** Keeps every event in memory: for tests and short runs. */
export class CollectingSink implements EventSink {
  readonly events: AnyNewEvent[] = [];
  barriers = 0;
  emit(event: AnyNewEvent): void {
    this.events.push(event);
  }
  async barrier(): Promise<void> {
    this.barriers++;
  }
}
