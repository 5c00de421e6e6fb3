import type { NewEvent, StoredEvent } from '../envelope.js';
import { StoreUnavailableError, type ExpectedVersion } from '../errors.js';
import type { StoredRecord } from '../hash-chain.js';
import type { AppendResult, EventStore, EventStoreSnapshot, ReadAllOptions, ReadOptions, SubscribeOptions, Subscription } from './port.js';

/**
 * A snapshot of any append-only store: reads of the underlying store, cut at the head seen when the
 * view was taken. Events at or below that head never change (the log is append-only), so the bound
 * alone makes every read agree. For stores without transactions (memory, EventStoreDB); the SQLite
 * adapter pins a read transaction instead (and still reports `at`).
 */
export class BoundedView implements EventStoreSnapshot {
  readonly kind: string;
  readonly location: string;

  constructor(
    private readonly base: EventStore,
    readonly at: { position: number; hash: string },
  ) {
    this.kind = base.kind;
    this.location = base.location;
  }

  static async of(base: EventStore): Promise<BoundedView> {
    return new BoundedView(base, await base.head());
  }

  async append(_stream: string, _events: readonly NewEvent[], _expected: ExpectedVersion): Promise<AppendResult> {
    throw new StoreUnavailableError(`a snapshot of ${this.location} is read-only`);
  }

  async *readStream(stream: string, options: ReadOptions = {}): AsyncIterable<StoredEvent> {
    for await (const e of this.base.readStream(stream, options)) {
      if (e.globalPosition > this.at.position) return;
      yield e;
    }
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<StoredEvent> {
    if ((options.fromPosition ?? 0) >= this.at.position) return;
    for await (const e of this.base.readAll(options)) {
      if (e.globalPosition > this.at.position) return;
      yield e;
    }
  }

  async *readRecords(options: ReadAllOptions = {}): AsyncIterable<StoredRecord> {
    if ((options.fromPosition ?? 0) >= this.at.position) return;
    for await (const r of this.base.readRecords(options)) {
      if (r.globalPosition > this.at.position) return;
      yield r;
    }
  }

  /** Delivers the events up to the bound and calls onCaughtUp; nothing past the bound ever arrives. */
  subscribeAll(handler: (event: StoredEvent) => void | Promise<void>, options: SubscribeOptions = {}): Subscription {
    return this.base.subscribeAll(async (e) => {
      if (e.globalPosition <= this.at.position) await handler(e);
    }, options);
  }

  async streamVersion(stream: string): Promise<number | 'no_stream'> {
    let version: number | 'no_stream' = 'no_stream';
    for await (const e of this.readStream(stream)) version = e.streamVersion;
    return version;
  }

  async head(): Promise<{ position: number; hash: string }> {
    return { ...this.at };
  }

  async listStreams(prefix: string): Promise<string[]> {
    const out: string[] = [];
    for (const stream of await this.base.listStreams(prefix)) {
      for await (const _first of this.readStream(stream, { maxCount: 1 })) {
        out.push(stream);
        break;
      }
    }
    return out;
  }

  async snapshot(): Promise<EventStoreSnapshot> {
    return this;
  }

  /** Releases the view; the underlying store stays open. */
  async close(): Promise<void> {}
}
