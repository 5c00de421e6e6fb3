import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/events/canonical.js';
import type { PreparedEvent } from '../../src/events/store/batch.js';
import { BatchEncoder, decodeBatchBytes, encodeBatchBytes } from '../../src/events/store/encoded-batch.js';
import { deserializeStoreError, serializeStoreError } from '../../src/events/store/sqlite/append-thread-protocol.js';
import { ExpectedVersionConflictError, IdempotencyConflictError, StoreDamagedError, StoreUnavailableError } from '../../src/events/errors.js';

// Any JSON value, including strings with the control characters the encoding joins fields with.
const json = fc.jsonValue().map((v) => canonicalJson(v));
const prepared: fc.Arbitrary<PreparedEvent> = fc
  .record({ eventId: fc.string({ unit: 'binary', minLength: 1 }), type: fc.string({ unit: 'binary', minLength: 1 }), schemaVersion: fc.integer({ min: 1, max: 9 }), dataJson: json, metadataJson: json })
  .map((e) => ({ ...e, eventIdJson: JSON.stringify(e.eventId), typeJson: JSON.stringify(e.type) }));

describe('the append thread protocol', () => {
  it('a batch crosses as UTF-8 bytes, transferred, and comes back field for field (lone surrogates in ids and JSON included)', () => {
    fc.assert(
      fc.property(fc.array(prepared, { maxLength: 20 }), (batch) => {
        const bytes = encodeBatchBytes(batch);
        // Through a real structured clone with the buffer transferred, as between threads.
        const moved = structuredClone(bytes, { transfer: [bytes.buffer] });
        expect(bytes.buffer.byteLength).toBe(0);
        expect(decodeBatchBytes(moved)).toEqual(batch);
      }),
      { numRuns: 300 },
    );
  });

  it('an encoder that outgrows its room many times over writes the same bytes, and they survive a transfer', () => {
    const long = fc.string({ unit: 'binary', maxLength: 3000 }).map((s) => canonicalJson({ s }));
    const big = prepared.chain((e) => long.map((dataJson) => ({ ...e, dataJson })));
    fc.assert(
      fc.property(fc.array(big, { minLength: 1, maxLength: 12 }), (batch) => {
        const small = new BatchEncoder(1);
        for (const e of batch) small.add(e);
        expect(small.count).toBe(batch.length);
        const bytes = small.finish();
        expect(Buffer.from(bytes)).toEqual(Buffer.from(encodeBatchBytes(batch)));
        // As between threads: the memory moves, the receiver decodes its own view of it.
        const moved = structuredClone(bytes, { transfer: [bytes.buffer] });
        expect(bytes.byteLength).toBe(0);
        expect(decodeBatchBytes(moved)).toEqual(batch);
      }),
      { numRuns: 100 },
    );
  });

  it('refuses bytes that are not a batch instead of guessing fields', () => {
    expect(decodeBatchBytes(new Uint8Array(0))).toEqual([]);
    expect(() => decodeBatchBytes(Buffer.from('"id"\u0001"T"\u00011'))).toThrow(/five fields/);
  });

  it('errors come back as the same class, fields and message', () => {
    const errors = [
      new ExpectedVersionConflictError('run-x', 4, 7),
      new ExpectedVersionConflictError('run-x', 'no_stream', 0),
      new IdempotencyConflictError('run-x', ['a', 'b']),
      new StoreDamagedError('/tmp/x.db', 'page 7 unreadable', 'append to "run-x"'),
      new StoreUnavailableError('database or disk is full (append to "run-x")'),
    ];
    for (const err of errors) {
      // Through a real structured clone, as between threads.
      const back = deserializeStoreError(structuredClone(serializeStoreError(err)));
      expect(back).toBeInstanceOf(err.constructor);
      expect(back.message).toBe(err.message);
      expect({ ...back }).toEqual({ ...err });
    }
  });
});
