import path from 'node:path';
import { SqliteEventStore } from '../../src/events/store/sqlite/sqlite-event-store.js';
import { tempDir } from '../support.js';
import { describeStoreContract } from './contract.js';

describeStoreContract('SqliteEventStore', async () => {
  const tmp = tempDir('store-contract-');
  const store = SqliteEventStore.open(path.join(tmp.dir, 'events.db'));
  return { store, cleanup: async () => tmp.cleanup() };
});
