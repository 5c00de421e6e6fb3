export * from './schema.js';
export * from './errors.js';
export * from './profiles.js';
export * from './overrides.js';
export { deepMerge } from './merge.js';
export * from './slo-thresholds.js';
