import { clientOrderIdFor, eventIdFor, intentIdFor } from '../ids.js';
import type { Ids } from '../ports.js';

/** Hands the cycle an Ids port scoped to one cycle: ids derive from (run, cycle, sequence). */
export interface CycleIdsFactory {
  forCycle(cycleSeq: number): Ids;
}

/** kinds: 'event' -> run:cycle:n, 'intent' -> run:cycle:iN, 'order' -> run-cycle-N (client order id). */
export function runScopedIds(runId: string): CycleIdsFactory {
  return {
    forCycle(cycleSeq: number): Ids {
      const counters: Record<string, number> = {};
      return {
        next(kind: string): string {
          const n = (counters[kind] ?? 0) + 1;
          counters[kind] = n;
          if (kind === 'event') return eventIdFor(runId, cycleSeq, n);
          if (kind === 'intent') return intentIdFor(runId, cycleSeq, n);
          if (kind === 'order') return clientOrderIdFor(runId, cycleSeq, n);
          return `${runId}:${cycleSeq}:${kind}${n}`;
        },
      };
    },
  };
}
