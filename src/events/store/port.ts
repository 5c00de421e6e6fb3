import type { NewEvent, StoredEvent } from '../envelope.js';
import type { ExpectedVersion } from '../errors.js';

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
  /** Delivers stored events from fromPosition, then new ones as they are appended, in global order. */
  subscribeAll(handler: (event: StoredEvent) => void | Promise<void>, options?: SubscribeOptions): Subscription;
  /** Last version of a stream, or 'no_stream'. */
  streamVersion(stream: string): Promise<number | 'no_stream'>;
  /** Last global position (0 for an empty log) and its hash. */
  head(): Promise<{ position: number; hash: string }>;
  /** Streams whose name starts with prefix (e.g. "run-"), in order of first appearance. */
  listStreams(prefix: string): Promise<string[]>;
  close(): Promise<void>;
}

/**
 * Where projection runners keep checkpoints: mutable by nature, so kept beside (not in) the
 * append-only log.
 */
export interface Checkpoint {
  name: string;
  position: number;
  fingerprint: string;
  /** canonicalJson of the projection state. */
  state: string;
}

export interface CheckpointStore {
  load(name: string): Promise<Checkpoint | null>;
  save(checkpoint: Checkpoint): Promise<void>;
}
