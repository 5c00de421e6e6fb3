/**
 * Faults the fault-injecting venue can play, each named after what happens at the venue, so a
 * scenario reads as the incident it rehearses.
 */
export type Fault =
  /** The venue took the order, then the answer was lost: the order exists. */
  | { kind: 'timeout-after-accept' }
  /** The request died before the venue saw it: the order does not exist. */
  | { kind: 'timeout-before-accept' }
  /** HTTP 429 with Retry-After, `times` times, then the venue behaves. Nothing is created by a 429. */
  | { kind: 'rate-limited'; times: number; retryAfterMs: number }
  /** The venue took the order, the ack was lost, and it stays invisible to queries for `hiddenQueries` lookups. */
  | { kind: 'lost-ack'; hiddenQueries: number }
  /** The submit timed out and the order never reached the venue; every lookup says not found. */
  | { kind: 'never-visible' }
  /** The order exists, but every lookup of it fails (venue API degraded): only escalation is left. */
  | { kind: 'queries-fail' }
  /** Each fill of this order is reported `copies` times. */
  | { kind: 'duplicate-fills'; copies: number };

/** Which fault hits which submission: by submission index (0-based) at this venue. */
export interface FaultPlan {
  faultFor(submissionIndex: number): Fault | null;
}

export const NO_FAULTS: FaultPlan = { faultFor: () => null };

/** A plan from an explicit script: { 0: fault, 3: fault }. */
export function scriptedFaults(script: Record<number, Fault>): FaultPlan {
  return { faultFor: (i) => script[i] ?? null };
}

/** A seeded plan: each submission draws a fault with probability `rate` from `menu`. */
export function randomFaults(next: () => number, rate: number, menu: readonly Fault[]): FaultPlan {
  const drawn = new Map<number, Fault | null>();
  return {
    faultFor(i) {
      if (!drawn.has(i)) {
        const hit = menu.length > 0 && next() < rate;
        drawn.set(i, hit ? menu[Math.floor(next() * menu.length)]! : null);
      }
      return drawn.get(i) ?? null;
    },
  };
}
