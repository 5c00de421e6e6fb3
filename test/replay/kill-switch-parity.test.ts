import { afterAll, expect, it } from 'vitest';
import { changeKillSwitch } from '../../src/engine/risk/kill-switch.js';
import { NO_FAULTS } from '../../src/engine/venues/fault-injection/fault-plan.js';
import { engine } from '../backtest/cli-support.js';
import { tempDir } from '../support.js';
import { START, runDrill } from '../drills/drill-harness.js';

/**
 * The kill switch lives in its own stream, outside the run: an operator engages it while the run goes.
 * A replay must see it exactly when the run did (by the log's global order), or it would re-derive
 * approvals where the run denied with KILL_SWITCH.
 */
const tmp = tempDir('engine-replay-ks-');
afterAll(() => tmp.cleanup());

it('a run that met the kill switch replays to PARITY, KILL_SWITCH denials included', async () => {
  const d = await runDrill({
    dir: tmp.dir,
    name: 'ks',
    cycles: 60,
    faults: NO_FAULTS,
    config: { strategy: { name: 'sma-cross', params: { fast: 2, slow: 3, atr: 2 } }, risk: { rateLimit: null }, live: { intervalMs: 1000, sim: { seed: 'ks-walk', volatility: 0.003 } } },
    between: async (store, now) => {
      const change = now === START + 15_000 ? 'engage' : now === START + 40_000 ? 'release' : null;
      if (change === null) return;
      const at = new Date(now).toISOString();
      await changeKillSwitch(store, { action: change, reason: 'drill', by: 'test', eventId: `ks-${change}`, metadata: { runId: 'operator', mode: 'live', cycleId: null, causationId: null, at } });
    },
  });
  const denied = d.events.filter((e) => e.type === 'RiskDecisionMade' && e.data.reasonCode === 'KILL_SWITCH');
  expect(denied.length).toBeGreaterThan(0);
  const r = await engine(['replay', '--run', d.runId, '--json', '--db', d.db]);
  expect(r.code, r.stdout).toBe(0);
  expect(JSON.parse(r.stdout).verdict).toBe('PARITY');
});
