import {
  EventValidationError,
  ExpectedVersionConflictError,
  IdempotencyConflictError,
  StoreDamagedError,
  StoreOpenError,
  StoreUnavailableError,
  type ExpectedVersion,
} from '../../errors.js';
import type { PreparedEvent } from '../batch.js';
import type { AppendResult } from '../port.js';

/** What crosses between a store and its append thread (./append-thread.ts). */
export interface AppendRequest {
  kind: 'append';
  id: number;
  stream: string;
  /** encodeBatchBytes() of the prepared batch (transferred, not copied). */
  batch: Uint8Array;
  expected: ExpectedVersion;
}

// Fields and events are joined with control characters that JSON text never holds raw (every field is JSON:
// canonical data and metadata, the quoted id and type, the version number), so the split is exact.
const FIELD = '\u0001';
const EVENT = '\u0002';

/**
 * A prepared batch as one string: cloning one string to another thread costs a copy, cloning an array of
 * objects of strings costs several times more (it was a tenth of a full-mode backtest's main thread).
 */
export function encodeBatch(batch: readonly PreparedEvent[]): string {
  let out = '';
  for (let i = 0; i < batch.length; i++) {
    const e = batch[i]!;
    if (i > 0) out += EVENT;
    out += e.eventIdJson + FIELD + e.typeJson + FIELD + e.schemaVersion + FIELD + e.dataJson + FIELD + e.metadataJson;
  }
  return out;
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/**
 * encodeBatch() as UTF-8 in a buffer of its own, for postMessage to transfer rather than clone. The string is a
 * rope of every event's pieces: cloning it flattens and copies it inside postMessage, about 2.5 ms a batch of
 * 500 bars on the main thread; encoding it is about 1 ms, and the transfer moves no bytes. The thread that
 * writes the batch, which has time to spare, decodes it.
 */
export function encodeBatchBytes(batch: readonly PreparedEvent[]): Uint8Array<ArrayBuffer> {
  const text = encodeBatch(batch);
  // Into a buffer made here: TextEncoder.encode()'s own buffers cost about 1 ms each to transfer (measured in a
  // full-mode year), a plain new one a few microseconds. Batches are mostly ASCII (a byte a character); UTF-8
  // takes at most three bytes a UTF-16 unit.
  let bytes = new Uint8Array(text.length);
  let { read, written } = utf8.encodeInto(text, bytes);
  if (read < text.length) {
    bytes = new Uint8Array(text.length * 3);
    ({ read, written } = utf8.encodeInto(text, bytes));
  }
  return bytes.subarray(0, written);
}

export function decodeBatchBytes(bytes: Uint8Array): PreparedEvent[] {
  return decodeBatch(fromUtf8.decode(bytes));
}

export function decodeBatch(text: string): PreparedEvent[] {
  if (text === '') return [];
  return text.split(EVENT).map((line) => {
    const [eventIdJson, typeJson, version, dataJson, metadataJson] = line.split(FIELD) as [string, string, string, string, string];
    return { eventId: JSON.parse(eventIdJson) as string, eventIdJson, type: JSON.parse(typeJson) as string, typeJson, schemaVersion: Number(version), dataJson, metadataJson };
  });
}

export type AppendReply = { id: number; result: AppendResult; error?: undefined } | { id: number; error: SerializedError; result?: undefined };

/** A thrown error as plain data: structured cloning keeps neither the class nor the fields the CLI maps to exit codes. */
export interface SerializedError {
  name: string;
  message: string;
  fields: Record<string, unknown>;
}

export function serializeStoreError(err: unknown): SerializedError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(err)) if (k !== 'name' && k !== 'message' && k !== 'cause') fields[k] = v;
  return { name: err.name, message: err.message, fields };
}

/** The typed error the store's own thread would have thrown (same class, fields and message). */
export function deserializeStoreError(e: SerializedError): Error {
  const f = <T>(k: string): T => e.fields[k] as T;
  switch (e.name) {
    case 'ExpectedVersionConflictError':
      return new ExpectedVersionConflictError(f<string>('stream'), f<ExpectedVersion>('expected'), f<number | 'no_stream'>('actual'));
    case 'IdempotencyConflictError':
      return new IdempotencyConflictError(f<string>('stream'), f<string[]>('eventIds'));
    case 'EventValidationError':
      return new EventValidationError(f<string>('eventType'), f<string>('eventId'), f<string>('detail'));
    case 'StoreDamagedError':
      return new StoreDamagedError(f<string>('target'), f<string>('detail'), f<string | null>('where'));
    case 'StoreOpenError':
      return new StoreOpenError(f<string>('target'), f<string>('detail'));
    case 'StoreUnavailableError':
      return new StoreUnavailableError(e.message.replace(/^event store unavailable: /, ''));
    default: {
      const err = new Error(e.message);
      err.name = e.name;
      return err;
    }
  }
}
