import type { ExpectedVersion } from '../errors.js';
import { prepareEvent, type PreparedEvent } from './batch.js';
import type { AppendResult, EventEncoding } from './port.js';

/**
 * Prepared events (./batch.ts: validated, their JSON made) as UTF-8 bytes outside the JS heap, for another
 * thread of this process to write without validating or encoding them again: a store's append thread
 * (./sqlite/append-thread.ts), or a sweep's writer receiving a worker's batches (EventStore.appendEncoded).
 */
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
    if (f1 === -1 || f2 === -1 || f3 === -1 || f4 === -1 || f4 >= end) throw new Error('encoded batch: an event without its five fields');
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

/**
 * An EventEncoding whose batches are BatchEncoders: each event validated and encoded as it is added
 * (prepareEvent: EventValidationError for a bad one, which is not added), the bytes handed to `send` once.
 */
export function batchEncoding(send: (stream: string, batch: Uint8Array<ArrayBuffer>, expectedVersion: ExpectedVersion) => Promise<AppendResult>): EventEncoding {
  /** The size of the last batch: the next one starts with room for about as much. */
  let lastBatchBytes = 0;
  return {
    startBatch: () => {
      const encoder = new BatchEncoder(lastBatchBytes + (lastBatchBytes >> 2));
      let sent = false;
      return {
        add: (event) => encoder.add(prepareEvent(event)),
        get length() {
          return encoder.count;
        },
        append: async (stream, expectedVersion) => {
          if (sent) throw new Error('an encoded batch is appended once');
          sent = true;
          lastBatchBytes = encoder.byteLength;
          return send(stream, encoder.finish(), expectedVersion);
        },
      };
    },
  };
}
