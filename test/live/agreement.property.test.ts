import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createStrategy } from '../../src/engine/strategies/index.js';
import { type Fault, randomFaults } from '../../src/engine/venues/fault-injection/fault-plan.js';
import seedrandom from 'seedrandom';
import { tempDir } from '../support.js';
import { expectAgreement, projected, run, world } from './harness.js';

/**
 * Whatever the venue does (any mix of the faults the reconciler can resolve, at any rate), a run ends
 * with the log and the venue in agreement: the same orders, the same filled quantities, no client order
 * id twice at the venue, the position equal to the venue's balance, and no order left unresolved.
 */
const MENU: Fault[] = [
  { kind: 'timeout-after-accept' },
  { kind: 'timeout-before-accept' },
  { kind: 'rate-limited', times: 2, retryAfterMs: 150 },
  { kind: 'lost-ack', hiddenQueries: 1 },
  { kind: 'lost-ack', hiddenQueries: 2 },
  { kind: 'never-visible' },
  { kind: 'duplicate-fills', copies: 3 },
];

describe('log and venue agree under random faults', () => {
  it('for any seed, fault rate and participation cap', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1, maxLength: 8 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.constantFrom(null, '0.05', '0.3'),
        async (seed, rate, cap) => {
          const tmp = tempDir('engine-agree-');
          const w = world({ dir: tmp.dir, participationCap: cap, faults: randomFaults(seedrandom.alea(seed), rate, MENU) });
          try {
            await run(w, { cycles: 30, strategy: createStrategy('sma-cross', { fast: '1', slow: '2', atr: '1' }) });
            expect(await expectAgreement(w)).toEqual([]);
            const { orders } = await projected(w.store);
            for (const o of orders) expect(['REQUESTED', 'UNKNOWN', 'THROTTLED', 'ESCALATED']).not.toContain(o.status);
          } finally {
            await w.store.close();
            tmp.cleanup();
          }
        },
      ),
      { numRuns: 12, seed: 5 },
    );
  });
});
