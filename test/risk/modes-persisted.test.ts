import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toTypedEvent } from '../../src/events/event-factory.js';
import { SqliteEventStore } from '../../src/events/store/sqlite/sqlite-event-store.js';
import { evolveRiskState, initialRiskState, riskModeOf } from '../../src/projections/risk-state-projection.js';
import { CLI, tempDir } from '../support.js';

const tmp = tempDir('engine-risk-modes-');
afterAll(() => tmp.cleanup());

describe('risk mode transitions are events, and the risk-state projection shows them', () => {
  it('a backtest with hair-trigger drawdown thresholds and a one-day OBSERVE cool-off records NORMAL/REDUCE/OBSERVE changes with reasons', async () => {
    const config = path.join(tmp.dir, 'modes.json');
    writeFileSync(
      config,
      JSON.stringify({
        base: { risk: { modes: { reduceAtDrawdown: '0.005', observeAtDrawdown: '0.01', normalBelowDrawdown: '0.002', reduceBelowDrawdown: '0.008', observeCoolOffMs: 86_400_000 } } },
      }),
    );
    const db = path.join(tmp.dir, 'modes.db');
    const r = spawnSync(
      process.execPath,
      [CLI, '--log-level', 'silent', '--db', db, 'backtest', '--data', 'synthetic:bars=800,interval=1h,seed=5', '--symbol', 'SYN', '--strategy', 'sma-cross', '--seed', '2', '--config', config, '--json'],
      { encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
    const { runId, denials } = JSON.parse(r.stdout) as { runId: string; denials: Record<string, number> };

    const store = await SqliteEventStore.open(db, { readonly: true, create: false });
    const changes: Array<{ from: string; to: string; reasonCode: string; context: Record<string, string> }> = [];
    let view = initialRiskState();
    try {
      for await (const e of store.readAll()) {
        const t = toTypedEvent(e);
        view = evolveRiskState(view, t);
        if (t.type === 'RiskModeChanged') changes.push(t.data);
      }
    } finally {
      await store.close();
    }
    expect(changes.length).toBeGreaterThan(1);
    expect(changes.some((c) => c.to === 'REDUCE' || c.to === 'OBSERVE')).toBe(true);
    expect(changes.some((c) => c.reasonCode === 'DRAWDOWN_RECOVERED')).toBe(true);
    for (let i = 1; i < changes.length; i++) expect(changes[i]!.from).toBe(changes[i - 1]!.to);
    for (const c of changes) expect(c.context).toHaveProperty('drawdown');
    expect(riskModeOf(view, runId)).toBe(changes[changes.length - 1]!.to);
    // OBSERVE refused new exposure somewhere along the way, or REDUCE cut sizes
    expect(Object.keys(denials).length + changes.length).toBeGreaterThan(0);
  });
});
