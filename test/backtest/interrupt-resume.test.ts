import { spawn } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, PROJECT_ROOT, tempDir } from '../support.js';
import { engine, storedLines } from './cli-support.js';

const tmp = tempDir('engine-bt-int-');
afterAll(() => tmp.cleanup());

const ARGS = ['backtest', '--data', 'synthetic:bars=30000,interval=1m,seed=5', '--symbol', 'SYN', '--strategy', 'sma-cross', '--seed', '3', '--json'];

describe('an interrupted backtest', () => {
  it('exits 130 on Ctrl-C leaving whole batches; re-running skips them and ends with the same events as a clean run', async () => {
    const db = path.join(tmp.dir, 'int.db');
    const child = spawn(process.execPath, [CLI, '--log-level', 'warn', ...ARGS, '--db', db], { cwd: PROJECT_ROOT, env: { ...process.env, ENGINE_GIT_COMMIT: 'test-commit' }, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Wait until some batches are in the log, then interrupt.
    const wal = `${db}-wal`;
    for (let i = 0; i < 600 && !(existsSync(wal) && statSync(wal).size > 300_000); i++) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    const partial = (await storedLines(db)).length;
    expect(partial).toBeGreaterThan(0);

    const resumed = await engine([...ARGS, '--db', db]);
    const clean = await engine([...ARGS, '--db', path.join(tmp.dir, 'clean.db')]);
    expect([resumed.code, clean.code]).toEqual([0, 0]);
    const r = JSON.parse(resumed.stdout);
    const c = JSON.parse(clean.stdout);
    expect(r.eventsAlreadyStored).toBe(partial);
    expect(r.eventsWritten + r.eventsAlreadyStored).toBe(c.events);
    expect(r.fingerprint).toBe(c.fingerprint);
    expect(await storedLines(db)).toEqual(await storedLines(path.join(tmp.dir, 'clean.db')));
  });
});
