import path from 'node:path';
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
