import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toTypedEvent } from '../../src/events/event-factory.js';
import { SqliteEventStore } from '../../src/events/store/sqlite/sqlite-event-store.js';
import { CLI, tempDir } from '../support.js';

const tmp = tempDir('engine-risk-backtest-');
afterAll(() => tmp.cleanup());

function engine(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, '--log-level', 'silent', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const DATA = 'synthetic:bars=600,interval=1h,seed=3';

describe('engine backtest --config: the configured risk policy decides', () => {
  it('tight limits deny entries; counts by reason code appear in the summary and in --json; the log says why', async () => {
    const config = path.join(tmp.dir, 'tight.json');
    // room of 5 per cycle is below the 10 minimum notional: every entry is denied with the cap's code
    writeFileSync(config, JSON.stringify({ profiles: { prod: { risk: { maxCycleNotional: '5', minNotional: '10' } } } }));
    const db = path.join(tmp.dir, 'tight.db');
    const args = ['--db', db, 'backtest', '--data', DATA, '--symbol', 'SYN', '--strategy', 'sma-cross', '--seed', '1', '--config', config, '--profile', 'prod'];
    const json = engine(...args, '--json');
    expect(json.code, json.stderr).toBe(0);
    const result = JSON.parse(json.stdout) as { denials: Record<string, number>; trades: unknown[] };
    const denied = result.denials['NOTIONAL_CAP_PER_CYCLE'] ?? 0;
    expect(denied).toBeGreaterThan(0);
    expect(result.trades).toHaveLength(0);

    const text = engine(...args);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`denied: NOTIONAL_CAP_PER_CYCLE=${denied}`);

    const store = await SqliteEventStore.open(db, { readonly: true, create: false });
    try {
      const decisions = [];
      for await (const e of store.readAll({ types: ['RiskDecisionMade'] })) {
        const t = toTypedEvent(e);
        if (t.type === 'RiskDecisionMade') decisions.push(t.data);
      }
      expect(decisions).toHaveLength(denied);
      for (const d of decisions) {
        expect(d).toMatchObject({ verdict: 'DENIED', reasonCode: 'NOTIONAL_CAP_PER_CYCLE', layer: 'RISK', approvedQty: '0' });
        expect(d.context).toMatchObject({ limit: '5', minNotional: '10' });
      }
    } finally {
      await store.close();
    }
  });

  it('the same backtest without the tight profile trades (the denials come from the config)', () => {
    const r = engine('--db', path.join(tmp.dir, 'loose.db'), 'backtest', '--data', DATA, '--symbol', 'SYN', '--strategy', 'sma-cross', '--seed', '1', '--json');
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { denials: Record<string, number>; trades: unknown[] };
    expect(result.trades.length).toBeGreaterThan(0);
    expect(result.denials['NOTIONAL_CAP_PER_CYCLE']).toBeUndefined();
  });

  it('a bad config file exits 2, lists its fields, and creates no database', () => {
    const config = path.join(tmp.dir, 'bad.json');
    writeFileSync(config, JSON.stringify({ base: { risk: { maxCycleNotional: 'lots', timeZone: 'Nowhere/City' } } }));
    const db = path.join(tmp.dir, 'never.db');
    const r = engine('--db', db, 'backtest', '--data', DATA, '--symbol', 'SYN', '--strategy', 'sma-cross', '--seed', '1', '--config', config);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('base.risk.maxCycleNotional');
    expect(r.stderr).toContain('base.risk.timeZone');
    expect(existsSync(db)).toBe(false);
  });
});
