import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { NewEvent } from '../../envelope.js';
import { StoreUnavailableError, type ExpectedVersion } from '../../errors.js';
import { assertExpectedVersion, assertStreamName, prepareBatch } from '../batch.js';
import { ForwardingEventStore } from '../forwarding-store.js';
import type { AppendResult, EventEncoding } from '../port.js';
import { batchEncoding, encodeBatchBytes } from '../encoded-batch.js';
import { deserializeStoreError, type AppendReply, type AppendRequest } from './append-thread-protocol.js';
import type { SqliteEventStore } from './sqlite-event-store.js';

/**
 * A SQLite store whose appends run on a thread of their own, with its own connection to the same file: the
 * chain hashing and the inserts overlap whatever the caller does next (a backtest goes on deciding the
 * next bars while its last batch is written). Batches are validated and encoded here, before they are
 * handed over, so a bad event still throws at append() and nothing of its batch is written; the thread
 * writes batches one transaction each, in the order they were appended. Every read goes to the store this
 * wraps, which sees each batch once its append has resolved. Closing waits for every batch handed over.
 * A writer that gathers events into batches can encode each one as it comes (`encoding`) and keep only that.
 */
export class AppendThreadStore extends ForwardingEventStore<SqliteEventStore> {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (r: AppendResult) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private closed = false;
  private failure: Error | null = null;
  private readonly exited: Promise<void>;
  /** Settles when the last batch handed over has been answered (written or refused). */
  private lastHandedOver: Promise<void> = Promise.resolve();

  constructor(inner: SqliteEventStore, file: string) {
    super(inner);
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

  /** Batches validated and encoded an event at a time, straight into the bytes the thread is sent. */
  readonly encoding: EventEncoding = batchEncoding((stream, batch, expectedVersion) => this.appendEncoded(stream, batch, expectedVersion));

  override async append(stream: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult> {
    this.assertOpen();
    assertExpectedVersion(expectedVersion);
    return this.handOver(stream, encodeBatchBytes(prepareBatch(stream, events)), expectedVersion);
  }

  /** Another thread's encoded batch goes on to the append thread as it is (transferred again, not copied). */
  async appendEncoded(stream: string, batch: Uint8Array, expectedVersion: ExpectedVersion): Promise<AppendResult> {
    this.assertOpen();
    assertStreamName(stream);
    assertExpectedVersion(expectedVersion);
    return this.handOver(stream, batch as Uint8Array<ArrayBuffer>, expectedVersion);
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError(`${this.location} is closed`);
    if (this.failure !== null) throw this.failure;
  }

  private handOver(stream: string, batch: Uint8Array<ArrayBuffer>, expected: ExpectedVersion): Promise<AppendResult> {
    const id = this.nextId++;
    const answered = new Promise<AppendResult>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ kind: 'append', id, stream, batch, expected } satisfies AppendRequest, [batch.buffer]);
    });
    this.lastHandedOver = answered.then(
      () => undefined,
      () => undefined,
    );
    return answered;
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  /** Waits for the batches handed over (their appends settle), stops the thread, closes the wrapped store. */
  override async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // The thread answers in the order it was asked: the last batch settled means every batch has.
    await this.lastHandedOver;
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
