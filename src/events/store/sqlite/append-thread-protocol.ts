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
  /** A BatchEncoder's bytes (encodeBatchBytes(), or a run log's batch encoded as it came), transferred, not copied. */
  batch: Uint8Array;
  expected: ExpectedVersion;
}

// Fields and events are separated by control bytes that JSON text never holds raw (every field is JSON:
// canonical data and metadata, the quoted id and type, the version number) and that UTF-8 never uses inside
// a multi-byte character, so the split is exact. JSON.stringify escapes lone surrogates: every field is
// well-formed UTF-16, so UTF-8 gives back the very same strings.
const FIELD = 0x01;
const EVENT = 0x02;
/** Bytes a UTF-16 code unit can take in UTF-8, at most. */
const MAX_UTF8_PER_UNIT = 3;

/**
 * A prepared batch as UTF-8 bytes outside the JS heap, written an event at a time. Handed to the thread by
 * transfer: no copy, and no batch-sized string (such strings go straight to the old generation, and with
 * a batch's events kept as objects or strings until it was full, they made most of what a long full-mode
 * backtest promoted there).
 */
export class BatchEncoder {
  private bytes: Buffer;
  private used = 0;
  /** Events added so far. */
  count = 0;

  constructor(capacity = 64 * 1024) {
    this.bytes = Buffer.allocUnsafeSlow(Math.max(1024, capacity));
  }

  add(e: PreparedEvent): void {
    const parts = [e.eventIdJson, e.typeJson, String(e.schemaVersion), e.dataJson, e.metadataJson];
    let units = parts.length;
    for (const p of parts) units += p.length;
    this.reserve(units * MAX_UTF8_PER_UNIT);
    if (this.count > 0) this.bytes[this.used++] = EVENT;
    for (let i = 0; i < parts.length; i++) {
      if (i > 0) this.bytes[this.used++] = FIELD;
      this.used += this.bytes.write(parts[i]!, this.used, 'utf8');
    }
    this.count++;
  }

  /** Bytes written so far. */
  get byteLength(): number {
    return this.used;
  }

  /** The batch: a view of memory that owns a buffer of its own, for the transfer list. Add nothing after. */
  finish(): Uint8Array<ArrayBuffer> {
    // allocUnsafeSlow: never a slice of Node's shared pool, nor a SharedArrayBuffer.
    return new Uint8Array(this.bytes.buffer as ArrayBuffer, this.bytes.byteOffset, this.used);
  }

  private reserve(bytes: number): void {
    if (this.used + bytes <= this.bytes.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.bytes.length * 2, this.used + bytes));
    this.bytes.copy(grown, 0, 0, this.used);
    this.bytes = grown;
  }
}

/** A whole prepared batch, for postMessage to transfer rather than clone. */
export function encodeBatchBytes(batch: readonly PreparedEvent[]): Uint8Array<ArrayBuffer> {
  const encoder = new BatchEncoder();
  for (const e of batch) encoder.add(e);
  return encoder.finish();
}

/** On the append thread: each field straight from the bytes (no batch-sized string). */
export function decodeBatchBytes(bytes: Uint8Array): PreparedEvent[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: PreparedEvent[] = [];
  if (buf.length === 0) return out;
  let pos = 0;
  for (;;) {
    const next = buf.indexOf(EVENT, pos);
    const end = next === -1 ? buf.length : next;
    const f1 = buf.indexOf(FIELD, pos);
    const f2 = buf.indexOf(FIELD, f1 + 1);
    const f3 = buf.indexOf(FIELD, f2 + 1);
    const f4 = buf.indexOf(FIELD, f3 + 1);
    if (f1 === -1 || f2 === -1 || f3 === -1 || f4 === -1 || f4 >= end) throw new Error('append thread: a batch event without its five fields');
    const eventIdJson = buf.toString('utf8', pos, f1);
    const typeJson = buf.toString('utf8', f1 + 1, f2);
    out.push({
      eventId: JSON.parse(eventIdJson) as string,
      eventIdJson,
      type: JSON.parse(typeJson) as string,
      typeJson,
      schemaVersion: Number(buf.toString('latin1', f2 + 1, f3)),
      dataJson: buf.toString('utf8', f3 + 1, f4),
      metadataJson: buf.toString('utf8', f4 + 1, end),
    });
    if (next === -1) return out;
    pos = next + 1;
  }
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
