import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../support.js';
import { engine, storedLines } from './cli-support.js';

const tmp = tempDir('engine-bt-det-');
afterAll(() => tmp.cleanup());

const ARGS = ['backtest', '--data', 'synthetic:bars=2000,interval=1h,seed=11', '--symbol', 'SYN', '--strategy', 'sma-cross', '--param', 'fast=5', '--param', 'slow=20', '--seed', '7', '--json'];

describe('backtest determinism across processes', () => {
  it('the same data, params and seed give byte-identical events and the same fingerprints in two child processes', async () => {
    const a = path.join(tmp.dir, 'a.db');
    const b = path.join(tmp.dir, 'b.db');
    const [ra, rb] = await Promise.all([engine([...ARGS, '--db', a]), engine([...ARGS, '--db', b])]);
    expect(ra.stderr).toBe('');
    expect([ra.code, rb.code]).toEqual([0, 0]);
    const ja = JSON.parse(ra.stdout);
    const jb = JSON.parse(rb.stdout);
    expect(ja.trades.length).toBeGreaterThan(5); // a run that actually trades
    expect(ja.runId).toBe(jb.runId);
    expect(ja.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(ja.fingerprint).toBe(jb.fingerprint);
    expect(ja.decisionFingerprint).toBe(jb.decisionFingerprint);
    const [la, lb] = await Promise.all([storedLines(a), storedLines(b)]);
    expect(la.length).toBe(ja.events);
    expect(la).toEqual(lb); // envelope, data, metadata, prevHash and hash: byte for byte
  });

  it('a different seed of the data gives a different run and fingerprint', async () => {
    const other = ARGS.map((x) => (x === 'synthetic:bars=2000,interval=1h,seed=11' ? 'synthetic:bars=2000,interval=1h,seed=12' : x));
    const [r1, r2] = await Promise.all([engine([...ARGS, '--db', path.join(tmp.dir, 'c.db')]), engine([...other, '--db', path.join(tmp.dir, 'd.db')])]);
    const j1 = JSON.parse(r1.stdout);
    const j2 = JSON.parse(r2.stdout);
    expect(j1.runId).not.toBe(j2.runId);
    expect(j1.fingerprint).not.toBe(j2.fingerprint);
  });
});
