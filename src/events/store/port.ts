import type { NewEvent, StoredEvent } from '../envelope.js';
import type { ExpectedVersion } from '../errors.js';
import type { StoredRecord } from '../hash-chain.js';

export type { ExpectedVersion } from '../errors.js';

export interface AppendResult {
  /** The stream's last version after the append (what to pass as expectedVersion next time). */
  nextExpectedVersion: number;
  /** Global positions of the batch; for an idempotent no-op, those of the stored originals. */
  firstPosition: number;
  lastPosition: number;
  /** False when every event id was already stored and nothing was written. */
  written: boolean;
}

export interface ReadOptions {
  /** Inclusive. */
  fromVersion?: number;
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events with globalPosition > fromPosition. 0 reads from the start. */
  fromPosition?: number;
  maxCount?: number;
  /** Only these types (stores may filter server-side). */
  types?: readonly string[];
}

export interface SubscribeOptions extends ReadAllOptions {
  /** Called once every event stored at subscribe time has been delivered. */
  onCaughtUp?: () => void;
  /** How often a polling adapter looks for new events. */
  pollIntervalMs?: number;
}

export interface Subscription {
  /** Stops delivery; resolves once no handler call is running. */
  stop(): Promise<void>;
  /** Resolves when the subscription ends: stopped, or failed (rejects with the handler's or store's error). */
  readonly done: Promise<void>;
}

/**
 * The store port (DESIGN.md "Store port"). Events come back as stored: raw data at the schemaVersion
 * they were written with; readers call toTypedEvent() to upcast and validate.
 *
 * append:
 * - expectedVersion 'no_stream': the stream must not exist; 'any': no check; 'stream_exists': it must
 *   exist; a number: the stream's last version must equal it (versions start at 0).
 * - a conflict throws ExpectedVersionConflictError; the batch is atomic: all or nothing.
 * - if every event id of the batch is already stored, nothing is written (idempotent retry);
 *   if only some are, IdempotencyConflictError.
 * - the store assigns globalPosition, streamVersion, prevHash and hash.
 */
export interface EventStore {
  /** 'sqlite' | 'esdb' — used where behaviour legitimately differs (e.g. contiguous positions). */
  readonly kind: string;
  /** Human-readable location (file path or connection string without credentials). */
  readonly location: string;
  append(stream: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult>;
  readStream(stream: string, options?: ReadOptions): AsyncIterable<StoredEvent>;
  readAll(options?: ReadAllOptions): AsyncIterable<StoredEvent>;
  /**
   * readAll, but each event as the store holds it: data and metadata as the stored bytes. What
   * integrity checks hash. (An adapter whose client only hands out parsed JSON re-encodes it
   * canonically and says so in its README.)
   */
  readRecords(options?: ReadAllOptions): AsyncIterable<StoredRecord>;
  /**
   * Optional: readAll a page at a time (one await per page, not per event: what a full projection
   * rebuild needs). Every event is a fresh object that the caller owns and may change.
   */
  readAllPages?(options?: ReadAllOptions): AsyncIterable<StoredEvent[]>;
  /** Optional: batches encoded as their events are added (see EventEncoding). */
  readonly encoding?: EventEncoding | undefined;
  /**
   * Optional: append() of a batch that another thread of this process validated and encoded (prepareEvent()
   * into a BatchEncoder, ./encoded-batch.ts), e.g. a sweep's worker: written as it is, neither validated nor
   * encoded again, with append()'s semantics (expected version, idempotent retry, one transaction).
   */
  appendEncoded?(stream: string, batch: Uint8Array, expectedVersion: ExpectedVersion): Promise<AppendResult>;
  /** Delivers stored events from fromPosition, then new ones as they are appended, in global order. */
  subscribeAll(handler: (event: StoredEvent) => void | Promise<void>, options?: SubscribeOptions): Subscription;
  /** Last version of a stream, or 'no_stream'. */
  streamVersion(stream: string): Promise<number | 'no_stream'>;
  /** Last global position (0 for an empty log) and its hash. */
  head(): Promise<{ position: number; hash: string }>;
  /** Streams whose name starts with prefix (e.g. "run-"), in order of first appearance. */
  listStreams(prefix: string): Promise<string[]>;
  /**
   * A read-only view of the log as it is now: every read through it (readAll, readRecords,
   * readStream, streamVersion, head, listStreams, subscribeAll) sees exactly the events up to the head
   * it was taken at, however much is appended meanwhile, so several readers of one report agree.
   * Release it with close() (which leaves this store open). SQLite holds one read transaction for it.
   */
  snapshot(): Promise<EventStoreSnapshot>;
  close(): Promise<void>;
}

/**
 * A store that takes a batch an event at a time, each encoded as it is added: a writer that gathers events
 * into batches then keeps their encoded form (flat bytes outside the JS heap) instead of the events
 * themselves (several kilobytes of objects and string pieces each, which in a long backtest outlived
 * young-generation collections and filled the old generation).
 */
export interface EventEncoding {
  startBatch(): EncodedBatch;
}

export interface EncodedBatch {
  /** Validates and encodes the event like append() would (EventValidationError for a bad one; it is not added). */
  add(event: NewEvent): void;
  /** Events added. */
  readonly length: number;
  /** append() of the events added, in order, with its semantics. Once; add nothing after. */
  append(stream: string, expectedVersion: ExpectedVersion): Promise<AppendResult>;
}

export interface EventStoreSnapshot extends EventStore {
  /** The head the view is bounded at: no read goes past this position. */
  readonly at: { position: number; hash: string };
}

/**
 * Where projection runners keep checkpoints: mutable by nature, so kept beside (not in) the
 * append-only log.
 */
export interface Checkpoint {
  name: string;
  /** The state folds every event up to this global position... */
  position: number;
  /** ...and this is the chain hash of the event at that position (GENESIS_HASH at 0): the chain point it claims. */
  hash: string;
  /** sha256 of `state`. */
  fingerprint: string;
  /** canonicalJson of the projection state. */
  state: string;
  /** HMAC of the rest under the log key (src/events/anchor.ts), when one was set at save time. */
  seal?: string | null;
}

export interface CheckpointStore {
  load(name: string): Promise<Checkpoint | null>;
  save(checkpoint: Checkpoint): Promise<void>;
  /** Names and positions of the saved checkpoints whose name starts with `prefix` (optional: a store may keep none). */
  list?(prefix: string): Promise<Array<{ name: string; position: number }>>;
}

/**
 * A signed head of the hash chain (an anchor): position and hash of the event at that position,
 * signed with the log key (HMAC-SHA256, src/events/anchor.ts). A plain rewrite of the events cannot
 * produce one; verified by `engine doctor` against the chain.
 */
export interface SignedHead {
  position: number;
  hash: string;
  /** Wall-clock time it was written (ISO-8601), covered by the signature. */
  at: string;
  /** hex HMAC-SHA256 over the fields above. */
  mac: string;
}

/** Where signed heads are kept: beside the log, append-only, outside the hash chain. */
export interface AnchorStore {
  add(head: SignedHead): Promise<void>;
  /** Every signed head, oldest first. */
  list(): Promise<SignedHead[]>;
}
