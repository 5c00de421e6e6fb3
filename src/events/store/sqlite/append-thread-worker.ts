import { parentPort, workerData } from 'node:worker_threads';
import { SqliteEventStore } from './sqlite-event-store.js';
import { decodeBatchBytes } from '../encoded-batch.js';
import { serializeStoreError, type AppendReply, type AppendRequest } from './append-thread-protocol.js';

/**
 * The append thread (./append-thread.ts): its own connection to the database file, on which it writes the
 * batches it is sent, in the order they come, and answers each with its result or its error.
 */
if (parentPort) {
  const port = parentPort;
  const { path } = workerData as { path: string };
  let store: SqliteEventStore | null = null;
  let openError: unknown = null;
  try {
    // The opening thread checked the pages and created the schema before starting this one.
    store = SqliteEventStore.open(path, { create: false, checkPagesOnOpen: false });
  } catch (err) {
    openError = err;
  }
  port.on('message', (m: AppendRequest | { kind: 'close' }) => {
    if (m.kind === 'close') {
      store?.close().finally(() => port.close());
      return;
    }
    let reply: AppendReply;
    try {
      if (store === null) throw openError;
      reply = { id: m.id, result: store.appendPrepared(m.stream, decodeBatchBytes(m.batch), m.expected) };
    } catch (err) {
      reply = { id: m.id, error: serializeStoreError(err) };
    }
    port.postMessage(reply);
  });
}
