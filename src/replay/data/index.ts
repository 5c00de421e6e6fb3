export type { BarSource, BarSourceOptions, DataScan } from './bar-source.js';
export { batchesOf } from './bar-source.js';
export { openBarSource } from './open-bar-source.js';
export { DataError } from './data-error.js';
export { formatInterval, parseInterval } from './interval.js';
export { BarHasher } from './bar-hasher.js';
export { checkBar } from './bar-rules.js';
export { SYNTHETIC_DEFAULTS } from './synthetic/synthetic-spec.js';
