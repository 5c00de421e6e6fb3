import { UsageError } from './errors.js';

/**
 * What protects a log beyond its hash chain, as the environment configures it (only src/cli reads it):
 * - ENGINE_LOG_KEY: keys the signed heads (HMAC-SHA256) written every ANCHOR_EVERY_EVENTS appended
 *   events and when a command that appended closes the store, and the seals of projection checkpoints;
 *   `engine doctor` verifies them when it is set, and calls them unverifiable when it is not.
 * - ENGINE_LOG_WITNESS: a file elsewhere to which the same heads are appended, one JSON line each, so
 *   a log cut short shows even without the key (`engine doctor --witness FILE` reads another one).
 */
export interface LogIntegrity {
  key: string | null;
  witness: string | null;
  /** Appended events between two signed heads. */
  anchorEvery: number;
}

export const ANCHOR_EVERY_EVENTS = 10_000;
/** An HMAC key shorter than this is a mistake (a password typed by hand), not a key. */
const MIN_KEY_LENGTH = 16;

export const NO_LOG_INTEGRITY: LogIntegrity = { key: null, witness: null, anchorEvery: ANCHOR_EVERY_EVENTS };

export function logIntegrityFromEnv(env: NodeJS.ProcessEnv = process.env): LogIntegrity {
  const key = env.ENGINE_LOG_KEY ?? '';
  if (key !== '' && key.length < MIN_KEY_LENGTH) {
    throw new UsageError(`ENGINE_LOG_KEY is ${key.length} characters: use at least ${MIN_KEY_LENGTH} (e.g. 32 random bytes as hex: openssl rand -hex 32)`);
  }
  const witness = env.ENGINE_LOG_WITNESS ?? '';
  return { key: key === '' ? null : key, witness: witness === '' ? null : witness, anchorEvery: ANCHOR_EVERY_EVENTS };
}
