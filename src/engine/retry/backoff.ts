import type { Random } from '../ports.js';

/**
 * Delay before retrying a submit (which reuses the same client order id). Exponential backoff with
 * "full jitter" drawn from the seeded Random port, so a replay waits the same; a venue's Retry-After
 * (HTTP 429) is a floor, never shortened by jitter.
 */
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
  maxAttempts: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 200, capMs: 10_000, maxAttempts: 5 };

/** attempt: the attempt that just failed, 1-based. Returns ms to wait before attempt + 1. */
export function backoffDelayMs(attempt: number, random: Random, policy: BackoffPolicy = DEFAULT_BACKOFF, retryAfterMs?: number): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  const jittered = Math.floor(random.next() * ceiling);
  return Math.max(jittered, retryAfterMs ?? 0);
}

export function mayRetry(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF): boolean {
  return attempt < policy.maxAttempts;
}
