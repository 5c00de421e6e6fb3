import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultEngineConfig } from '../../src/engine/config/schema.js';
import { StrategyDriver } from '../../src/engine/cycle/intent-source.js';
import type { CycleState } from '../../src/engine/cycle/state.js';
import { resumeRun } from '../../src/engine/live/resume.js';
import { createRiskPolicy } from '../../src/engine/risk/index.js';
import { createStrategy } from '../../src/engine/strategies/index.js';
import { randomFaults } from '../../src/engine/venues/fault-injection/fault-plan.js';
import seedrandom from 'seedrandom';
import { tempDir } from '../support.js';
import { type World, expectAgreement, run, runEvents, world } from './harness.js';

/**
 * A resumed engine must be the engine that never stopped: folding a run's events (resumeRun) gives
 * back the state the live loop held at the end: account, fills seen, risk state (peak, day, mode,
 * escalations), the orders still live and the strategy's state.
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

function comparable(s: CycleState) {
  return {
    account: Object.fromEntries(Object.entries(s.account).map(([k, v]) => [k, v.toFixed()])),
    risk: { ...s.risk, peakEquity: s.risk.peakEquity.toFixed(), dayStartEquity: s.risk.dayStartEquity.toFixed(), killSwitch: false },
    seenFillIds: [...s.seenFillIds].sort(),
    liveOrders: [...s.liveOrders.keys()].sort(),
  };
}

describe('resume rebuilds the live state from the log', () => {
  for (const seed of ['a', 'b', 'c']) {
    it(`a faulty 40-cycle run (seed ${seed}): the fold equals the loop's own state`, async () => {
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
      const strategy = createStrategy('sma-cross', { fast: '1', slow: '2', atr: '1' });
      const config = defaultEngineConfig();
      const result = await run(w, { cycles: 40, strategy });
      const events = await runEvents(w.store);
      expect(events.filter((e) => e.type === 'OrderSubmitRequested').length).toBeGreaterThan(3);
      const driver = new StrategyDriver(strategy);
      const resumed = resumeRun('live-test', events, createRiskPolicy(config.risk), driver);
      expect(comparable(resumed.state)).toEqual(comparable(result.state));
      // The next cycle number is past every cycle id in the log (the close-down pass may have recorded nothing).
      const highest = Math.max(...events.map((e) => Number(/:c(\d+)$/.exec(e.metadata.cycleId ?? '')?.[1] ?? 0)));
      expect(resumed.lastCycleSeq).toBe(highest);
      expect(highest).toBeGreaterThanOrEqual(result.lastCycleSeq - 1);
      // Without queries-fail (whose fills the venue withholds) the log and the venue agree.
      if (!events.some((e) => e.type === 'UnknownOrderEscalated')) expect(await expectAgreement(w)).toEqual([]);
    });
  }
});
