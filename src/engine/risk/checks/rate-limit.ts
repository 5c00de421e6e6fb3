import type { Denial } from './types.js';

/** Orders submitted in the window (now - windowMs, now]. */
export function ordersInWindow(times: readonly number[], now: number, windowMs: number): number {
  let n = 0;
  for (const t of times) if (t > now - windowMs && t <= now) n++;
  return n;
}

/** Too many orders in the sliding window: refused whatever they are, to protect the venue and us. */
export function checkRateLimit(
  limit: { maxOrders: number; windowMs: number } | null,
  now: number,
  recentOrderTimes: readonly number[],
): Denial | null {
  if (limit === null) return null;
  const n = ordersInWindow(recentOrderTimes, now, limit.windowMs);
  if (n < limit.maxOrders) return null;
  return { code: 'RATE_LIMIT', context: { ordersInWindow: String(n), limit: String(limit.maxOrders), windowMs: String(limit.windowMs) } };
}
