import path from 'node:path';
import type { NewEvent } from '../../src/events/envelope.js';
import type { ExpectedVersion } from '../../src/events/errors.js';
import { prepareBatch } from '../../src/events/store/batch.js';
import { encodeBatchBytes } from '../../src/events/store/encoded-batch.js';
import { ForwardingEventStore } from '../../src/events/store/forwarding-store.js';
import type { AppendResult } from '../../src/events/store/port.js';
import { SqliteEventStore } from '../../src/events/store/sqlite/sqlite-event-store.js';
import { tempDir } from '../support.js';
import { describeStoreContract } from './contract.js';

describeStoreContract('SqliteEventStore', async () => {
  const tmp = tempDir('store-contract-');
  const store = SqliteEventStore.open(path.join(tmp.dir, 'events.db'));
  return { store, cleanup: async () => tmp.cleanup() };
});

/** Every append made as a run log makes it (an encoded batch, each event added as it comes), or as a sweep's writer does (bytes another thread encoded). */
class EncodedAppends extends ForwardingEventStore<SqliteEventStore> {
  constructor(
    inner: SqliteEventStore,
    private readonly how: 'encoding' | 'bytes',
  ) {
    super(inner);
  }

  override async append(stream: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult> {
    if (this.how === 'bytes') return this.inner.appendEncoded(stream, encodeBatchBytes(prepareBatch(stream, events)), expectedVersion);
    const batch = this.inner.encoding.startBatch();
    for (const e of events) batch.add(e);
    return batch.append(stream, expectedVersion);
  }
}

// The same contract whichever way a batch is encoded: the same log.
for (const how of ['encoding', 'bytes'] as const) {
  describeStoreContract(`SqliteEventStore, batches ${how === 'encoding' ? 'encoded an event at a time' : 'encoded on another thread (appendEncoded)'}`, async () => {
    const tmp = tempDir('store-contract-encoded-');
    const store = new EncodedAppends(SqliteEventStore.open(path.join(tmp.dir, 'events.db')), how);
    return { store, cleanup: async () => tmp.cleanup() };
  });
}
