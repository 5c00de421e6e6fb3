import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { AnyStoredEvent } from '../../src/events/event-factory.js';
import { SqliteEventStore } from '../../src/events/store/sqlite/sqlite-event-store.js';
import { evolveRiskState, initialRiskState, killSwitchOf, riskModeOf } from '../../src/projections/risk-state-projection.js';
import { evolveRunIndex, initialRunIndexState, listRuns } from '../../src/projections/run-index-projection.js';
import { ProjectionRunner } from '../../src/projections/runner.js';
import { tempDir } from '../support.js';
import { EventLog, runStarted } from './builders.js';
import { buildScenario } from './scenario.js';

describe('risk state view', () => {
  it('keeps the risk mode per run and one global kill switch', () => {
    const log = new EventLog();
    log.add('RiskModeChanged', { from: 'NORMAL', to: 'REDUCE', reasonCode: 'DRAWDOWN_BREACH', context: { drawdown: '0.06' } }, 'a');
    log.add('RiskModeChanged', { from: 'REDUCE', to: 'OBSERVE', reasonCode: 'DRAWDOWN_BREACH', context: { drawdown: '0.11' } }, 'a');
    log.add('KillSwitchEngaged', { reason: 'venue incident', by: 'ops' }, 'b');
    let s = initialRiskState();
    for (const e of log.events) s = evolveRiskState(s, e);
    expect([riskModeOf(s, 'a'), riskModeOf(s, 'b'), riskModeOf(s, 'never-seen')]).toEqual(['OBSERVE', 'NORMAL', 'NORMAL']);
    expect(s.runs.get('a')!.changes).toBe(2);
    expect(killSwitchOf(s)).toMatchObject({ engaged: true, reason: 'venue incident', by: 'ops', position: 3 });
    s = evolveRiskState(s, log.add('KillSwitchReleased', { reason: 'resolved', by: 'ops' }, 'a'));
    expect(killSwitchOf(s)).toMatchObject({ engaged: false, reason: 'resolved', position: 4 });
  });
});

describe('run index', () => {
  it('lists runs in order of appearance with their details and event counts', () => {
    const log = new EventLog();
    log.add('RunStarted', runStarted({ strategy: 'donchian', symbol: 'ETHUSDT' }), 'r1');
    log.add('KillSwitchEngaged', { reason: 'x', by: 'cli' }, 'cli-1');
    log.add('CycleStarted', { cycleSeq: 0, killSwitch: false }, 'r1');
    log.add('CycleCompleted', { cycleSeq: 0, phaseMs: {}, intents: 0, orders: 0 }, 'r1');
    log.add('RunEnded', { reason: 'STOPPED', cycles: 1, detail: 'SIGTERM' }, 'r1');
    let s = initialRunIndexState();
    for (const e of log.events as AnyStoredEvent[]) s = evolveRunIndex(s, e);
    const runs = listRuns(s);
    expect(runs.map((r) => r.runId)).toEqual(['r1', 'cli-1']);
    expect(runs[0]).toMatchObject({
      mode: 'backtest', strategy: 'donchian', symbol: 'ETHUSDT', cycles: 1, events: 4, endReason: 'STOPPED', firstPosition: 1, lastPosition: 5,
      eventsByType: { CycleCompleted: 1, CycleStarted: 1, RunEnded: 1, RunStarted: 1 },
    });
    expect(runs[0]!.startedAt).toBe(log.events[0]!.metadata.at);
    expect(runs[0]!.endedAt).toBe(log.events[4]!.metadata.at);
    expect(runs[1]).toMatchObject({ strategy: null, startedAt: null, events: 1 });
  });
});

describe('runner on a real SQLite file', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  it('checkpoints into the store file, resumes after a reopen, and verifies', async () => {
    const tmp = tempDir('projections-sqlite-');
    cleanup = tmp.cleanup;
    const file = path.join(tmp.dir, 'engine.db');
    const scenario = buildScenario(Array.from({ length: 200 }, (_, i) => ({ op: (i * 41) % 100, a: i * 11, b: i * 17, c: i * 5 })));
    const half = Math.floor(scenario.events.length / 2);

    let store = SqliteEventStore.open(file);
    for (const e of scenario.events.slice(0, half)) await store.append(`run-${e.metadata.runId}`, [e], 'any');
    const first = new ProjectionRunner({ store, checkpoints: store.checkpoints(), checkpointEvery: 25 });
    await first.catchUp();
    await store.close();

    store = SqliteEventStore.open(file);
    for (const e of scenario.events.slice(half)) await store.append(`run-${e.metadata.runId}`, [e], 'any');
    const second = new ProjectionRunner({ store, checkpoints: store.checkpoints(), checkpointEvery: 25 });
    const r = await second.catchUp();
    expect([r.startedFrom, r.fromPosition, r.position]).toEqual(['checkpoint', half, scenario.events.length]);
    const fresh = new ProjectionRunner({ store });
    await fresh.rebuild();
    expect(second.fingerprint()).toBe(fresh.fingerprint());
    expect(await second.verifyCheckpoint()).toMatchObject({ status: 'OK', ok: true, position: scenario.events.length });
    await store.close();
  });
});
