import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunState } from '../../src/engine/decider/index.js';
import { liveDecider } from '../../src/engine/live/live-run.js';
import { createStrategy } from '../../src/engine/strategies/index.js';
import { randomFaults } from '../../src/engine/venues/fault-injection/fault-plan.js';
import seedrandom from 'seedrandom';
import { tempDir } from '../support.js';
import { type World, expectAgreement, liveOptions, run, runEvents, world } from './harness.js';

/**
 * A resumed engine must be the engine that never stopped: the fold of a run's events (what a restarted
 * process computes, `events.reduce(evolve)`) equals the state the driver held at the end: account,
 * positions, fills seen, risk state (peak, day, mode, escalations), every order and the strategy's state.
 */
let tmp: ReturnType<typeof tempDir>;
let w: World;
beforeEach(() => {
  tmp = tempDir('engine-resume-');
});
afterEach(async () => {
  await w?.store.close();
  tmp.cleanup();
});

/** The durable part of a run state, comparable with toEqual (the open cycle's counters are not part of the fold). */
export function durable(s: RunState) {
  return {
    armed: s.armed,
    ended: s.ended,
    account: { cash: s.account.cash.toFixed(), reserve: s.account.reserve.toFixed(), otherFees: s.account.otherFees },
    positions: JSON.parse(JSON.stringify(s.positions)),
    marks: JSON.parse(JSON.stringify(s.marks)),
    risk: JSON.parse(JSON.stringify(s.risk)),
    orders: JSON.parse(JSON.stringify(s.orders.toJS())),
    activeOrderIds: [...s.activeOrderIds],
    fillIds: s.fillIds.toArray().sort(),
    strategyState: JSON.parse(JSON.stringify(s.strategyState)),
  };
}

describe('resume is the fold of the run events', () => {
  for (const seed of ['a', 'b', 'c']) {
    it(`a faulty 40-cycle run (seed ${seed}): the fold of its log equals the state the driver ended with`, async () => {
      const rng = seedrandom.alea(seed);
      w = world({
        dir: tmp.dir,
        participationCap: '0.3',
        faults: randomFaults(rng, 0.6, [
          { kind: 'timeout-after-accept' },
          { kind: 'timeout-before-accept' },
          { kind: 'rate-limited', times: 1, retryAfterMs: 100 },
          { kind: 'lost-ack', hiddenQueries: 1 },
          { kind: 'duplicate-fills', copies: 2 },
          { kind: 'queries-fail' },
        ]),
      });
      const options = { cycles: 40, strategy: createStrategy('sma-cross', { fast: '1', slow: '2', atr: '1' }) };
      const result = await run(w, options);
      const events = await runEvents(w.store);
      expect(events.filter((e) => e.type === 'OrderSubmitRequested').length).toBeGreaterThan(3);
      const folded = liveDecider(liveOptions(w, options)).fold(events as never);
      expect(durable(folded)).toEqual(durable(result.state));
      // The next cycle number is past every cycle id in the log (a pass that recorded nothing leaves no trace).
      const highest = Math.max(...events.map((e) => Number(/:c(\d+)$/.exec(e.metadata.cycleId ?? '')?.[1] ?? 0)));
      expect(folded.lastCycleSeq).toBe(highest);
      expect(highest).toBeLessThanOrEqual(result.lastCycleSeq);
      // Without queries-fail (whose fills the venue withholds) the log and the venue agree.
      if (!events.some((e) => e.type === 'UnknownOrderEscalated')) expect(await expectAgreement(w)).toEqual([]);
    });
  }
});
