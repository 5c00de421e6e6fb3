import { MemoryEventStore } from '../../src/events/store/memory/memory-event-store.js';
import { describeStoreContract } from './contract.js';

describeStoreContract('MemoryEventStore', async () => ({ store: new MemoryEventStore(), cleanup: async () => undefined }));
