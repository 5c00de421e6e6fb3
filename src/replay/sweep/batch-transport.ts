import { CURRENT_SCHEMA_VERSION, isEventType } from '../../events/catalog.js';
import type { NewEvent } from '../../events/envelope.js';
import type { ExpectedVersion } from '../../events/errors.js';
import { createEvent } from '../../events/event-factory.js';
import { prepareBatch } from '../../events/store/batch.js';
import { batchEncoding, decodeBatchBytes, encodeBatchBytes } from '../../events/store/encoded-batch.js';
import type { AppendResult, EventStore } from '../../events/store/port.js';

/**
 * How a sweep's batches cross from a worker thread to the writer. The worker validates and encodes each
 * event as its run log takes it (prepareEvent into a BatchEncoder: flat bytes, not objects that would live
 * until the batch is full and fill the old generation), and the bytes are transferred, not copied. The
 * writer hands them to its store as they are when the store can take them (appendEncoded: SQLite writes
 * them without validating or encoding again, as its append thread does); any other store gets the events
 * made again with createEvent(). What is stored is the same canonical JSON either way
 * (test/backtest/sweep-batch-transport.test.ts, test/backtest/sweep.test.ts).
 */

/** The worker's side: a store whose batches are encoded as their events come, `send` handing each over. */
export function encodingSender(send: (stream: string, batch: Uint8Array<ArrayBuffer>, expected: ExpectedVersion) => Promise<AppendResult>) {
  return {
    ...batchEncoding(send),
    /** A batch of events at once (a writer that does not use the encoding). */
    append: async (stream: string, events: readonly NewEvent[], expected: ExpectedVersion) => send(stream, encodeBatchBytes(prepareBatch(stream, events)), expected),
  };
}

/** The writer's side: one batch a worker encoded, into the store. */
export function appendEncodedBatch(store: EventStore, stream: string, batch: Uint8Array, expected: ExpectedVersion): Promise<AppendResult> {
  if (store.appendEncoded) return store.appendEncoded(stream, batch, expected);
  return store.append(stream, eventsOfEncoded(batch), expected);
}

/** The events of an encoded batch, made (and so validated) again: a store without appendEncoded validates what it is given. */
export function eventsOfEncoded(batch: Uint8Array): NewEvent[] {
  return decodeBatchBytes(batch).map((e) => {
    const data = JSON.parse(e.dataJson) as unknown;
    const metadata = JSON.parse(e.metadataJson) as NewEvent['metadata'];
    // createEvent() makes the current version (its canonical JSON recorded, the store's trusted path);
    // an older version is handed over as given, and the store validates it at that version.
    if (isEventType(e.type) && e.schemaVersion === CURRENT_SCHEMA_VERSION[e.type]) return createEvent(e.type, e.eventId, data as never, metadata);
    return { eventId: e.eventId, type: e.type, schemaVersion: e.schemaVersion, data, metadata } as NewEvent;
  });
}
