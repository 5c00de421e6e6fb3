import type { NewEvent, StoredEvent } from '../../envelope.js';
import { IdempotencyConflictError, StoreUnavailableError, type ExpectedVersion } from '../../errors.js';
import { GENESIS_HASH, type StoredRecord } from '../../hash-chain.js';
import { assertExpectedVersion, assertNoRepeatedIds, checkExpectedVersion, prepareBatch, type PreparedEvent } from '../batch.js';
import { ChainHasher } from '../chain-hasher.js';
import { catchUpSubscription, type CatchUpSubscription, type LogPage } from '../catch-up-subscription.js';
import { BoundedView } from '../bounded-view.js';
import type { AppendResult, EventStore, EventStoreSnapshot, ReadAllOptions, ReadOptions, SubscribeOptions, Subscription } from '../port.js';

interface Row {
  globalPosition: number;
  stream: string;
  streamVersion: number;
  eventId: string;
  type: string;
  schemaVersion: number;
  dataJson: string;
  metadataJson: string;
  prevHash: string;
  hash: string;
}

const PAGE_SIZE = 5000;

/**
 * The store port in memory, with the SQLite adapter's semantics exactly (contiguous positions from 1,
 * the same validation, idempotency and conflict rules). Events are kept as their canonical JSON and
 * parsed on every read, so no caller can alter the log through an object it was handed.
 */
export class MemoryEventStore implements EventStore {
  readonly kind = 'memory';
  readonly location = 'memory';
  private readonly log: Row[] = [];
  private readonly streams = new Map<string, Row[]>();
  private readonly byId = new Map<string, Row>();
  private readonly subscriptions = new Set<CatchUpSubscription>();
  private closed = false;

