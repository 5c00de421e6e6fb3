import path from 'node:path';
import type { NewEvent } from '../../src/events/envelope.js';
import type { ExpectedVersion } from '../../src/events/errors.js';
import { ForwardingEventStore } from '../../src/events/store/forwarding-store.js';
import type { AppendResult } from '../../src/events/store/port.js';
import { AppendThreadStore } from '../../src/events/store/sqlite/append-thread.js';
import { SqliteEventStore } from '../../src/events/store/sqlite/sqlite-event-store.js';
import { tempDir } from '../support.js';
import { describeStoreContract } from './contract.js';

// The same contract as every adapter: appends on their own thread change nothing a caller can observe.
describeStoreContract('AppendThreadStore (SQLite, appends on a thread of their own)', async () => {
  const tmp = tempDir('append-thread-contract-');
  const file = path.join(tmp.dir, 'events.db');
  const store = new AppendThreadStore(SqliteEventStore.open(file), file);
  return { store, cleanup: async () => tmp.cleanup() };
});

/** Every append made as a run log makes it: an encoded batch, each event added as it comes. */
class EncodedAppends extends ForwardingEventStore<AppendThreadStore> {
  constructor(inner: AppendThreadStore) {
    super(inner);
  }

  override async append(stream: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult> {
    const batch = this.inner.encoding.startBatch();
    for (const e of events) batch.add(e);
    return batch.append(stream, expectedVersion);
  }
}

// And again with every batch encoded an event at a time: the same contract, so the same log.
describeStoreContract('AppendThreadStore, batches encoded an event at a time', async () => {
  const tmp = tempDir('append-thread-encoded-contract-');
  const file = path.join(tmp.dir, 'events.db');
  const store = new EncodedAppends(new AppendThreadStore(SqliteEventStore.open(file), file));
  return { store, cleanup: async () => tmp.cleanup() };
});
