export * from './envelope.js';
export * from './catalog.js';
export * from './canonical.js';
export * from './decimal-string.js';
export * from './errors.js';
export * from './event-factory.js';
export * from './hash-chain.js';
export * from './upcasting.js';
export type * from './store/port.js';