  async append(stream: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult> {
    this.assertOpen();
    assertExpectedVersion(expectedVersion);
    const batch = prepareBatch(stream, events);
    assertNoRepeatedIds(batch);
    const actual = this.versionOf(stream);
    const originals = this.storedOriginals(stream, batch);
    if (originals) return originals;
    checkExpectedVersion(stream, expectedVersion, actual);
    let version = actual === 'no_stream' ? -1 : actual;
    if (batch.length === 0) return { nextExpectedVersion: version, firstPosition: 0, lastPosition: 0, written: false };
    // Build the whole batch first, then publish it: nothing becomes visible unless all of it does.
    const rows: Row[] = [];
    const chain = new ChainHasher(stream, this.log.at(-1)?.hash ?? GENESIS_HASH);
    let position = this.log.length;
    for (const e of batch) {
      position++;
      version++;
      const prevHash = chain.prevHash;
      const hash = chain.next(version, e);
      rows.push({
        globalPosition: position,
        stream,
        streamVersion: version,
        eventId: e.eventId,
        type: e.type,
        schemaVersion: e.schemaVersion,
        dataJson: e.dataJson,
        metadataJson: e.metadataJson,
        prevHash,
        hash,
      });
    }
    const streamRows = this.streams.get(stream) ?? [];
    for (const r of rows) {
      this.log.push(r);
      streamRows.push(r);
      this.byId.set(r.eventId, r);
    }
    this.streams.set(stream, streamRows);
    for (const s of this.subscriptions) s.wake();
    return { nextExpectedVersion: version, firstPosition: rows[0]!.globalPosition, lastPosition: position, written: true };
  }

  private storedOriginals(stream: string, batch: PreparedEvent[]): AppendResult | null {
    const found = batch.map((e) => this.byId.get(e.eventId));
    const stored = found.filter((r) => r !== undefined);
    if (stored.length === 0) return null;
    if (stored.length < batch.length || stored.some((r) => r.stream !== stream)) {
      throw new IdempotencyConflictError(stream, batch.filter((_, i) => found[i] !== undefined).map((e) => e.eventId));
    }
    const positions = stored.map((r) => r.globalPosition);
    return {
      nextExpectedVersion: (this.streams.get(stream)?.length ?? 0) - 1,
      firstPosition: Math.min(...positions),
      lastPosition: Math.max(...positions),
      written: false,
    };
  }

  private versionOf(stream: string): number | 'no_stream' {
    const rows = this.streams.get(stream);
    return rows === undefined ? 'no_stream' : rows.length - 1;
  }

  async *readStream(stream: string, options: ReadOptions = {}): AsyncIterable<StoredEvent> {
    const rows = this.streams.get(stream) ?? [];
    const from = Math.max(0, options.fromVersion ?? 0);
    const end = Math.min(rows.length, from + (options.maxCount ?? Number.POSITIVE_INFINITY));
    for (let i = from; i < end; i++) {
      this.assertOpen();
      yield toStoredEvent(rows[i]!);
    }
  }

  async *readAll(options: ReadAllOptions = {}): AsyncIterable<StoredEvent> {
    for (const row of this.rows(options)) yield toStoredEvent(row);
  }

  /** The rows are the stored bytes: data and metadata as the canonical JSON that was hashed. */
  async *readRecords(options: ReadAllOptions = {}): AsyncIterable<StoredRecord> {
    for (const row of this.rows(options)) yield { ...row };
  }

  private *rows(options: ReadAllOptions): Generator<Row> {
    const types = options.types ? new Set(options.types) : null;
    let remaining = options.maxCount ?? Number.POSITIVE_INFINITY;
    // Positions are 1-based and contiguous: the event at position p sits at index p - 1.
    for (let i = Math.max(0, options.fromPosition ?? 0); i < this.log.length && remaining > 0; i++) {
      this.assertOpen();
      const row = this.log[i]!;
      if (types !== null && !types.has(row.type)) continue;
      remaining--;
      yield row;
    }
  }

  /** Rows are never changed or removed, so a view cut at the current head is a snapshot. */
  async snapshot(): Promise<EventStoreSnapshot> {
    this.assertOpen();
    return BoundedView.of(this);
  }

  subscribeAll(handler: (event: StoredEvent) => void | Promise<void>, options: SubscribeOptions = {}): Subscription {
    this.assertOpen();
    const types = options.types ? new Set(options.types) : null;
    const readPage = (after: number): LogPage => {
      const slice = this.log.slice(after, after + PAGE_SIZE);
      const events = slice.filter((r) => types === null || types.has(r.type)).map(toStoredEvent);
      return { events, scannedTo: slice.at(-1)?.globalPosition ?? after, full: slice.length === PAGE_SIZE };
    };
    const sub = catchUpSubscription(readPage, handler, options);
    this.subscriptions.add(sub);
    void sub.done.then(
      () => this.subscriptions.delete(sub),
      () => this.subscriptions.delete(sub),
    );
    return sub;
  }

  async streamVersion(stream: string): Promise<number | 'no_stream'> {
    this.assertOpen();
    return this.versionOf(stream);
  }

  async head(): Promise<{ position: number; hash: string }> {
    this.assertOpen();
    const last = this.log.at(-1);
    return last ? { position: last.globalPosition, hash: last.hash } : { position: 0, hash: GENESIS_HASH };
  }

  async listStreams(prefix: string): Promise<string[]> {
    this.assertOpen();
    // Map iteration order is insertion order, i.e. order of first appearance.
    return [...this.streams.keys()].filter((s) => s.startsWith(prefix));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError('memory store is closed');
  }
}

function toStoredEvent(r: Row): StoredEvent {
  return {
    globalPosition: r.globalPosition,
    stream: r.stream,
    streamVersion: r.streamVersion,
    eventId: r.eventId,
    type: r.type,
    schemaVersion: r.schemaVersion,
    data: JSON.parse(r.dataJson) as unknown,
    metadata: JSON.parse(r.metadataJson) as StoredEvent['metadata'],
    prevHash: r.prevHash,
    hash: r.hash,
  };
}

