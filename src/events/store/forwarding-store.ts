import type { NewEvent, StoredEvent } from '../envelope.js';
import type { ExpectedVersion } from '../errors.js';
import type { StoredRecord } from '../hash-chain.js';
import type { AppendResult, EventStore, EventStoreSnapshot, ReadAllOptions, ReadOptions, SubscribeOptions, Subscription } from './port.js';

/**
 * A store that wraps another and hands it every call; a wrapper overrides only what it changes (how appends
 * are made, what closing does), so each wrapper is the difference and nothing else.
 */
export abstract class ForwardingEventStore<Inner extends EventStore = EventStore> implements EventStore {
  readonly kind: string;
  readonly location: string;

  protected constructor(protected readonly inner: Inner) {
    this.kind = inner.kind;
    this.location = inner.location;
  }

  append(stream: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult> {
    return this.inner.append(stream, events, expectedVersion);
  }
  readStream(stream: string, options?: ReadOptions): AsyncIterable<StoredEvent> {
    return this.inner.readStream(stream, options);
  }
  readAll(options?: ReadAllOptions): AsyncIterable<StoredEvent> {
    return this.inner.readAll(options);
  }
  readRecords(options?: ReadAllOptions): AsyncIterable<StoredRecord> {
    return this.inner.readRecords(options);
  }
  subscribeAll(handler: (event: StoredEvent) => void | Promise<void>, options?: SubscribeOptions): Subscription {
    return this.inner.subscribeAll(handler, options);
  }
  streamVersion(stream: string): Promise<number | 'no_stream'> {
    return this.inner.streamVersion(stream);
  }
  head(): Promise<{ position: number; hash: string }> {
    return this.inner.head();
  }
  listStreams(prefix: string): Promise<string[]> {
    return this.inner.listStreams(prefix);
  }
  snapshot(): Promise<EventStoreSnapshot> {
    return this.inner.snapshot();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
