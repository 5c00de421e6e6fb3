export { EsdbEventStore, openEsdbStore, isEsdbConnectionString, type EsdbStoreOptions } from './esdb-event-store.js';
export { EsdbCheckpointStore } from './esdb-checkpoint-store.js';
export { EsdbDeadlineExceededError } from './esdb-errors.js';
