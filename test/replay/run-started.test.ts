import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/events/canonical.js';
import { tempDir } from '../support.js';
import { engine, storedLines } from '../backtest/cli-support.js';

/**
 * What a replay needs is in RunStarted (issue 6 item 1): mode, package version, git commit when
 * available, the complete effective config and its hash, the seed, and for backtests the data hash.
 */
const tmp = tempDir('engine-run-started-');
afterAll(() => tmp.cleanup());

interface Started {
  type: string;
  data: { mode: string; packageVersion: string; gitCommit: string | null; config: unknown; configHash: string; seed: string | null; data: { hash: string; source: string } | null; eventsMode: string; armed: boolean };
}

async function runStarted(db: string): Promise<Started[]> {
  return (await storedLines(db)).map((l) => JSON.parse(l) as Started).filter((e) => e.type === 'RunStarted');
}

function expectReplayable(s: Started): void {
  expect(s.data.packageVersion).toMatch(/^\d+\.\d+\.\d+/);
  expect(s.data.gitCommit).toBe('test-commit'); // the CLI tests pin ENGINE_GIT_COMMIT
  expect(s.data.configHash).toBe(createHash('sha256').update(canonicalJson(s.data.config)).digest('hex'));
  expect(s.data.seed).toBeTruthy();
}

describe('RunStarted records what a replay needs', () => {
  it('backtest: mode, versions, config and hash, seed, data hash', async () => {
    const db = path.join(tmp.dir, 'bt.db');
    const r = await engine(['backtest', '--data', 'synthetic:bars=50,interval=1h,seed=2', '--symbol', 'SYN', '--strategy', 'sma-cross', '--seed', '4', '--events', 'decisions', '--json', '--db', db]);
    expect(r.code).toBe(0);
    const [s] = await runStarted(db);
    expect(s!.data.mode).toBe('backtest');
    expectReplayable(s!);
    expect(s!.data.seed).toBe('4');
    expect(s!.data.data!.hash).toBe(JSON.parse(r.stdout).dataHash);
    expect(s!.data.config).toMatchObject({ strategy: { name: 'sma-cross' }, venue: { kind: 'simulated' }, risk: { maxOrderNotional: '50000' } });
  });

  it('stage7-run: mode live, versions, the whole engine config and hash, the seed; snapshots are in the log instead of a data hash', async () => {
    const db = path.join(tmp.dir, 'live.db');
    const cfg = path.join(tmp.dir, 'live.json');
    writeFileSync(cfg, JSON.stringify({ base: { risk: { maxOrderNotional: '1234' } } }));
    const r = await engine(['stage7-run', '--venue', 'sim', '--cycles', '2', '--interval', '10ms', '--seed', 'abc', '--config', cfg, '--json', '--db', db]);
    expect(r.code, r.stderr).toBe(0);
    const [s] = await runStarted(db);
    expect(s!.data.mode).toBe('live');
    expectReplayable(s!);
    expect(s!.data.seed).toBe('abc');
    expect(s!.data.data).toBeNull();
    expect(s!.data.armed).toBe(false);
    expect(s!.data.config).toMatchObject({ risk: { maxOrderNotional: '1234' }, live: { intervalMs: 10 }, simulation: {}, strategy: {} });
    const replay = await engine(['replay', '--run', JSON.parse(r.stdout).runId, '--db', db]);
    expect([replay.code, replay.stderr]).toEqual([0, '']);
  });
});
