import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { NewEvent, StoredEvent } from '../../envelope.js';
import { StoreUnavailableError, type ExpectedVersion } from '../../errors.js';
import type { StoredRecord } from '../../hash-chain.js';
import { assertExpectedVersion, prepareBatch } from '../batch.js';
import type { AppendResult, EventStore, EventStoreSnapshot, ReadAllOptions, ReadOptions, SubscribeOptions, Subscription } from '../port.js';
import { deserializeStoreError, encodeBatch, type AppendReply, type AppendRequest } from './append-thread-protocol.js';
import type { SqliteEventStore } from './sqlite-event-store.js';

/**
 * A SQLite store whose appends run on a thread of their own, with its own connection to the same file: the
 * chain hashing and the inserts overlap whatever the caller does next (a backtest goes on deciding the
 * next bars while its last batch is written). Batches are validated and encoded here, before they are
 * handed over, so a bad event still throws at append() and nothing of its batch is written; the thread
 * writes batches one transaction each, in the order they were appended. Every read goes to the store this
 * wraps, which sees each batch once its append has resolved. Closing waits for every batch handed over.
 */
export class AppendThreadStore implements EventStore {
  readonly kind: string;
  readonly location: string;
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (r: AppendResult) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private closed = false;
  private failure: Error | null = null;
  private readonly exited: Promise<void>;

  constructor(
    private readonly inner: SqliteEventStore,
    file: string,
  ) {
    this.kind = inner.kind;
    this.location = inner.location;
    // The thread's garbage is short-lived (a batch's strings): a small young generation keeps its memory small.
    this.worker = new Worker(workerScript(), { workerData: { path: file }, resourceLimits: { maxYoungGenerationSizeMb: APPEND_THREAD_YOUNG_MB } });
    this.worker.on('message', (reply: AppendReply) => {
      const p = this.pending.get(reply.id);
      if (p === undefined) return;
      this.pending.delete(reply.id);
      if (reply.error !== undefined) p.reject(deserializeStoreError(reply.error));
      else {
        if (reply.result.written) this.inner.wakeSubscriptions();
        p.resolve(reply.result);
      }
    });
    this.exited = new Promise((resolve) => {
      this.worker.on('error', (err) => this.fail(err));
      this.worker.on('exit', () => {
        this.fail(new StoreUnavailableError(`the append thread of ${this.location} stopped`));
        resolve();
      });
    });
  }

  async append(stream: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult> {
    if (this.closed) throw new StoreUnavailableError(`${this.location} is closed`);
    if (this.failure !== null) throw this.failure;
    assertExpectedVersion(expectedVersion);
    const batch = prepareBatch(stream, events);
    const id = this.nextId++;
    return new Promise<AppendResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ kind: 'append', id, stream, batch: encodeBatch(batch), expected: expectedVersion } satisfies AppendRequest);
    });
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
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

  /** Waits for the batches handed over (their appends settle), stops the thread, closes the wrapped store. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.allSettled([...this.pending.values()].map((p) => new Promise<void>((done) => {
      const { resolve, reject } = p;
      p.resolve = (r) => (resolve(r), done());
      p.reject = (e) => (reject(e), done());
    })));
    this.worker.postMessage({ kind: 'close' });
    await this.exited;
    await this.inner.close();
  }
}

const APPEND_THREAD_YOUNG_MB = 4;

/** The compiled worker script: next to this module, or in dist/ when this module runs from its TypeScript source (tests). */
function workerScript(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const beside = path.join(here, 'append-thread-worker.js');
  if (existsSync(beside)) return beside;
  return path.resolve(here, '..', '..', '..', '..', 'dist', 'src', 'events', 'store', 'sqlite', 'append-thread-worker.js');
}
